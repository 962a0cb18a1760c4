#!/usr/bin/env bash
# HTTP ingest measured with wrk (Debian's package `wrk`), a load generator in C that takes little of
# the machine's cores, beside the node:http clients of http.bench.ts. One wrk thread, 32 keep-alive
# connections, against the built service on 127.0.0.1 with the consumer running:
#   1. posts for 4 s (warm-up, untimed);
#   2. the service's GET /healthz (its HTTP stack alone);
#   3. posts of new five-item self-test reports (bench/self-test.wrk.lua);
#   4. GET /healthz of a bare express app (express-floor.server.ts: the framework alone).
# Prints one JSON line per figure. Knobs: BENCH_WRK_SECONDS (each timed run, 10), BENCH_WRK_PORT
# (18190; the floor takes whatever port is free).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed (apt-get install wrk)" >&2
  exit 2
fi
seconds="${BENCH_WRK_SECONDS:-10}"
port="${BENCH_WRK_PORT:-18190}"
company=91350100M000100Y43
data="$(mktemp -d -t fic-bench-wrk-XXXXXX)"
service=""
floor=""
stop() {
  if [[ -n "$1" ]]; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "${service}"
  stop "${floor}"
  rm -rf "${data}"
}
trap cleanup EXIT

DATA_DIR="${data}" PORT="${port}" LOG_LEVEL=info node dist/gateway/main.js >"${data}/service.log" 2>&1 &
service=$!
base="http://127.0.0.1:${port}"
for _ in $(seq 100); do curl -sf -o /dev/null "${base}/healthz" && break; sleep 0.2; done
read -r regulator enterprise < <(node -e '
  const ids = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(ids.find((i) => i.role === "regulator").token, ids.find((i) => i.companyId === process.argv[2]).token);
' "${data}/identities.json" "${company}")
curl -sf -o /dev/null -X POST "${base}/v1/companies" \
  -H "authorization: Bearer ${regulator}" -H 'content-type: application/json' \
  -d "{\"companyId\":\"${company}\",\"name\":\"福州闽江绿色蔬菜有限公司\",\"region\":\"350102\"}"

# Requests/s, p50 and p99 (ms) and non-2xx count of a wrk run, as JSON members.
figures() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; return v * 1000 }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { failures = $NF }
    END { printf "\"perSecond\":%d,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"failures\":%d", rps, p50, p99, failures }'
}
post() {
  BENCH_OFFSET="$1" BENCH_COMPANY="${company}" BENCH_TOKEN="${enterprise}" \
    wrk -t1 -c32 -d"$2s" --latency -s bench/self-test.wrk.lua "${base}"
}

post 0 4 >/dev/null
healthz="$(wrk -t1 -c32 -d"${seconds}s" --latency "${base}/healthz" | figures)"
posts="$(post 10000000 "${seconds}" | figures)"

node dist/bench/express-floor.server.js >"${data}/floor.port" &
floor=$!
for _ in $(seq 100); do [[ -s "${data}/floor.port" ]] && break; sleep 0.1; done
floor_port="$(sed -E 's/.*"port":([0-9]+).*/\1/' "${data}/floor.port")"
express="$(wrk -t1 -c32 -d"${seconds}s" --latency "http://127.0.0.1:${floor_port}/healthz" | figures)"

echo "{\"bench\":\"http-wrk\",\"target\":\"service /healthz\",${healthz}}"
echo "{\"bench\":\"http-wrk\",\"target\":\"service POST /v1/self-tests\",${posts}}"
echo "{\"bench\":\"http-wrk\",\"target\":\"bare express /healthz\",${express}}"
