#!/usr/bin/env bash
# Stops every process the network scripts started, by the pids they recorded (never by name).
# Keys, ledgers and the channel stay on disk, so `up.sh` resumes the same network;
# `--wipe` also deletes the run directory (network/run) for a fresh start. The binaries cache is
# never touched.
source "$(dirname "$0")/lib/common.sh"

wipe=""
case "${1:-}" in
  --wipe) wipe=1 ;;
  "") ;;
  *) die "usage: network/down.sh [--wipe]" ;;
esac

# Clients first, then the servers they talk to.
for name in chaincode peer0-enterprise peer0-regulator orderer ca-orderer ca-enterprise ca-regulator; do
  stop_pid "${name}"
done
# Anything else with a pid file (a name this list does not know yet).
if [ -d "${PID_DIR}" ]; then
  for file in "${PID_DIR}"/*.pid; do
    [ -e "${file}" ] || continue
    stop_pid "$(basename "${file}" .pid)"
  done
fi

if [ -n "${wipe}" ]; then
  rm -rf "${RUN_DIR}"
  log "wiped ${RUN_DIR}"
fi
log "network down"
