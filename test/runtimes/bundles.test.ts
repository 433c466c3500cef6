/**
 * What a user's bundler (esbuild, as wrangler and Next.js use it) pulls in for each
 * platform: where native addons cannot load, no trace of the addon may reach the bundle.
 */
import { bundle, PLATFORMS } from './bundle.js';

const ADDON = /node-gyp-build|native-backend|\.node['"]|native\/addon/;

async function consumerBundle(conditions: readonly string[]): Promise<string> {
  return bundle({ entry: 'test/runtimes/consumer.ts', conditions, format: 'esm' });
}

describe('esbuild bundles per platform', () => {
  test.each([
    ['workerd', PLATFORMS.workerd.conditions],
    ['edge-light (Vercel Edge)', PLATFORMS['edge-light'].conditions],
    ['browser', PLATFORMS.browser.conditions],
  ])('%s: no reference to the .node addon', async (_name, conditions) => {
    const code = await consumerBundle(conditions);
    expect(code).toContain('openMap');
    expect(code).not.toMatch(ADDON);
  });

  // base64 of the wasm magic number and version, "\0asm\x01\0\0\0": the start of embedded pager bytes.
  const EMBEDDED_PAGER = 'AGFzbQEAAAA';

  test('workerd and edge-light import the pager as a module instead of embedding its bytes', async () => {
    for (const conditions of [PLATFORMS.workerd.conditions, PLATFORMS['edge-light'].conditions]) {
      const code = await consumerBundle(conditions);
      expect(code).toMatch(/from ["']\.\/pager\.wasm["']/);
      expect(code).not.toContain(EMBEDDED_PAGER);
    }
  });

  test('the browser bundle embeds the pager, to compile it synchronously', async () => {
    expect(await consumerBundle(PLATFORMS.browser.conditions)).toContain(EMBEDDED_PAGER);
  });

  test('node: the addon loader is there (so the check above can fail)', async () => {
    expect(await consumerBundle(['node'])).toMatch(ADDON);
  });
});
