# shellcheck shell=bash
# Certificate authorities and node/admin identities, with the fabric-ca binaries. Sourced by up.sh.
#
# One fabric-ca-server per org (TLS on, its certificates valid for localhost and 127.0.0.1) issues
# both the org's identities (ecerts) and its TLS certificates (the `tls` profile). Every MSP folder
# gets a config.yaml enabling NodeOUs, so the CA's `--id.type` (admin, peer, orderer, client)
# decides whether an identity counts as `.admin`, `.peer`, `.orderer` or `.client` in policies.

ca_name() { echo "ca-$1"; }
ca_url() { echo "https://127.0.0.1:$(ca_port "$1")"; }

# A random secret per enrolment id, made once and kept (0600) so that a re-run enrols again
# with the secret the CA already knows.
secret_of() {
  local org="$1" id="$2" dir file
  dir="$(ca_home "${org}")/secrets"
  file="${dir}/${id}"
  if [ ! -s "${file}" ]; then
    mkdir -p "${dir}"
    chmod 700 "${dir}"
    (umask 077 && openssl rand -hex 16 >"${file}")
  fi
  cat "${file}"
}

start_ca() {
  local org="$1" name home port
  name="ca-${org}"
  home="$(ca_home "${org}")"
  port="$(ca_port "${org}")"
  if is_running "${name}"; then
    return 0
  fi
  mkdir -p "${home}"
  # The bootstrap admin only matters on the first start, when the CA writes its database.
  start_bg "${name}" env \
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ca_ops_port "${org}")" \
    FABRIC_CA_SERVER_CA_NAME="$(ca_name "${org}")" \
    FABRIC_CA_SERVER_CSR_CN="$(ca_name "${org}")" \
    FABRIC_CA_SERVER_CSR_HOSTS="localhost,127.0.0.1" \
    FABRIC_CA_SERVER_TLS_ENABLED=true \
    "${FABRIC_CA_BIN}/fabric-ca-server" start \
    --home "${home}" \
    --address 127.0.0.1 --port "${port}" \
    -b "admin:$(secret_of "${org}" admin)"
  log "started ${name} on 127.0.0.1:${port}"
}

wait_ca() {
  local org="$1"
  wait_port "ca-${org}" "$(ca_port "${org}")" 60
  for _ in $(seq 1 100); do
    [ -s "$(ca_cert "${org}")" ] && return 0
    sleep 0.1
  done
  die "ca-${org} wrote no $(ca_cert "${org}")"
}

ca_client() {
  local org="$1"
  shift
  FABRIC_CA_CLIENT_HOME="$(ca_home "${org}")/client" timeout 30 "${FABRIC_CA_BIN}/fabric-ca-client" "$@" \
    --caname "$(ca_name "${org}")" --tls.certfiles "$(ca_cert "${org}")" >>"${LOG_DIR}/fabric-ca-client.log" 2>&1
}

# The CA's bootstrap admin, the registrar for everything below.
enroll_registrar() {
  local org="$1" msp
  msp="$(ca_home "${org}")/client/msp"
  [ -s "${msp}/signcerts/cert.pem" ] && return 0
  ca_client "${org}" enroll -u "https://admin:$(secret_of "${org}" admin)@127.0.0.1:$(ca_port "${org}")" \
    --mspdir "${msp}" || die "cannot enrol the registrar of ca-${org}; see ${LOG_DIR}/fabric-ca-client.log"
}

# register ORG ID TYPE: registers ID unless the CA knows it already.
register() {
  local org="$1" id="$2" type="$3" out
  out="$(FABRIC_CA_CLIENT_HOME="$(ca_home "${org}")/client" timeout 30 "${FABRIC_CA_BIN}/fabric-ca-client" register \
    --caname "$(ca_name "${org}")" --tls.certfiles "$(ca_cert "${org}")" -u "$(ca_url "${org}")" \
    --mspdir "$(ca_home "${org}")/client/msp" \
    --id.name "${id}" --id.secret "$(secret_of "${org}" "${id}")" --id.type "${type}" 2>&1)" && return 0
  case "${out}" in
    *"already registered"*) return 0 ;;
    *) die "cannot register ${id} at ca-${org}: ${out}" ;;
  esac
}

