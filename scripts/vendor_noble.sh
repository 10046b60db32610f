#!/bin/sh
# Rebuild voting/static/vendor/noble/noble.js: @noble/curves and @noble/hashes from npm (exact versions),
# bundled by esbuild into one classic script that defines the global `noble` (no CDN: the app serves it).
# Only what voting/static/js/eg.js uses is exported. Run from the repository root: sh scripts/vendor_noble.sh
# Needs node and npm (the npm registry). To upgrade, change the versions here, re-run, re-run the tests
# (tests/browser/test_eg_js.py checks the browser against the Python side's vectors) and commit the result.
set -eu

CURVES=2.4.0
HASHES=2.4.0
ESBUILD=0.28.2

ROOT=$(pwd)
OUT="$ROOT/voting/static/vendor/noble"
WORK=$(mktemp -d /tmp/vendor-noble.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --save-exact \
  "@noble/curves@$CURVES" "@noble/hashes@$HASHES" "esbuild@$ESBUILD"

cat > entry.js <<'JS'
// What eg.js needs from noble: the Ed25519 group (v2: ed25519.Point, with isTorsionFree), SHA-2, HMAC,
// byte/number helpers. Nothing else is exported, so the bundle stays small.
export { ed25519 } from "@noble/curves/ed25519.js";
export { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
export { hmac } from "@noble/hashes/hmac.js";
export { sha256, sha512 } from "@noble/hashes/sha2.js";
export { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
JS

npx esbuild entry.js --bundle --format=iife --global-name=noble --target=es2020 \
  --legal-comments=inline --charset=ascii --outfile="$WORK/noble.js"

mkdir -p "$OUT"
{
  echo "/* Vendored by scripts/vendor_noble.sh: @noble/curves $CURVES, @noble/hashes $HASHES (MIT, Paul Miller),"
  echo "   bundled with esbuild $ESBUILD. Do not edit: re-run the script. Licence: LICENSE in this folder. */"
  cat "$WORK/noble.js"
} > "$OUT/noble.js"
{
  echo "@noble/curves $CURVES"
  echo "@noble/hashes $HASHES"
  echo "esbuild $ESBUILD (bundler; not shipped)"
  echo "sha256 of noble.js: $(sha256sum "$OUT/noble.js" | cut -d' ' -f1)"
} > "$OUT/VERSION"
{
  echo "noble.js bundles two packages, both under the MIT licence:"
  echo
  echo "=== @noble/curves $CURVES ==="
  cat node_modules/@noble/curves/LICENSE
  echo
  echo "=== @noble/hashes $HASHES ==="
  cat node_modules/@noble/hashes/LICENSE
} > "$OUT/LICENSE"
echo "wrote $OUT/noble.js ($(wc -c < "$OUT/noble.js") bytes)"
