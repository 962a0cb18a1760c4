# shellcheck shell=bash
# The orderer and the peers: each runs from Fabric's sample core.yaml / orderer.yaml with every
# setting that matters overridden here by environment. Sourced by up.sh.

start_orderer() {
  local name=orderer dir="${ORDERER_NODE_DIR}" data="${RUN_DIR}/data/orderer"
  if is_running "${name}"; then return 0; fi
  mkdir -p "${data}"
  start_bg "${name}" env \
    FABRIC_CFG_PATH="$(fabric_sampleconfig)" \
    FABRIC_LOGGING_SPEC="${FIC_LOGGING:-info}" \
    ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 \
    ORDERER_GENERAL_LISTENPORT="${ORDERER_PORT}" \
    ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
    ORDERER_GENERAL_LOCALMSPDIR="${dir}/msp" \
    ORDERER_GENERAL_TLS_ENABLED=true \
    ORDERER_GENERAL_TLS_CERTIFICATE="${dir}/tls/server.crt" \
    ORDERER_GENERAL_TLS_PRIVATEKEY="${dir}/tls/server.key" \
    ORDERER_GENERAL_TLS_ROOTCAS="[${dir}/tls/ca.crt]" \
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="${dir}/tls/server.crt" \
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="${dir}/tls/server.key" \
    ORDERER_GENERAL_CLUSTER_ROOTCAS="[${dir}/tls/ca.crt]" \
    ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
    ORDERER_CHANNELPARTICIPATION_ENABLED=true \
    ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:${ORDERER_ADMIN_PORT}" \
    ORDERER_ADMIN_TLS_ENABLED=true \
    ORDERER_ADMIN_TLS_CERTIFICATE="${dir}/tls/server.crt" \
    ORDERER_ADMIN_TLS_PRIVATEKEY="${dir}/tls/server.key" \
    ORDERER_ADMIN_TLS_ROOTCAS="[${dir}/tls/ca.crt]" \
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[${dir}/tls/ca.crt]" \
    ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:${ORDERER_OPS_PORT}" \
    ORDERER_FILELEDGER_LOCATION="${data}/ledger" \
    ORDERER_CONSENSUS_WALDIR="${data}/etcdraft/wal" \
    ORDERER_CONSENSUS_SNAPDIR="${data}/etcdraft/snapshot" \
    "${FABRIC_BIN}/orderer"
  log "started orderer on ${ORDERER_ADDR} (admin ${ORDERER_ADMIN_PORT})"
}

# The peer's core.yaml: Fabric's sample with one line changed. An empty CORE_VM_ENDPOINT does not
# blank vm.endpoint (viper ignores empty environment variables), and with an endpoint set the peer
# registers a Docker health check that keeps /healthz failing on a machine without Docker. So the
# run directory gets a derived copy with `vm.endpoint` empty; everything else is still overridden
# by environment below.
peer_config_dir() {
  local dir="${RUN_DIR}/config/peer"
  if [ ! -s "${dir}/core.yaml" ]; then
    mkdir -p "${dir}"
    sed -E 's|^(    endpoint:) unix:///var/run/docker.sock$|\1 ""|' "$(fabric_sampleconfig)/core.yaml" >"${dir}/core.yaml.tmp"
    grep -qE '^    endpoint: ""$' "${dir}/core.yaml.tmp" || die "could not blank vm.endpoint in core.yaml"
    mv "${dir}/core.yaml.tmp" "${dir}/core.yaml"
  fi
  echo "${dir}"
}

start_peer() {
  local org="$1" name dir data port
  name="peer0-${org}"
  dir="$(peer_dir "${org}")"
  data="${RUN_DIR}/data/${name}"
  port="$(peer_port "${org}")"
  if is_running "${name}"; then return 0; fi
  mkdir -p "${data}"
  start_bg "${name}" env \
    FABRIC_CFG_PATH="$(peer_config_dir)" \
    FABRIC_LOGGING_SPEC="${FIC_LOGGING:-info}" \
    CORE_PEER_ID="$(peer_host "${org}")" \
    CORE_PEER_LISTENADDRESS="127.0.0.1:${port}" \
    CORE_PEER_ADDRESS="127.0.0.1:${port}" \
    CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(peer_cc_port "${org}")" \
    CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(peer_cc_port "${org}")" \
    CORE_PEER_GOSSIP_BOOTSTRAP="127.0.0.1:${port}" \
    CORE_PEER_GOSSIP_ENDPOINT="127.0.0.1:${port}" \
    CORE_PEER_GOSSIP_EXTERNALENDPOINT="127.0.0.1:${port}" \
    CORE_PEER_LOCALMSPID="$(msp_id "${org}")" \
    CORE_PEER_MSPCONFIGPATH="${dir}/msp" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_CERT_FILE="${dir}/tls/server.crt" \
    CORE_PEER_TLS_KEY_FILE="${dir}/tls/server.key" \
    CORE_PEER_TLS_ROOTCERT_FILE="${dir}/tls/ca.crt" \
    CORE_PEER_FILESYSTEMPATH="${data}" \
    CORE_LEDGER_SNAPSHOTS_ROOTDIR="${data}/snapshots" \
    CORE_PEER_GATEWAY_ENABLED=true \
    CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_ops_port "${org}")" \
    CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas, path: ${NETWORK_DIR}/ccaas-builder, propagateEnvironment: [HOME]}]" \
    "${FABRIC_BIN}/peer" node start
  log "started ${name} on 127.0.0.1:${port}"
}

