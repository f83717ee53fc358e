// Serve a LiteRT (.tflite) model in a web page with LiteRT.js (@litertjs/core): XNNPACK kernels in WebAssembly.
//
// The model is the file that deploy_litert.py exports. The page imports "@litertjs/core" (mapped by the page's
// import map to the npm package, served from the same origin as the page; no CDN), whose WebAssembly files lie
// in the package's wasm/ folder. A LiteRT.js tensor lives in WebAssembly memory and is freed by hand.
import { loadAndCompile, loadLiteRt, Tensor } from "@litertjs/core";

export async function load(url, { wasmDir }) {
  await loadLiteRt(wasmDir);
  return await loadAndCompile(url, { accelerator: "wasm" });
}

export async function predict(model, data, dims) {
  const input = new Tensor(data, dims);
  const [output] = await model.run(input);
  const values = output.toTypedArray().slice();
  input.delete();
  output.delete();
  return values;
}
