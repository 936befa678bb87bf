// run.js runs ONNX models in ONNX Runtime for the onnx package's tests.
//
// stdin: a JSON array of jobs {"model": path, "input": name,
// "rows": n, "cols": m, "data": [n*m numbers, row-major]}, and "dims"
// (e.g. [n, C, H, W]) for an input that is not a matrix.
// stdout: a JSON array, per job {"output": name, "dims": [...],
// "data": [...]} or {"error": message}.
// All jobs run in one process so the runtime loads once.
'use strict';
const ort = require('onnxruntime-node');

async function runJob(job) {
  try {
    const session = await ort.InferenceSession.create(job.model);
    const input = new ort.Tensor('float32', Float32Array.from(job.data), job.dims || [job.rows, job.cols]);
    const results = await session.run({ [job.input]: input });
    const name = session.outputNames[0];
    const out = results[name];
    return { output: name, dims: out.dims, data: Array.from(out.data) };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const jobs = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = [];
  for (const job of jobs) out.push(await runJob(job));
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
