#!/usr/bin/env bash
# npm run test:fabric — the real-network suite: installs the binaries (cached), brings a fresh
# network up, runs Fabric's own smoke checks and the jest suites that drive the gateway on it,
# and always tears the network down (wiping its data) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
bash network/install.sh
bash network/down.sh --wipe >/dev/null 2>&1 || true
trap 'bash network/down.sh --wipe || true' EXIT
started=$(date +%s)
bash network/up.sh
echo "network up in $(( $(date +%s) - started )) s"
bash network/status.sh || status=$?
bash network/smoke.sh || status=$?
npx jest -c jest.fabric.config.js "$@" || status=$?
exit "${status}"
