/** Backend selection is a pure function of the runtime's capabilities. */
import { chooseBackend, requireBackend, type Capabilities } from '../src/detect.js';
import { runtimeName } from '../src/runtime.js';

const yes = (reason: string) => () => ({ available: true, reason });
const no = (reason: string) => () => ({ available: false, reason });

function caps(partial: Partial<Capabilities>): Capabilities {
  return { runtime: 'node', override: undefined, native: yes('addon loaded'), wasm: yes('wasm ok'), ...partial };
}

describe('chooseBackend()', () => {
  it("picks native under 'auto' when the addon loads", () => {
    expect(chooseBackend(caps({}))).toEqual({ backend: 'native', runtime: 'node', reason: 'addon loaded' });
  });

  it('falls back to wasm and says why the addon could not load', () => {
    const report = chooseBackend(caps({ native: no('Cannot find module build/Release/x.node') }));
    expect(report.backend).toBe('wasm');
    expect(report.reason).toContain('Cannot find module');
    expect(report.reason).toContain('wasm');
  });

  it('follows PORTABLE_MMAP_BACKEND and reports the choice it makes', () => {
    expect(chooseBackend(caps({ override: 'wasm' })).backend).toBe('wasm');
    expect(chooseBackend(caps({ override: 'native', native: no('no compiler') }))).toMatchObject({
      backend: 'native',
      reason: expect.stringContaining('no compiler'),
    });
    expect(chooseBackend(caps({ override: 'auto' })).backend).toBe('native');
    expect(chooseBackend(caps({ override: '' })).backend).toBe('native');
  });

  it('rejects an unknown PORTABLE_MMAP_BACKEND with ERR_INVALID_ARG_VALUE', () => {
    expect(() => chooseBackend(caps({ override: 'gpu' }))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('lets an explicit backend option win over the variable', () => {
    expect(chooseBackend(caps({ override: 'wasm' }), 'native').backend).toBe('native');
  });
});

describe('requireBackend()', () => {
  it('throws ERR_MMAP_BACKEND_UNAVAILABLE with the reason for a forced backend that cannot load', () => {
    expect(() => requireBackend(caps({ native: no('addon missing') }), 'native')).toThrow(
      expect.objectContaining({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE', reason: expect.stringContaining('addon missing') }),
    );
    expect(() => requireBackend(caps({ override: 'native', native: no('addon missing') }), 'auto')).toThrow(
      expect.objectContaining({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE' }),
    );
  });

  it("throws when neither backend can load under 'auto'", () => {
    expect(() => requireBackend(caps({ native: no('a'), wasm: no('b') }), 'auto')).toThrow(
      expect.objectContaining({ code: 'ERR_MMAP_BACKEND_UNAVAILABLE' }),
    );
  });
});

describe('runtimeName()', () => {
  it('recognises each runtime by its globals, the impostors first', () => {
    const node = { process: { release: { name: 'node' }, versions: { node: '20' } } };
    expect(runtimeName(node)).toBe('node');
    expect(runtimeName({ ...node, Deno: { version: { deno: '2.9' } } })).toBe('deno');
    expect(runtimeName({ ...node, Bun: {} })).toBe('bun');
    expect(runtimeName({ ...node, navigator: { userAgent: 'Cloudflare-Workers' } })).toBe('workerd');
    expect(runtimeName({ EdgeRuntime: 'edge-runtime' })).toBe('edge-light');
    expect(runtimeName({ window: {} })).toBe('browser');
    expect(runtimeName({ WorkerGlobalScope: function WorkerGlobalScope() {} })).toBe('browser');
    expect(runtimeName({})).toBe('unknown');
  });
});