osnadmin_cli() {
  local admin
  admin="$(node_dir orderer admin)/tls"
  timeout 30 "${FABRIC_BIN}/osnadmin" "$@" -o "127.0.0.1:${ORDERER_ADMIN_PORT}" \
    --ca-file "$(ca_cert orderer)" --client-cert "${admin}/server.crt" --client-key "${admin}/server.key"
}

# The channel's genesis block, made once: every later join must use the very same block.
make_channel_block() {
  [ -s "${CHANNEL_BLOCK}" ] && return 0
  local cfg="${RUN_DIR}/config"
  mkdir -p "${cfg}" "$(dirname "${CHANNEL_BLOCK}")"
  sed -e "s|\${ORDERER_MSP_DIR}|$(org_msp orderer)|g" \
    -e "s|\${ENTERPRISE_MSP_DIR}|$(org_msp enterprise)|g" \
    -e "s|\${REGULATOR_MSP_DIR}|$(org_msp regulator)|g" \
    -e "s|\${ORDERER_PORT}|${ORDERER_PORT}|g" \
    -e "s|\${ORDERER_TLS_CERT}|${ORDERER_NODE_DIR}/tls/server.crt|g" \
    -e "s|\${ENTERPRISE_PEER_PORT}|$(peer_port enterprise)|g" \
    -e "s|\${REGULATOR_PEER_PORT}|$(peer_port regulator)|g" \
    "${NETWORK_DIR}/config/configtx.template.yaml" >"${cfg}/configtx.yaml"
  FABRIC_LOGGING_SPEC=warning timeout 60 "${FABRIC_BIN}/configtxgen" -configPath "${cfg}" -profile FoodSafetyChannel \
    -channelID "${CHANNEL}" -outputBlock "${CHANNEL_BLOCK}.tmp" >>"${LOG_DIR}/configtxgen.log" 2>&1 \
    || die "configtxgen failed; see ${LOG_DIR}/configtxgen.log"
  mv "${CHANNEL_BLOCK}.tmp" "${CHANNEL_BLOCK}"
  log "channel block for ${CHANNEL} written"
}

join_orderer() {
  if osnadmin_cli channel list 2>/dev/null | grep -q "\"name\": *\"${CHANNEL}\""; then return 0; fi
  local out
  out="$(osnadmin_cli channel join --channelID "${CHANNEL}" --config-block "${CHANNEL_BLOCK}" 2>&1)" \
    || die "osnadmin channel join failed: ${out}"
  case "${out}" in
    *"Status: 201"*) log "orderer joined ${CHANNEL}" ;;
    *) die "osnadmin channel join: ${out}" ;;
  esac
}

join_peer() {
  local org="$1"
  (
    as_admin "${org}"
    if peer_cli channel list 2>/dev/null | grep -qx "${CHANNEL}"; then exit 0; fi
    local out
    # The orderer may still be electing itself leader; the peer only needs the block, but retry
    # on transient errors all the same.
    for _ in 1 2 3 4 5; do
      if out="$(peer_cli channel join -b "${CHANNEL_BLOCK}" 2>&1)"; then
        log "peer0-${org} joined ${CHANNEL}"
        exit 0
      fi
      sleep 1
    done
    die "peer0-${org} cannot join ${CHANNEL}: ${out}"
  )
}

# wait_healthy NAME PORT: waits for the operations endpoint to say OK.
wait_healthy() {
  local name="$1" port="$2"
  for _ in $(seq 1 300); do
    healthz "${port}" && return 0
    is_running "${name}" || die "${name} exited; see ${LOG_DIR}/${name}.log: $(tail -n 5 "${LOG_DIR}/${name}.log")"
    sleep 0.1
  done
  die "${name} is not healthy after 30s (http://127.0.0.1:${port}/healthz)"
}
