#!/bin/sh
# build.sh OUT.wasm: builds the WebAssembly player (GOOS=js GOARCH=wasm).
#
# bubbletea v2.1.1 and github.com/atotto/clipboard v0.1.4 do not compile for
# js/wasm: each lacks a js file for a few unexported symbols (see
# _overlay/*.go). `go build -overlay` refuses files under GOMODCACHE, so this
# script copies those two modules, unchanged, into a temporary directory,
# adds our own _overlay file to each copy, and builds through a temporary
# go.work whose replace directives point at the copies. Nothing third-party
# is written into the repository; go.mod is not touched.
set -eu
out=${1:-tokensim.wasm}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
cd "$root"
tea=$(go list -m -f '{{.Dir}}' charm.land/bubbletea/v2)
teav=$(go list -m -f '{{.Version}}' charm.land/bubbletea/v2)
cb=$(go list -m -f '{{.Dir}}' github.com/atotto/clipboard)
cbv=$(go list -m -f '{{.Version}}' github.com/atotto/clipboard)
cp -R "$tea" "$tmp/bubbletea" && chmod -R u+w "$tmp/bubbletea"
cp -R "$cb" "$tmp/clipboard" && chmod -R u+w "$tmp/clipboard"
cp "$here/_overlay/bubbletea_js.go" "$tmp/bubbletea/zz_tokensim_js.go"
cp "$here/_overlay/clipboard_js.go" "$tmp/clipboard/zz_tokensim_js.go"
cat >"$tmp/go.work" <<WORK
go $(go list -m -f '{{.GoVersion}}')
use $root
replace charm.land/bubbletea/v2 $teav => $tmp/bubbletea
replace github.com/atotto/clipboard $cbv => $tmp/clipboard
WORK
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
GOWORK="$tmp/go.work" GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$out" ./cmd/tokensim-wasm
