#!/usr/bin/env bash
# Brings the food-safety network up on this machine, or completes it: three certificate
# authorities, one Raft orderer, one peer per org, the channel, and the chaincode (deploy.sh).
# Idempotent: whatever already runs is left alone, whatever died is started again, and nothing
# already on disk (keys, ledgers, the channel block) is made anew.
#
#   FIC_PORT_BASE   first port (default 17000; see network/README.md for the map)
#   FIC_TOOLS_DIR   where install.sh put the binaries
source "$(dirname "$0")/lib/common.sh"
source "${NETWORK_DIR}/lib/identities.sh"
source "${NETWORK_DIR}/lib/nodes.sh"

require_tools
mkdir -p "${RUN_DIR}" "${LOG_DIR}" "${PID_DIR}"
chmod 700 "${RUN_DIR}"

setup_identities
make_channel_block

start_orderer
for org in "${PEER_ORGS[@]}"; do start_peer "${org}"; done
wait_port orderer "${ORDERER_ADMIN_PORT}"
wait_healthy orderer "${ORDERER_OPS_PORT}"
for org in "${PEER_ORGS[@]}"; do wait_healthy "peer0-${org}" "$(peer_ops_port "${org}")"; done

join_orderer
for org in "${PEER_ORGS[@]}"; do join_peer "${org}"; done

"${NETWORK_DIR}/deploy.sh"
log "network up in $(elapsed) ms"
