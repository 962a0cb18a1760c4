#!/usr/bin/env bash
# Installs the Fabric binaries (peer, orderer, osnadmin, configtxgen, discover) and fabric-ca
# (fabric-ca-server, fabric-ca-client) into a cache keyed by version, building them from the Go
# module proxy. Idempotent: a version already in the cache is reused. Prints the cache path.
#
#   FIC_TOOLS_DIR   the cache root (default ~/.cache/fic-tools)
#   FIC_REBUILD=1   rebuild even when the binaries are there
#
# Why not `go install module/cmd/x@version`: it asks the proxy for the module's version list
# (for deprecation notices), which the proxy here refuses for Hyperledger modules. Building from
# a module context avoids that query: Fabric from a small wrapper module that requires it (its
# module is not buildable in place: the zip has an empty vendor/), fabric-ca from a copy of its
# own module.
source "$(dirname "$0")/lib/common.sh"

command -v go >/dev/null || die "Go is required (go build); none on PATH"
GO_MODCACHE="$(go env GOMODCACHE)"
mkdir -p "${TOOLS_DIR}"

# --- Fabric ---------------------------------------------------------------------------------------
install_fabric() {
  local bin="${FABRIC_BIN}" work="${TOOLS_DIR}/build-fabric-${FABRIC_VERSION}"
  local src="${GO_MODCACHE}/${FABRIC_MODULE}@${FABRIC_PSEUDO_VERSION}"
  if [ -z "${FIC_REBUILD:-}" ] && [ -x "${bin}/peer" ] && [ -x "${bin}/orderer" ] \
    && [ -x "${bin}/osnadmin" ] && [ -x "${bin}/configtxgen" ] && [ -x "${bin}/discover" ] \
    && [ -f "${TOOLS_DIR}/fabric-${FABRIC_VERSION}/sampleconfig/core.yaml" ]; then
    log "fabric ${FABRIC_VERSION}: cached in ${bin}"
    return
  fi
  log "fabric ${FABRIC_VERSION}: downloading ${FABRIC_MODULE}@${FABRIC_PSEUDO_VERSION}"
  go mod download "${FABRIC_MODULE}@${FABRIC_PSEUDO_VERSION}"
  [ -f "${src}/go.mod" ] || die "module not in ${src} after download"

  # The wrapper module: Fabric's own requirements (so the build uses exactly the versions Fabric
  # was tested with) plus Fabric itself; go.sum is Fabric's plus the lines for Fabric.
  rm -rf "${work}"
  mkdir -p "${work}"
  {
    echo "module fic/fabrictools"
    echo
    echo "go 1.22"
    echo
    echo "require ${FABRIC_MODULE} ${FABRIC_PSEUDO_VERSION}"
    echo
    sed -e '/^module /d' -e '/^go [0-9]/d' -e '/^toolchain /d' "${src}/go.mod"
  } >"${work}/go.mod"
  cp "${src}/go.sum" "${work}/go.sum"
  chmod u+w "${work}/go.sum"
  # The module's own checksums, as the download recorded them.
  local hash
  hash="$(cat "${GO_MODCACHE}/cache/download/${FABRIC_MODULE}/@v/${FABRIC_PSEUDO_VERSION}.ziphash")"
  echo "${FABRIC_MODULE} ${FABRIC_PSEUDO_VERSION} ${hash}" >>"${work}/go.sum"
  hash="$(go mod download -json "${FABRIC_MODULE}@${FABRIC_PSEUDO_VERSION}" | sed -n 's/.*"GoModSum": "\(.*\)".*/\1/p')"
  echo "${FABRIC_MODULE} ${FABRIC_PSEUDO_VERSION}/go.mod ${hash}" >>"${work}/go.sum"

  log "fabric ${FABRIC_VERSION}: building peer, orderer, osnadmin, configtxgen, discover (a minute or two)"
  mkdir -p "${bin}"
  local metadata="${FABRIC_MODULE}/common/metadata"
  (cd "${work}" && CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -o "${bin}/" \
    -ldflags "-X ${metadata}.Version=${FABRIC_VERSION} -X ${metadata}.CommitSHA=${FABRIC_COMMIT}" \
    "${FABRIC_MODULE}/cmd/peer" "${FABRIC_MODULE}/cmd/orderer" \
    "${FABRIC_MODULE}/cmd/osnadmin" "${FABRIC_MODULE}/cmd/configtxgen" "${FABRIC_MODULE}/cmd/discover")
  # Keep the sample configs beside the binaries: the network's base configuration, read-only.
  rm -rf "${TOOLS_DIR}/fabric-${FABRIC_VERSION}/sampleconfig"
  cp -r "${src}/sampleconfig" "${TOOLS_DIR}/fabric-${FABRIC_VERSION}/sampleconfig"
  chmod -R u+w "${TOOLS_DIR}/fabric-${FABRIC_VERSION}/sampleconfig"
}

# --- fabric-ca ------------------------------------------------------------------------------------
install_fabric_ca() {
  local bin="${FABRIC_CA_BIN}" work="${TOOLS_DIR}/build-fabric-ca-${FABRIC_CA_VERSION}"
  local src="${GO_MODCACHE}/${FABRIC_CA_MODULE}@v${FABRIC_CA_VERSION}"
  if [ -z "${FIC_REBUILD:-}" ] && [ -x "${bin}/fabric-ca-server" ] && [ -x "${bin}/fabric-ca-client" ]; then
    log "fabric-ca ${FABRIC_CA_VERSION}: cached in ${bin}"
    return
  fi
  command -v gcc >/dev/null || die "fabric-ca needs cgo (sqlite); install gcc"
  log "fabric-ca ${FABRIC_CA_VERSION}: downloading ${FABRIC_CA_MODULE}@v${FABRIC_CA_VERSION}"
  go mod download "${FABRIC_CA_MODULE}@v${FABRIC_CA_VERSION}"
  [ -f "${src}/go.mod" ] || die "module not in ${src} after download"

  # Build inside a writable copy of the module, as its own main module (its go.sum applies);
  # its vendor/ holds only modules.txt, so it is dropped and modules come from the proxy.
  rm -rf "${work}"
  cp -r "${src}" "${work}"
  chmod -R u+w "${work}"
  rm -rf "${work}/vendor"

  log "fabric-ca ${FABRIC_CA_VERSION}: building fabric-ca-server, fabric-ca-client (cgo)"
  mkdir -p "${bin}"
  (cd "${work}" && CGO_ENABLED=1 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local go build -trimpath -o "${bin}/" \
    -ldflags "-X ${FABRIC_CA_MODULE}/lib/metadata.Version=v${FABRIC_CA_VERSION}" \
    ./cmd/fabric-ca-server ./cmd/fabric-ca-client)
  rm -rf "${work}"
}

install_fabric
install_fabric_ca

"${FABRIC_BIN}/peer" version | sed -n 's/^ Version: /peer /p' >&2
"${FABRIC_CA_BIN}/fabric-ca-server" version | sed -n 's/^ Version: /fabric-ca-server /p' >&2
log "installed in $(elapsed) ms"
echo "${TOOLS_DIR}"
