// Serve an ONNX model in a web page with ONNX Runtime Web: WebAssembly on the CPU, no server-side runtime.
//
// The model is the file that deploy_onnx.py exports (`model.export(path, format="onnx")` on every Keras backend,
// tf2onnx for TensorFlow core). The page imports "onnxruntime-web/wasm" (mapped by the page's import map to the
// npm package's dist/ort.wasm.min.mjs, served from the same origin as the page; no CDN) and calls load() once,
// then predict() per request. The .wasm binary is found next to the module.
import * as ort from "onnxruntime-web/wasm";

export async function load(url) {
  return await ort.InferenceSession.create(url, { executionProviders: ["wasm"] });
}

export async function predict(session, data, dims) {
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, dims) };
  const outputs = await session.run(feeds);
  return outputs[session.outputNames[0]].data;
}
