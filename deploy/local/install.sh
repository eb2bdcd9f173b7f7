#!/usr/bin/env bash
# Installs what the project needs, idempotently, with caches outside the repo
# (${CORDIAL_CACHE:-~/.cache/cordial}): the Python workspace (uv), Kafka's jars (Maven),
# FerretDB (go install), buf (npm) and helm (go install).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CACHE="${CORDIAL_CACHE:-$HOME/.cache/cordial}"
UV_VERSION="0.9.30"
KAFKA_VERSION="3.9.1"
FERRETDB_VERSION="v1.24.2"
BUF_VERSION="1.61.0"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$CACHE/uv}"
mkdir -p "$CACHE/bin"

need() { command -v "$1" >/dev/null 2>&1 || { echo "install.sh: '$1' is required ($2)" >&2; exit 1; }; }
need python3 "Python 3.11+"
need java "JDK 17+, for Kafka"
need mvn "Maven, to resolve Kafka's jars"
need go "Go, to build FerretDB and helm"
need npm "Node's npm, for buf"

# uv: pinned, installed into the cache so nothing touches the system Python.
UV="$CACHE/uv-$UV_VERSION/bin/uv"
if [[ ! -x "$UV" ]]; then
  echo "installing uv $UV_VERSION"
  python3 -m venv "$CACHE/uv-$UV_VERSION"
  "$CACHE/uv-$UV_VERSION/bin/pip" install -q "uv==$UV_VERSION"
fi
(cd "$root" && "$UV" sync --frozen --all-packages --quiet)

# Kafka: the jars of a pinned release, resolved by Maven from deploy/local/kafka/pom.xml.
KAFKA_LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
if [[ ! -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
  echo "resolving Kafka $KAFKA_VERSION jars from Maven Central"
  rm -rf "$KAFKA_LIBS"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -Dmaven.repo.local="$CACHE/m2"
fi

# FerretDB: built from a writable copy of the pinned module, because the module zip lacks
# build/version/version.txt (FerretDB panics at start without it) and the proxy refuses the version
# list that `go install pkg@version` asks for. One patch: v1.24.2's SQLite backend looks `_id` up as
# `_ferretdb_sjson->'$._id'` while the index it creates is on `_ferretdb_sjson->"_id"`, so SQLite
# never uses that index and every find, update and delete by `_id` scans the whole table (EXPLAIN
# QUERY PLAN: SCAN). `->'_id'` means the same path ('$._id', https://sqlite.org/json1.html#jptr)
# and matches the index (SEARCH ... USING INDEX ..__id_). A second: the backend finds by that index only
# a filter that is `_id` alone (`if params.Filter.Len() == 1`), and reads and tests every document for
# `{_id: X, state: ...}`; every handler (find, update, delete, findAndModify, count) tests the whole filter
# again on what the backend returns, so `_id` narrows any filter that names it as MongoDB's index does
# (`Len() >= 1`): a conditional update by `_id` is one command, not a read and a write. The build reports
# itself as $FERRETDB_BUILD (buildInfo's ferretdbVersion), so clients can tell (`cordial_core.pushdown`).
# A third: `resource.Track`, a leak check on every iterator and transaction, records a stack into a pprof
# profile and sets a finalizer each time (9% of FerretDB's CPU in a simulation's profile); it runs only in
# FerretDB's debug builds here, as its stack capture already did (`debugbuild.Enabled`).
# Built under its own name, beside any other binary other checkouts use.
FERRETDB_BUILD="$FERRETDB_VERSION-untracked-idfilter"
if [[ ! -x "$CACHE/bin/ferretdb-$FERRETDB_BUILD" ]]; then
  echo "building FerretDB $FERRETDB_BUILD"
  src="$CACHE/src/ferretdb-$FERRETDB_BUILD"
  if [[ ! -f "$src/go.mod" ]]; then
    modcache=$(cd "$here/ferretdb" && GOFLAGS=-mod=mod go mod download -json github.com/FerretDB/FerretDB | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    rm -rf "$src"; mkdir -p "$(dirname "$src")"
    cp -r "$modcache" "$src"; chmod -R u+w "$src"
  fi
  echo "$FERRETDB_BUILD" > "$src/build/version/version.txt"
  metadata="$src/internal/backends/sqlite/metadata/metadata.go"
  sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$metadata"
  grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$metadata" || { echo "FerretDB _id patch did not apply" >&2; exit 1; }
  backend="$src/internal/backends/sqlite/collection.go"
  sed -i "s|if params.Filter.Len() == 1 {|if params.Filter.Len() >= 1 {|" "$backend"
  [[ $(grep -c "if params.Filter.Len() >= 1 {" "$backend") == 2 ]] || { echo "FerretDB filter patch did not apply" >&2; exit 1; }
  tracker="$src/internal/util/resource/resource.go"
  sed -i -E "s#^(func (Track|Untrack)\(obj any, token \*Token\) \{)\$#\1 if !debugbuild.Enabled { return };#" "$tracker"
  [[ $(grep -c "if !debugbuild.Enabled { return };" "$tracker") == 2 ]] || { echo "FerretDB tracking patch did not apply" >&2; exit 1; }
  mkdir -p "$CACHE/bin"
  (cd "$src" && GOFLAGS=-mod=mod go build -o "$CACHE/bin/ferretdb-$FERRETDB_BUILD" ./cmd/ferretdb)
fi

# buf: from the npm package, pinned.
if [[ ! -x "$CACHE/buf/node_modules/.bin/buf" ]] || [[ "$("$CACHE/buf/node_modules/.bin/buf" --version)" != "$BUF_VERSION" ]]; then
  echo "installing buf $BUF_VERSION"
  mkdir -p "$CACHE/buf"
  npm install --silent --no-audit --no-fund --prefix "$CACHE/buf" "@bufbuild/buf@$BUF_VERSION" >/dev/null
fi

"$here/install-helm.sh" >/dev/null
