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

# network.json: the facts enroll-users.mjs (and anything else outside bash) needs about this
# network: its CAs with their registrars, and the peers.
write_network_json() {
  local args=() org
  for org in "${PEER_ORGS[@]}"; do
    args+=("${org}" "$(msp_id "${org}")" "$(ca_url "${org}")" "$(ca_name "${org}")" "$(ca_cert "${org}")"
      "$(ca_home "${org}")/client/msp/signcerts/cert.pem"
      "$(find "$(ca_home "${org}")/client/msp/keystore" -name '*_sk' | head -n 1)"
      "$(peer_addr "${org}")" "$(peer_host "${org}")")
  done
  node - "${CHANNEL}" "${CC_NAME}" "${ORDERER_ADDR}" "${args[@]}" >"${RUN_DIR}/network.json" <<'JS'
const [channel, chaincode, orderer, ...rest] = process.argv.slice(2);
const cas = {};
const peers = {};
for (let i = 0; i < rest.length; i += 9) {
  const [org, mspId, url, caName, caCert, registrarCert, registrarKey, endpoint, hostAlias] = rest.slice(i, i + 9);
  const registrar = { certificateFile: registrarCert, privateKeyFile: registrarKey };
  cas[org] = { url, caName, mspId, caCertFile: caCert, tlsCaCertFile: caCert, registrar };
  peers[org] = { mspId, endpoint, hostAlias, tlsCaCertFile: caCert };
}
console.log(JSON.stringify({ channel, chaincode, contract: 'inspection', orderer, cas, peers }, null, 2));
JS
}

# The channel block records the orderer's and anchor peers' ports: a run directory belongs to the
# port base it was made with.
check_port_base() {
  local file="${RUN_DIR}/port-base"
  if [ -s "${file}" ] && [ "$(cat "${file}")" != "${PORT_BASE}" ]; then
    die "${RUN_DIR} holds a network made with FIC_PORT_BASE=$(cat "${file}"); use that, or network/down.sh --wipe"
  fi
  echo "${PORT_BASE}" >"${file}"
}

# Before starting anything: every port of a component that is not running yet must be free.
check_ports() {
  local org
  for org in "${ORGS[@]}"; do
    is_running "ca-${org}" || check_port_free "ca-${org}" "$(ca_port "${org}")" "$(ca_ops_port "${org}")"
  done
  is_running orderer || check_port_free orderer "${ORDERER_PORT}" "${ORDERER_ADMIN_PORT}" "${ORDERER_OPS_PORT}"
  for org in "${PEER_ORGS[@]}"; do
    is_running "peer0-${org}" \
      || check_port_free "peer0-${org}" "$(peer_port "${org}")" "$(peer_cc_port "${org}")" "$(peer_ops_port "${org}")"
  done
  is_running chaincode || check_port_free chaincode "${CC_SERVICE_PORT}"
}

require_tools
mkdir -p "${RUN_DIR}" "${LOG_DIR}" "${PID_DIR}"
chmod 700 "${RUN_DIR}"
check_port_base
check_ports

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

write_network_json
if ! timeout 120 node "${NETWORK_DIR}/enroll-users.mjs" 2>&1 | while read -r line; do log "${line}"; done; then
  die "enrolling the client users failed"
fi
log "network up in $(elapsed) ms; clients connect with ${RUN_DIR}/gateway.json"
