#!/usr/bin/env bash
# Generates the Python stubs (messages, .pyi and gRPC) from proto/ into the given folder.
# The toolchain is pinned by grpcio-tools in the workspace lock, so output is reproducible.
set -euo pipefail
out=${1:?usage: proto/generate.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$here"
mapfile -t files < <(find cordial -name '*.proto' | sort)
python -m grpc_tools.protoc -I . --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" "${files[@]}"
# Generated folders become regular packages so imports and type checkers see them the same way.
find "$out/cordial" -type d -exec touch {}/__init__.py \;
