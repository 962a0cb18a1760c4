#!/usr/bin/env bash
# Builds the project and deploys its chaincode to the running network as a service (CCaaS):
# packages it, installs it on both peers, approves it for both orgs, commits it, and starts (or
# restarts) the chaincode process both peers dial. Idempotent:
# - the chaincode definition's version is a digest of the built chaincode and its connection, so
#   the same build already committed is a no-op, and a changed one commits sequence + 1;
# - the service is supervised by pid and started again when it is dead or runs an older package.
#
#   FIC_SKIP_BUILD=1   use dist/ as it is (no `npm run build`)
source "$(dirname "$0")/lib/common.sh"

require_tools
CC_DIR="${RUN_DIR}/chaincode"
SERVICE_STATE="${CC_DIR}/service.env"
mkdir -p "${CC_DIR}" "${LOG_DIR}" "${PID_DIR}"

# json EXPR: evaluates a JavaScript expression over the JSON on stdin (bound to `d`).
json() { node -e "const d = JSON.parse(require('fs').readFileSync(0, 'utf8')); const v = ($1); if (v !== undefined) console.log(typeof v === 'object' ? JSON.stringify(v) : v);"; }

for org in "${PEER_ORGS[@]}"; do
  healthz "$(peer_ops_port "${org}")" || die "peer0-${org} is not running; run network/up.sh"
done

if [ -z "${FIC_SKIP_BUILD:-}" ]; then
  log "building the project (npm run build)"
  (cd "${REPO_DIR}" && timeout 600 npm run build --silent) >>"${LOG_DIR}/build.log" 2>&1 \
    || die "npm run build failed; see ${LOG_DIR}/build.log"
fi
MAIN_JS="${REPO_DIR}/dist/chaincode/main.js"
[ -f "${MAIN_JS}" ] || die "${MAIN_JS} is missing; run npm run build"

# --- what should be deployed ----------------------------------------------------------------------
CONNECTION="{\"address\":\"127.0.0.1:${CC_SERVICE_PORT}\",\"dial_timeout\":\"10s\",\"tls_required\":false}"
# The code the service runs (the compiled chaincode and the domain core it imports, and the
# locked dependencies) plus where it listens. Same digest, same deployment.
DIGEST="$(
  {
    echo "${CONNECTION}"
    sha256sum "${REPO_DIR}/package-lock.json" | cut -d' ' -f1
    (cd "${REPO_DIR}/dist" && find chaincode src -type f -name '*.js' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
)"

# --- what is committed ----------------------------------------------------------------------------
as_admin regulator
committed_json=""
if ! committed_json="$(peer_cli lifecycle chaincode querycommitted -C "${CHANNEL}" -n "${CC_NAME}" --output json 2>"${CC_DIR}/query.err")"; then
  case "$(cat "${CC_DIR}/query.err")" in
    *"namespace ${CC_NAME} is not defined"*) committed_json="" ;;
    *) die "cannot query the committed chaincode: $(cat "${CC_DIR}/query.err")" ;;
  esac
fi
COMMITTED_SEQ=0
COMMITTED_VERSION=""
if [ -n "${committed_json}" ]; then
  COMMITTED_SEQ="$(echo "${committed_json}" | json 'd.sequence')"
  COMMITTED_VERSION="$(echo "${committed_json}" | json 'd.version')"
fi

# --- the chaincode service ------------------------------------------------------------------------
ensure_service() {
  local package_id="$1" wanted
  wanted="CHAINCODE_ID=${package_id} DIGEST=${DIGEST}"
  if is_running chaincode && [ "$(cat "${SERVICE_STATE}" 2>/dev/null)" = "${wanted}" ]; then
    return 0
  fi
  stop_pid chaincode
  check_port_free chaincode "${CC_SERVICE_PORT}"
  (cd "${REPO_DIR}" && start_bg chaincode env \
    CHAINCODE_SERVER_ADDRESS="127.0.0.1:${CC_SERVICE_PORT}" \
    CHAINCODE_ID="${package_id}" \
    CORE_CHAINCODE_LOGGING_LEVEL="${FIC_CHAINCODE_LOGGING:-warning}" \
    node "${MAIN_JS}")
  echo "${wanted}" >"${SERVICE_STATE}"
  wait_port chaincode "${CC_SERVICE_PORT}" 30
  log "chaincode service ${package_id} listening on 127.0.0.1:${CC_SERVICE_PORT}"
}

