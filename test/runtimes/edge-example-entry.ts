/** Registers examples/edge/handler.ts the way Vercel's edge runtime calls a function. */
import handler from '../../examples/edge/handler.js';

addEventListener('fetch', (event) => {
  const e = event as Event & { request: Request; respondWith(r: Promise<Response>): void };
  e.respondWith(handler(e.request));
});
