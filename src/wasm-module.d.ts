/** A static `.wasm` import, as wrangler, esbuild's loaders and Vercel turn it into: a compiled module. */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
