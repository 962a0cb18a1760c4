# shellcheck shell=bash disable=SC2034 # the settings here are used by the scripts that source this
# Shared settings and helpers for the network scripts. Sourced, never run.
#
# Everything the network writes (keys, ledgers, pids, logs) lives under $RUN_DIR; the Fabric and
# fabric-ca binaries live in a cache outside the repository ($TOOLS_DIR) so that a fresh clone
# reuses them. Every listener binds 127.0.0.1, at a fixed offset from FIC_PORT_BASE.

set -euo pipefail

NETWORK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "${NETWORK_DIR}/.." && pwd)"
RUN_DIR="${FIC_RUN_DIR:-${NETWORK_DIR}/run}"
LOG_DIR="${RUN_DIR}/logs"
PID_DIR="${RUN_DIR}/pids"

# --- versions -------------------------------------------------------------------------------------
# Fabric has no major-version suffix in its module path, so it is pinned by pseudo-version (commit).
# DESIGN §4 asks for v3.1.x; the module proxy reachable here serves only this release-2.5 commit
# (Fabric 2.5.9), whose peer/orderer have channel participation and no need of a system channel.
FABRIC_MODULE="github.com/hyperledger/fabric"
FABRIC_PSEUDO_VERSION="v0.0.0-20240618194258-7c3876255bf0"
FABRIC_VERSION="2.5.9"
FABRIC_COMMIT="7c3876255bf0"
FABRIC_CA_MODULE="github.com/hyperledger/fabric-ca"
FABRIC_CA_VERSION="1.5.15"

TOOLS_DIR="${FIC_TOOLS_DIR:-${HOME}/.cache/fic-tools}"
FABRIC_BIN="${TOOLS_DIR}/fabric-${FABRIC_VERSION}/bin"
FABRIC_CA_BIN="${TOOLS_DIR}/fabric-ca-${FABRIC_CA_VERSION}/bin"

# --- names ----------------------------------------------------------------------------------------
CHANNEL="food-safety"
CC_NAME="food-inspection"
ORGS=(orderer enterprise regulator)
PEER_ORGS=(enterprise regulator)

msp_id() {
  case "$1" in
    orderer) echo OrdererMSP ;;
    enterprise) echo EnterpriseMSP ;;
    regulator) echo RegulatorMSP ;;
    *) die "unknown org $1" ;;
  esac
}

# --- ports ----------------------------------------------------------------------------------------
PORT_BASE="${FIC_PORT_BASE:-17000}"
ca_port() { case "$1" in orderer) echo $((PORT_BASE + 0)) ;; enterprise) echo $((PORT_BASE + 1)) ;; regulator) echo $((PORT_BASE + 2)) ;; esac; }
ca_ops_port() { echo $(($(ca_port "$1") + 10)); }
ORDERER_PORT=$((PORT_BASE + 20))
ORDERER_ADMIN_PORT=$((PORT_BASE + 21))
ORDERER_OPS_PORT=$((PORT_BASE + 22))
peer_port() { case "$1" in enterprise) echo $((PORT_BASE + 30)) ;; regulator) echo $((PORT_BASE + 40)) ;; esac; }
peer_cc_port() { echo $(($(peer_port "$1") + 1)); }
peer_ops_port() { echo $(($(peer_port "$1") + 2)); }
CC_SERVICE_PORT=$((PORT_BASE + 50))

ORDERER_ADDR="127.0.0.1:${ORDERER_PORT}"
peer_addr() { echo "127.0.0.1:$(peer_port "$1")"; }
peer_host() { echo "peer0.$1"; }

# --- layout under $RUN_DIR ------------------------------------------------------------------------
ca_home() { echo "${RUN_DIR}/ca/$1"; }
# The CA's own certificate is the root of everything the org has: its identities, its nodes' TLS
# certificates, and the CA's TLS certificate (tls-cert.pem, which the CA signs itself).
ca_cert() { echo "$(ca_home "$1")/ca-cert.pem"; }
org_dir() { echo "${RUN_DIR}/orgs/$1"; }
org_msp() { echo "$(org_dir "$1")/msp"; }  # the org's MSP as the channel sees it
node_dir() { echo "$(org_dir "$1")/$2"; }  # .../msp and .../tls of one identity
admin_msp() { echo "$(node_dir "$1" admin)/msp"; }
peer_dir() { node_dir "$1" peer0; }
ORDERER_NODE_DIR="${RUN_DIR}/orgs/orderer/orderer0"
CHANNEL_BLOCK="${RUN_DIR}/channel/${CHANNEL}.block"

# --- helpers --------------------------------------------------------------------------------------
export STARTED_AT="${STARTED_AT:-$(date +%s%N)}"
elapsed() { echo "$(( ($(date +%s%N) - STARTED_AT) / 1000000 ))"; }
log() { printf '[network %6.1fs] %s\n' "$(elapsed | awk '{print $1/1000}')" "$*" >&2; }
die() { printf '[network] error: %s\n' "$*" >&2; exit 1; }

require_tools() {
  local missing=()
  for tool in peer orderer osnadmin configtxgen discover; do
    [ -x "${FABRIC_BIN}/${tool}" ] || missing+=("${tool}")
  done
  for tool in fabric-ca-server fabric-ca-client; do
    [ -x "${FABRIC_CA_BIN}/${tool}" ] || missing+=("${tool}")
  done
  [ "${#missing[@]}" -eq 0 ] || die "missing ${missing[*]} in ${TOOLS_DIR}; run network/install.sh"
}

