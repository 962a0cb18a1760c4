#!/usr/bin/env bash
# Health of the network: every process alive, the orderer's and peers' operations /healthz OK,
# the channel joined everywhere, the chaincode committed and answering on both peers, and service
# discovery (what the Fabric Gateway plans endorsements with) seeing both orgs' peers.
# Prints one line per check; exits 0 when all pass, 1 otherwise.
source "$(dirname "$0")/lib/common.sh"
source "${NETWORK_DIR}/lib/nodes.sh"

failures=0
check() {
  local what="$1"
  shift
  if "$@" >/dev/null 2>&1; then
    printf 'ok    %s\n' "${what}"
  else
    printf 'FAIL  %s\n' "${what}"
    failures=$((failures + 1))
  fi
}

peer_joined() { (as_admin "$1" && peer_cli channel getinfo -c "${CHANNEL}" | grep -q '"height"'); }
orderer_joined() { osnadmin_cli channel list --channelID "${CHANNEL}" | grep -q '"status": *"active"'; }
committed() { (as_admin regulator && peer_cli lifecycle chaincode querycommitted -C "${CHANNEL}" -n "${CC_NAME}"); }
# The contract API's own metadata transaction: proves the peer reaches the chaincode service
# without needing a caller with a role.
answering() {
  (as_admin "$1" && peer_cli chaincode query -C "${CHANNEL}" -n "${CC_NAME}" \
    -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}' | grep -q '"contracts"')
}

if [ ! -d "${RUN_DIR}" ]; then
  echo "FAIL  no network in ${RUN_DIR}; run network/up.sh"
  exit 1
fi
require_tools

for name in ca-orderer ca-enterprise ca-regulator orderer peer0-enterprise peer0-regulator chaincode; do
  check "process ${name} running (pid $(recorded_pid "${name}" || echo none))" is_running "${name}"
done
check "orderer healthz (127.0.0.1:${ORDERER_OPS_PORT})" healthz "${ORDERER_OPS_PORT}"
for org in "${PEER_ORGS[@]}"; do
  check "peer0-${org} healthz (127.0.0.1:$(peer_ops_port "${org}"))" healthz "$(peer_ops_port "${org}")"
done
check "orderer joined ${CHANNEL}" orderer_joined
for org in "${PEER_ORGS[@]}"; do
  check "peer0-${org} joined ${CHANNEL}" peer_joined "${org}"
done
check "${CC_NAME} committed on ${CHANNEL}" committed
for org in "${PEER_ORGS[@]}"; do
  check "${CC_NAME} answers on peer0-${org}" answering "${org}"
done
for org in "${PEER_ORGS[@]}"; do
  check "service discovery on peer0-${org} plans endorsements by both orgs" discovery_ready "${org}"
done

if [ "${failures}" -gt 0 ]; then
  echo "${failures} check(s) failed; logs in ${LOG_DIR}"
  exit 1
fi
echo "network healthy"
