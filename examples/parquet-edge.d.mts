/** Types for examples/parquet-edge.mjs (a Workers-style module). */
declare const worker: { fetch(request: Request, env?: { DATA_URL?: string }): Promise<Response> };
export default worker;
