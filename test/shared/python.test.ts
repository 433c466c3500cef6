/**
 * Node and CPython's multiprocessing.shared_memory.SharedMemory on the same names,
 * both ways: sizes, zero-fill, stores seen by the other side while both are
 * attached, unlinking from either side, and Python's resource tracker (which
 * unlinks, at exit, every name its process attached to unless told not to).
 */
import { openShared, unlinkShared } from '../../src/entries/node.js';
import { ensureAddon } from '../helpers/native-build.js';
import { PythonPeer, waitGone } from '../helpers/python-peer.js';
import { sharedNames, shmExists } from '../helpers/shared-names.js';
import { pattern } from '../conformance/harness.js';

const names = sharedNames('py');
const peers: PythonPeer[] = [];
beforeAll(ensureAddon);
afterEach(() => {
  for (const peer of peers.splice(0)) peer.kill();
  names.cleanup();
});

function python(): PythonPeer {
  const peer = new PythonPeer();
  peers.push(peer);
  return peer;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const zeros = (length: number) => '00'.repeat(length);

/** Ends a peer normally, then waits for its resource tracker to finish too. */
async function exitWithTracker(peer: PythonPeer, trackerPid: number): Promise<string> {
  const { code, stderr } = await peer.exit();
  expect(code).toBe(0);
  expect(await waitGone(trackerPid)).toBe(true);
  return stderr;
}

describe('a name Node creates, Python attaches to', () => {
  it('has the exact size, zeros where nothing was written, and stores seen both ways while both are attached', async () => {
    const name = names.next();
    using map = openShared(name, { size: 1000, create: true });
    map.write('node', 0);
    map.setUint8(999, 0xee);
    const py = python();
    expect(await py.ok({ op: 'attach', name })).toEqual({ name, size: 1000 });
    expect((await py.ok({ op: 'read', offset: 0, length: 1000 })).hex).toBe(hex(new TextEncoder().encode('node')) + zeros(995) + 'ee');
    await py.ok({ op: 'write', offset: 500, hex: hex(pattern(100)) });
    expect(map.read(500, 100)).toEqual(pattern(100)); // no flush on either side
    map.write(pattern(50, 2), 700);
    expect((await py.ok({ op: 'read', offset: 700, length: 50 })).hex).toBe(hex(pattern(50, 2)));
    await py.ok({ op: 'close' });
  });

  it('survives the Python process when it unregisters from its resource tracker (Python < 3.13; track=False on 3.13+)', async () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    const py = python();
    await py.ok({ op: 'attach', name });
    await py.ok({ op: 'untrack' });
    await py.ok({ op: 'write', offset: 0, hex: 'cafe' });
    const tracker = (await py.ok({ op: 'tracker' })).pid!;
    await py.ok({ op: 'close' });
    const stderr = await exitWithTracker(py, tracker);
    expect(stderr).not.toMatch(/leaked shared_memory/);
    expect(shmExists(name)).toBe(true);
    using again = openShared(name);
    expect(again.read(0, 2)).toEqual(Uint8Array.of(0xca, 0xfe));
    expect(map.read(0, 2)).toEqual(Uint8Array.of(0xca, 0xfe));
  });

  it("is unlinked by Python's resource tracker when the Python process exits, by default", async () => {
    const name = names.next();
    using map = openShared(name, { size: 4096, create: true });
    const py = python();
    await py.ok({ op: 'attach', name });
    const tracker = (await py.ok({ op: 'tracker' })).pid!;
    await py.ok({ op: 'close' });
    const stderr = await exitWithTracker(py, tracker);
    expect(stderr).toMatch(/leaked shared_memory objects to clean up at shutdown/);
    expect(shmExists(name)).toBe(false);
    expect(() => openShared(name)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    map.write('still mapped', 0); // the memory lives on in maps opened before the unlink
    expect(map.read(0, 12)).toEqual(new TextEncoder().encode('still mapped'));
  });

  it('unlinked by Python (SharedMemory.unlink) is ENOENT for openShared', async () => {
    const name = names.next();
    openShared(name, { size: 10, create: true }).close();
    const py = python();
    await py.ok({ op: 'attach', name });
    await py.ok({ op: 'close' });
    await py.ok({ op: 'unlink' }); // also unregisters it from the tracker
    expect(() => openShared(name)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => unlinkShared(name)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('a name Python creates, Node opens', () => {
  it('has the size Python gave it, exactly, and stores seen both ways', async () => {
    const name = names.next();
    const py = python();
    expect(await py.ok({ op: 'create', name, size: 5001 })).toEqual({ name, size: 5001 });
    await py.ok({ op: 'write', offset: 1, hex: hex(pattern(4000)) });
    using map = openShared(name);
    expect([map.byteLength, map.access, map.backend]).toEqual([5001, 'write', 'native']);
    expect(map.read(0)).toEqual(Uint8Array.from([0, ...pattern(4000), ...new Uint8Array(1000)]));
    map.write('from node', 4990);
    expect((await py.ok({ op: 'read', offset: 4990, length: 11 })).hex).toBe(hex(new TextEncoder().encode('from node')) + zeros(2));
    await py.ok({ op: 'untrack' });
    await py.ok({ op: 'close' });
  });

  it('unlinked by unlinkShared is FileNotFoundError for Python and ENOENT for openShared', async () => {
    const name = names.next();
    const creator = python();
    await creator.ok({ op: 'create', name, size: 4096 });
    await creator.ok({ op: 'untrack' }); // else its tracker would unlink the name again at exit
    unlinkShared(name);
    expect(await python().call({ op: 'attach', name })).toEqual({ error: 'FileNotFoundError', errno: 2 });
    expect(() => openShared(name)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'shm_open' }));
    await creator.ok({ op: 'close' });
  });

  it('refuses create: true on it (EEXIST), like Python does for a name Node created (FileExistsError)', async () => {
    const name = names.next();
    const py = python();
    await py.ok({ op: 'create', name, size: 100 });
    await py.ok({ op: 'untrack' });
    expect(() => openShared(name, { size: 100, create: true })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    const other = names.next();
    openShared(other, { size: 100, create: true }).close();
    expect(await python().call({ op: 'create', name: other, size: 100 })).toEqual({ error: 'FileExistsError', errno: 17 });
    await py.ok({ op: 'close' });
  });
});
