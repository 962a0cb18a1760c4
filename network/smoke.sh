#!/usr/bin/env bash
# Proves the running network with Fabric's own CLI (peer), TLS on:
#  1. an org admin without a `role` attribute is refused by the chaincode (so it runs and checks);
#  2. an enterprise-CA certificate claiming role=regulator is refused too;
#  3. a regulator client (role=regulator from RegulatorMSP's CA), endorsed by both peers,
#     registers a company and the transaction commits;
#  4. the company reads back with a query;
#  5. a write endorsed by the enterprise peer alone is endorsed but then invalidated at commit
#     (ENDORSEMENT_POLICY_FAILURE): the channel's MAJORITY policy needs both orgs.
# Exits 0 when every check passes, 1 otherwise. Run network/up.sh first.
source "$(dirname "$0")/lib/common.sh"

require_tools
[ -f "${RUN_DIR}/gateway.json" ] || die "no network in ${RUN_DIR}; run network/up.sh"

COMPANY='{"companyId":"91350100M000100Y43","name":"福州闽江绿色蔬菜有限公司","region":"350102"}'
both_peers=()
for org in "${PEER_ORGS[@]}"; do
  both_peers+=(--peerAddresses "$(peer_addr "${org}")" --tlsRootCertFiles "$(ca_cert "${org}")")
done
enterprise_peer=(--peerAddresses "$(peer_addr enterprise)" --tlsRootCertFiles "$(ca_cert enterprise)")

# as_client ORG NAME: the peer CLI signs as wallet entry NAME (an MSP folder made by enroll-users).
as_client() {
  as_admin "$1"
  CORE_PEER_MSPCONFIGPATH="${RUN_DIR}/wallet/$2/msp"
  [ -d "${CORE_PEER_MSPCONFIGPATH}" ] || die "no wallet entry $2; run network/up.sh"
}

# invoke ARGS_JSON PEER_ARGS...: prints the CLI's answer, returns its exit status.
invoke() {
  local args="$1"
  shift
  # shellcheck disable=SC2046 # orderer_args is a list of words
  # At INFO the CLI prints "Chaincode invoke successful. result: status:200 ...".
  FABRIC_LOGGING_SPEC=info timeout 60 "${FABRIC_BIN}/peer" chaincode invoke -C "${CHANNEL}" -n "${CC_NAME}" $(orderer_args) \
    "$@" -c "${args}" --waitForEvent --waitForEventTimeout 30s 2>&1
}
register_args() { node -e 'console.log(JSON.stringify({ Args: ["RegisterCompany", process.argv[1]] }))' "$1"; }

failures=0
pass() { printf 'ok    %s\n      peer: %s\n' "$1" "$2"; }
fail() {
  printf 'FAIL  %s\n      peer: %s\n' "$1" "$2"
  failures=$((failures + 1))
}
# The line of the CLI's answer that matters (the last error or result line).
answer() { grep -E 'Error|error|result|status' <<<"$1" | tail -n 1 | sed -E 's/^.*(Chaincode invoke)/\1/' | cut -c1-400; }

# 1. The regulator org's admin: a valid member, but its certificate carries no role.
as_admin regulator
out="$(invoke "$(register_args "${COMPANY}")" "${both_peers[@]}")" && status=0 || status=$?
if [ "${status}" -ne 0 ] && grep -q 'needs the regulator role' <<<"${out}"; then
  pass "admin without a role attribute is refused by the chaincode" "$(answer "${out}")"
else
  fail "admin without a role attribute is refused by the chaincode (exit ${status})" "$(answer "${out}")"
fi

# 2. An enterprise-CA certificate claiming role=regulator: the role only counts from RegulatorMSP.
as_client enterprise test-enterprise-claims-regulator
out="$(invoke "$(register_args "${COMPANY}")" "${both_peers[@]}")" && status=0 || status=$?
if [ "${status}" -ne 0 ] && grep -q 'needs the regulator role' <<<"${out}"; then
  pass "enterprise certificate claiming role=regulator is refused" "$(answer "${out}")"
else
  fail "enterprise certificate claiming role=regulator is refused (exit ${status})" "$(answer "${out}")"
fi

# 3. The regulator client, endorsed by both orgs' peers, waits for the commit.
as_client regulator regulator
out="$(invoke "$(register_args "${COMPANY}")" "${both_peers[@]}")" && status=0 || status=$?
if [ "${status}" -eq 0 ] && grep -q 'status:200' <<<"${out}"; then
  pass "regulator registers company 91350100M000100Y43 (both peers endorse, committed)" "$(answer "${out}")"
else
  fail "regulator registers company 91350100M000100Y43 (exit ${status})" "$(answer "${out}")"
fi

# 4. Read it back, from each org's peer.
for org in "${PEER_ORGS[@]}"; do
  as_client regulator regulator
  CORE_PEER_ADDRESS="$(peer_addr "${org}")"
  CORE_PEER_TLS_ROOTCERT_FILE="$(ca_cert "${org}")"
  out="$(timeout 30 "${FABRIC_BIN}/peer" chaincode query -C "${CHANNEL}" -n "${CC_NAME}" \
    -c '{"Args":["GetCompany","91350100M000100Y43"]}' 2>&1)" && status=0 || status=$?
  if [ "${status}" -eq 0 ] && grep -q '"companyId":"91350100M000100Y43"' <<<"${out}"; then
    pass "GetCompany 91350100M000100Y43 on peer0-${org}" "$(cut -c1-200 <<<"${out}")"
  else
    fail "GetCompany 91350100M000100Y43 on peer0-${org} (exit ${status})" "$(cut -c1-400 <<<"${out}")"
  fi
done

# 5. One endorsement only (the enterprise peer): the endorsement succeeds, the commit does not.
# A fresh name each run, so the transaction really writes.
as_client regulator regulator
single="{\"companyId\":\"91320200MA1MXX001Y\",\"name\":\"Smoke test $(date +%s%N)\",\"region\":\"320200\"}"
out="$(invoke "$(register_args "${single}")" "${enterprise_peer[@]}")" && status=0 || status=$?
if [ "${status}" -ne 0 ] && grep -q 'ENDORSEMENT_POLICY_FAILURE' <<<"${out}"; then
  pass "a write endorsed by the enterprise peer alone is invalidated at commit" "$(answer "${out}")"
else
  fail "a write endorsed by the enterprise peer alone is invalidated at commit (exit ${status})" "$(answer "${out}")"
fi
# ... and left no trace in the state.
out="$(timeout 30 "${FABRIC_BIN}/peer" chaincode query -C "${CHANNEL}" -n "${CC_NAME}" \
  -c '{"Args":["GetCompany","91320200MA1MXX001Y"]}' 2>&1)" && status=0 || status=$?
if [ "${status}" -ne 0 ] || ! grep -q "${single//\"/\\\"}" <<<"${out}"; then
  pass "the invalidated write is not in the state" "$(answer "${out}")"
else
  fail "the invalidated write is not in the state" "$(cut -c1-400 <<<"${out}")"
fi

if [ "${failures}" -gt 0 ]; then
  echo "smoke: ${failures} check(s) failed"
  exit 1
fi
echo "smoke: all checks passed"