# The sample core.yaml/orderer.yaml shipped in the Fabric module (install.sh keeps them beside the
# binaries): the base every component starts from, overridden by environment, never copied into
# the repository.
fabric_sampleconfig() {
  local dir="${TOOLS_DIR}/fabric-${FABRIC_VERSION}/sampleconfig"
  [ -f "${dir}/core.yaml" ] || die "Fabric sampleconfig not found in ${dir}; run network/install.sh"
  echo "${dir}"
}

# pid files: one per supervised process, named after it, holding "PID STARTTIME". The start time
# (from /proc) guards against a recycled pid: a file whose pid now belongs to another process
# counts as dead, and that process is never signalled.
pid_file() { echo "${PID_DIR}/$1.pid"; }
start_time_of() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
recorded_pid() {
  local file pid started
  file="$(pid_file "$1")"
  [ -f "${file}" ] || return 1
  read -r pid started <"${file}" || true
  [ -n "${pid:-}" ] && [ -n "${started:-}" ] || return 1
  # Alive, not a zombie, and the same process that was recorded.
  [ "$(start_time_of "${pid}")" = "${started}" ] || return 1
  [ "$(awk '{print $3}' "/proc/${pid}/stat" 2>/dev/null)" != "Z" ] || return 1
  echo "${pid}"
}
is_running() { recorded_pid "$1" >/dev/null; }

# start_bg NAME CMD... : starts CMD detached (own session, own log), records its pid.
start_bg() {
  local name="$1" pid
  shift
  mkdir -p "${LOG_DIR}" "${PID_DIR}"
  nohup setsid "$@" >>"${LOG_DIR}/${name}.log" 2>&1 </dev/null &
  pid=$!
  echo "${pid} $(start_time_of "${pid}")" >"$(pid_file "${name}")"
}

# stop_pid NAME : TERM, wait up to 10 s, then KILL; only ever the process we recorded.
stop_pid() {
  local name="$1" pid
  if pid="$(recorded_pid "${name}")"; then
    kill -TERM "${pid}" 2>/dev/null || true
    for _ in $(seq 1 100); do
      recorded_pid "${name}" >/dev/null || break
      sleep 0.1
    done
    if recorded_pid "${name}" >/dev/null; then
      log "${name} (pid ${pid}) ignored TERM; killing it"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
    log "stopped ${name} (pid ${pid})"
  fi
  rm -f "$(pid_file "${name}")"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port NAME PORT [SECONDS]: waits until something listens on PORT and NAME is still alive.
wait_port() {
  local name="$1" port="$2" limit="${3:-30}"
  for _ in $(seq 1 $((limit * 10))); do
    port_open "${port}" && return 0
    is_running "${name}" || die "${name} exited during start; see ${LOG_DIR}/${name}.log: $(tail -n 5 "${LOG_DIR}/${name}.log")"
    sleep 0.1
  done
  die "${name} does not listen on ${port} after ${limit}s; see ${LOG_DIR}/${name}.log"
}

# check_port_free NAME PORT...: refuses to go on when another process holds one of the ports.
check_port_free() {
  local name="$1" port
  shift
  for port in "$@"; do
    if port_open "${port}"; then
      die "port ${port} (for ${name}) is taken by another process; set FIC_PORT_BASE to move the network"
    fi
  done
}

# healthz PORT: 0 when the operations endpoint says OK.
healthz() { curl -fsS --max-time 3 "http://127.0.0.1:$1/healthz" 2>/dev/null | grep -q '"status":"OK"'; }

# --- the peer CLI as an org admin -----------------------------------------------------------------
# as_admin ORG: sets the environment the peer CLI needs to act as ORG's admin against ORG's peer.
as_admin() {
  local org="$1"
  export FABRIC_CFG_PATH
  FABRIC_CFG_PATH="$(fabric_sampleconfig)"
  export CORE_PEER_LOCALMSPID
  CORE_PEER_LOCALMSPID="$(msp_id "${org}")"
  export CORE_PEER_MSPCONFIGPATH
  CORE_PEER_MSPCONFIGPATH="$(admin_msp "${org}")"
  export CORE_PEER_ADDRESS
  CORE_PEER_ADDRESS="$(peer_addr "${org}")"
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_TLS_ROOTCERT_FILE
  CORE_PEER_TLS_ROOTCERT_FILE="$(ca_cert "${org}")"
  # The CLI logs at INFO to stderr; keep it to warnings so scripts stay readable.
  export FABRIC_LOGGING_SPEC="${FIC_CLI_LOGGING:-warning}"
}

# Every CLI call is bounded: a wedged peer must not hang a script.
peer_cli() { timeout 90 "${FABRIC_BIN}/peer" "$@"; }

# Arguments that every orderer-bound CLI call needs.
orderer_args() {
  echo "-o ${ORDERER_ADDR} --tls --cafile $(ca_cert orderer)"
}

# discovery_ready ORG: 0 when ORG's peer, asked by ORG's admin through service discovery, plans
# endorsements of the chaincode by both orgs' peers. That is what the Fabric Gateway in the peer
# relies on, and it needs gossip between the orgs, which takes a few seconds after a peer starts.
discovery_ready() {
  local org="$1" msp out
  msp="$(admin_msp "${org}")"
  out="$(timeout 10 "${FABRIC_BIN}/discover" --peerTLSCA "$(ca_cert "${org}")" \
    --userKey "$(find "${msp}/keystore" -name '*_sk' | head -n 1)" --userCert "${msp}/signcerts/cert.pem" \
    --MSP "$(msp_id "${org}")" endorsers --channel "${CHANNEL}" --chaincode "${CC_NAME}" \
    --server "$(peer_addr "${org}")" 2>/dev/null)" || return 1
  grep -q '"MSPID": "EnterpriseMSP"' <<<"${out}" && grep -q '"MSPID": "RegulatorMSP"' <<<"${out}"
}