# NodeOUs: the OU the CA writes for each identity type, rooted at the org's CA certificate.
write_node_ous() {
  local msp="$1"
  cat >"${msp}/config.yaml" <<YAML
NodeOUs:
  Enable: true
  ClientOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: client }
  PeerOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: peer }
  AdminOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: admin }
  OrdererOUIdentifier: { Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: orderer }
YAML
}

# Gives an enrolled MSP folder fixed names: the CA certificate as cacerts/ca.pem (and as the TLS
# root), and the NodeOU config.
normalise_msp() {
  local org="$1" msp="$2"
  rm -rf "${msp}/cacerts" "${msp}/tlscacerts"
  mkdir -p "${msp}/cacerts" "${msp}/tlscacerts"
  cp "$(ca_cert "${org}")" "${msp}/cacerts/ca.pem"
  cp "$(ca_cert "${org}")" "${msp}/tlscacerts/ca.pem"
  write_node_ous "${msp}"
}

# enroll_identity ORG ID TYPE DIR [HOSTS]: registers and enrols ID into DIR/msp and, with HOSTS,
# a TLS certificate for those host names into DIR/tls/{server.crt,server.key,ca.crt}.
enroll_identity() {
  local org="$1" id="$2" type="$3" dir="$4" hosts="${5:-}"
  if [ -s "${dir}/msp/signcerts/cert.pem" ] && { [ -z "${hosts}" ] || [ -s "${dir}/tls/server.crt" ]; }; then
    return 0
  fi
  register "${org}" "${id}" "${type}"
  local creds
  creds="${id}:$(secret_of "${org}" "${id}")@127.0.0.1:$(ca_port "${org}")"
  rm -rf "${dir}/msp" "${dir}/tls"
  ca_client "${org}" enroll -u "https://${creds}" --mspdir "${dir}/msp" ${hosts:+--csr.hosts "${hosts}"} \
    || die "cannot enrol ${id} at ca-${org}; see ${LOG_DIR}/fabric-ca-client.log"
  normalise_msp "${org}" "${dir}/msp"
  if [ -n "${hosts}" ]; then
    ca_client "${org}" enroll -u "https://${creds}" --mspdir "${dir}/tls-enrolment" \
      --enrollment.profile tls --csr.hosts "${hosts}" \
      || die "cannot enrol TLS for ${id} at ca-${org}; see ${LOG_DIR}/fabric-ca-client.log"
    mkdir -p "${dir}/tls"
    cp "${dir}/tls-enrolment/signcerts/cert.pem" "${dir}/tls/server.crt"
    cp "${dir}/tls-enrolment/keystore/"*_sk "${dir}/tls/server.key"
    cp "$(ca_cert "${org}")" "${dir}/tls/ca.crt"
    rm -rf "${dir}/tls-enrolment"
  fi
}

# The org's MSP as channel members see it: CA certificates and NodeOUs, no keys.
write_org_msp() {
  local org="$1" msp
  msp="$(org_msp "${org}")"
  mkdir -p "${msp}"
  normalise_msp "${org}" "${msp}"
}

setup_identities() {
  local org
  for org in "${ORGS[@]}"; do start_ca "${org}"; done
  for org in "${ORGS[@]}"; do wait_ca "${org}"; done
  for org in "${ORGS[@]}"; do
    enroll_registrar "${org}"
    write_org_msp "${org}"
    # The admin gets a TLS client certificate too: osnadmin authenticates with one.
    enroll_identity "${org}" "${org}-admin" admin "$(node_dir "${org}" admin)" "localhost,127.0.0.1"
  done
  enroll_identity orderer orderer0 orderer "${ORDERER_NODE_DIR}" "orderer0,localhost,127.0.0.1"
  for org in "${PEER_ORGS[@]}"; do
    enroll_identity "${org}" "peer0-${org}" peer "$(peer_dir "${org}")" "$(peer_host "${org}"),localhost,127.0.0.1"
  done
  log "identities ready (CAs on ports $(ca_port orderer)-$(ca_port regulator))"
}
