// node test/runtimes/chromium-host.mjs DIR [SELECTOR] — serves DIR on 127.0.0.1 (a secure
// context, so OPFS works), opens index.html in headless Chromium (test/tools/tools.mjs finds it) through
// playwright-core, and prints the page's conformance report — or, with SELECTOR, the text
// of that element once it matches (e.g. '#out[data-done]').
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { toolPath } from '../tools/tools.mjs';

const dir = process.argv[2];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(join(dir, new URL(req.url, 'http://x').pathname));
  if (!path.startsWith(dir)) return res.writeHead(403).end();
  try {
    const body = readFileSync(path.endsWith('/') ? join(path, 'index.html') : path);
    res.writeHead(200, { 'content-type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: toolPath('chromium'),
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
/** The page's conformance report (the page defines runConformance()). */
async function conformance(page, errors) {
  await page.waitForFunction(() => typeof globalThis.runConformance === 'function', null, { timeout: 30_000 }).catch(() => {
    throw new Error(`the page did not load: ${errors.join('; ')}`);
  });
  return `PORTABLE_MMAP_RESULT ${await page.evaluate(() => globalThis.runConformance())}`;
}

/** The text of `selector` once an element matches it. */
async function shownText(page, selector) {
  await page.waitForSelector(selector, { timeout: 30_000 });
  return page.textContent(selector);
}

try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const selector = process.argv[3];
  console.log(selector === undefined ? await conformance(page, errors) : await shownText(page, selector));
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  server.close();
}