# Clients submit through the Fabric Gateway, which plans endorsements with service discovery:
# wait until each peer's discovery names both orgs' peers as endorsers.
wait_discovery() {
  local org
  for org in "${PEER_ORGS[@]}"; do
    for _ in $(seq 1 120); do
      discovery_ready "${org}" && continue 2
      sleep 0.5
    done
    die "service discovery on peer0-${org} does not plan endorsements by both orgs after 60s"
  done
  log "service discovery plans endorsements by both orgs on both peers"
}

if [ "${COMMITTED_VERSION}" = "${DIGEST}" ]; then
  PACKAGE_ID="$(peer_cli lifecycle chaincode queryapproved -C "${CHANNEL}" -n "${CC_NAME}" --sequence "${COMMITTED_SEQ}" --output json \
    | json 'd.source && d.source.Type && d.source.Type.LocalPackage ? d.source.Type.LocalPackage.package_id : ""')"
  [ -n "${PACKAGE_ID}" ] || die "sequence ${COMMITTED_SEQ} is committed but RegulatorMSP approved no package for it"
  log "chaincode ${CC_NAME} version ${DIGEST} already committed (sequence ${COMMITTED_SEQ})"
  ensure_service "${PACKAGE_ID}"
  wait_discovery
  exit 0
fi

SEQ=$((COMMITTED_SEQ + 1))
LABEL="${CC_NAME}_${SEQ}"
log "deploying ${CC_NAME} version ${DIGEST} as sequence ${SEQ} (committed: ${COMMITTED_SEQ})"

# --- the package: metadata.json + code.tar.gz holding connection.json, byte-for-byte reproducible -
PKG_DIR="${CC_DIR}/${LABEL}"
PACKAGE="${CC_DIR}/${LABEL}.tgz"
rm -rf "${PKG_DIR}"
mkdir -p "${PKG_DIR}/code"
echo "${CONNECTION}" >"${PKG_DIR}/code/connection.json"
echo "{\"type\":\"ccaas\",\"label\":\"${LABEL}\"}" >"${PKG_DIR}/metadata.json"
reproducible_tgz() { tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "$@" | gzip -n; }
(cd "${PKG_DIR}/code" && reproducible_tgz connection.json) >"${PKG_DIR}/code.tar.gz"
(cd "${PKG_DIR}" && reproducible_tgz metadata.json code.tar.gz) >"${PACKAGE}"
PACKAGE_ID="$(peer_cli lifecycle chaincode calculatepackageid "${PACKAGE}")"

# --- install, approve (both orgs), service, commit -----------------------------------------------
for org in "${PEER_ORGS[@]}"; do
  as_admin "${org}"
  if ! peer_cli lifecycle chaincode queryinstalled --output json | grep -q "\"${PACKAGE_ID}\""; then
    out="$(peer_cli lifecycle chaincode install "${PACKAGE}" 2>&1)" || die "install on peer0-${org} failed: ${out}"
    log "installed ${PACKAGE_ID} on peer0-${org}"
  fi
done

definition=(--channelID "${CHANNEL}" --name "${CC_NAME}" --version "${DIGEST}" --sequence "${SEQ}")
for org in "${PEER_ORGS[@]}"; do
  as_admin "${org}"
  approved="$(peer_cli lifecycle chaincode checkcommitreadiness "${definition[@]}" --output json \
    | json "d.approvals['$(msp_id "${org}")']")"
  if [ "${approved}" != "true" ]; then
    # shellcheck disable=SC2046 # orderer_args is a list of words
    out="$(peer_cli lifecycle chaincode approveformyorg "${definition[@]}" --package-id "${PACKAGE_ID}" \
      $(orderer_args) --waitForEvent 2>&1)" || die "approval by $(msp_id "${org}") failed: ${out}"
    log "approved by $(msp_id "${org}")"
  fi
done

ensure_service "${PACKAGE_ID}"

as_admin regulator
peer_targets=()
for org in "${PEER_ORGS[@]}"; do
  peer_targets+=(--peerAddresses "$(peer_addr "${org}")" --tlsRootCertFiles "$(ca_cert "${org}")")
done
# shellcheck disable=SC2046
out="$(peer_cli lifecycle chaincode commit "${definition[@]}" $(orderer_args) "${peer_targets[@]}" --waitForEvent 2>&1)" \
  || die "commit failed: ${out}"
log "committed ${CC_NAME} sequence ${SEQ} on ${CHANNEL}"
wait_discovery
