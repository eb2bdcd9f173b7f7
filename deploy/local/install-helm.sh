#!/usr/bin/env bash
# Installs a pinned Helm into ${CORDIAL_CACHE:-$HOME/.cache/cordial}/bin.
#
# Helm is built from source with `go install` because only package registries
# (the Go module proxy among them) are reachable: prebuilt release tarballs are
# not. The build takes a few minutes, so it is skipped when the binary already
# exists and was built from the pinned module version.
set -euo pipefail

HELM_VERSION="v3.19.5"
CACHE="${CORDIAL_CACHE:-$HOME/.cache/cordial}"
BIN_DIR="$CACHE/bin"
HELM="$BIN_DIR/helm"

# The module version recorded in the binary's build info. It is read with
# `go version -m` rather than `helm version`: a `go install` build carries no
# release ldflags, so helm's own version string can be less precise.
installed_version() {
    go version -m "$HELM" 2>/dev/null | awk '$1 == "mod" && $2 == "helm.sh/helm/v3" { print $3 }'
}

if ! command -v go >/dev/null 2>&1; then
    echo "install-helm.sh: 'go' is required to build helm $HELM_VERSION" >&2
    exit 1
fi

if [[ -x "$HELM" && "$(installed_version)" == "$HELM_VERSION" ]]; then
    echo "helm $HELM_VERSION already installed at $HELM"
    exit 0
fi

mkdir -p "$BIN_DIR"
echo "building helm $HELM_VERSION into $BIN_DIR (takes a few minutes)..."
GOBIN="$BIN_DIR" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"

actual="$(installed_version)"
if [[ "$actual" != "$HELM_VERSION" ]]; then
    echo "install-helm.sh: expected helm $HELM_VERSION, got '${actual:-nothing}'" >&2
    exit 1
fi
echo "installed helm $HELM_VERSION at $HELM"
