/**
 * Runs examples/edge-worker.mjs as a platform would: workerd calls fetch(request, env)
 * from `workerd test`; edge-runtime dispatches a fetch event. DATA_URL comes from the
 * request's x-data-url header (the test passes nginx's URL).
 */
import worker from '../../examples/edge-worker.mjs';

type Handler = { fetch(request: Request, env: { DATA_URL?: string }): Promise<Response> };
const handler = worker as unknown as Handler;

export function serve(request: Request): Promise<Response> {
  return handler.fetch(request, { DATA_URL: request.headers.get('x-data-url') ?? undefined });
}

/** The answer as one line: status, headers the example sets, and the body in hex. */
export async function describe(response: Response): Promise<string> {
  const body = new Uint8Array(await response.arrayBuffer());
  return JSON.stringify({
    status: response.status,
    length: response.headers.get('x-object-length'),
    tail: response.headers.get('x-object-tail'),
    body: Array.from(body, (b) => b.toString(16).padStart(2, '0')).join(''),
  });
}
