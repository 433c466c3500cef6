/** MapCursor: Python's file-like half of mmap. */
import { ascii, pattern, type Case } from '../harness.js';

export const cursorCases: Case[] = [
  {
    name: 'cursor reads advance the position; seek() takes a whence',
    run(f, t) {
      const bytes = pattern(1_000);
      using map = f.storage(bytes).open();
      const c = map.cursor();
      t.equal(c.position, 0);
      t.equal(c.read(10), bytes.subarray(0, 10));
      t.equal(c.position, 10);
      t.equal(c.readByte(), bytes[10]);
      t.equal(c.seek(-10, 'end'), 990);
      t.equal(c.read(), bytes.subarray(990));
      t.equal(c.read(5), new Uint8Array(0), 'empty at the end');
      t.equal(c.readByte(), undefined);
      t.equal(c.seek(5), 5);
      t.equal(c.seek(5, 'current'), 10);
      t.equal(c.seek(-10, 'current'), 0);
      t.throwsCode(() => c.seek(-1), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => c.seek(1, 'end'), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => c.seek(0, 'middle' as never), 'ERR_INVALID_ARG_VALUE');
      t.throwsCode(() => { c.position = 1_001; }, 'ERR_OUT_OF_RANGE');
      c.position = 1_000;
      t.equal(c.position, 1_000);
      t.equal(map.cursor(500).read(1), bytes.subarray(500, 501), 'cursor(position)');
      t.throwsCode(() => map.cursor(1_001), 'ERR_OUT_OF_RANGE');
    },
  },
  {
    name: "readLine() includes the '\\n' and returns an empty array at the end",
    run(f, t) {
      using map = f.storage(ascii('one\ntwo\n\nlast')).open();
      const c = map.cursor();
      t.equal(c.readLine(), ascii('one\n'));
      t.equal(c.readLine(), ascii('two\n'));
      t.equal(c.readLine(), ascii('\n'));
      t.equal(c.readLine(), ascii('last'));
      t.equal(c.readLine(), new Uint8Array(0));
    },
  },
  {
    name: "lines() yields what readLine() would, with no empty line after a final '\\n'",
    run(f, t) {
      const text = Array.from({ length: 3_000 }, (_, i) => 'x'.repeat(i % 97) + `#${i}`).join('\n') + '\n';
      const bytes = ascii(text);
      using map = f.storage(bytes).open();
      const expected: Uint8Array[] = [];
      const c = map.cursor();
      for (let line = c.readLine(); line.length > 0; line = c.readLine()) expected.push(line);
      const got = [...map.cursor().lines()];
      t.equal(got.length, 3_000);
      t.equal(got, expected);
      t.equal([...map.cursor(bytes.length).lines()].length, 0, 'nothing at the end');
      const d = map.cursor(0);
      const it = d.lines();
      it.next();
      t.equal(d.position, expected[0].length, 'lines() advances the position');
    },
  },
  {
    name: 'lines() handles lines longer than its chunk and a last line without a newline',
    run(f, t) {
      const long = 'L'.repeat(200_000);
      const bytes = ascii(`short\n${long}\n${long}end`);
      using map = f.storage(bytes).open();
      const got = [...map.cursor().lines()];
      t.equal(got.length, 3);
      t.equal(got[0], ascii('short\n'));
      t.equal(got[1], ascii(`${long}\n`));
      t.equal(got[2], ascii(`${long}end`));
    },
  },
  {
    name: 'lines({ encoding }) yields the lines decoded: UTF-8 with the BOM kept and U+FFFD for invalid bytes, latin1 byte for byte',
    run(f, t) {
      // lines around the 64 KiB chunk boundaries, some with a character cut by one; a BOM; bad bytes; C1 bytes
      const parts: Uint8Array[] = [];
      const utf8 = new TextEncoder();
      for (let i = 0; i < 40; i++) parts.push(utf8.encode(`${'ü€'.repeat(i * 271)}line ${i}\n`));
      parts.push(Uint8Array.of(0xef, 0xbb, 0xbf, 0x62, 0x6f, 0x6d, 0x0a), Uint8Array.of(0x62, 0xff, 0xfe, 0xc3, 0x0a, 0x80, 0x9f, 0xe9, 0x0a));
      parts.push(utf8.encode('no newline at the end: ∎'));
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
      using map = f.storage(bytes).open();
      const byteLines = [...map.cursor().lines()];
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      const utf8Lines = [...map.cursor().lines({ encoding: 'utf8' })];
      t.equal(utf8Lines.length, byteLines.length, 'as many lines');
      t.equal(utf8Lines.every((line, i) => line === decoder.decode(byteLines[i])), true, 'each line as TextDecoder decodes it alone');
      t.equal(utf8Lines[40], '\ufeffbom\n', 'the BOM is kept');
      t.equal(utf8Lines[41], 'b\ufffd\ufffd\ufffd\n', 'invalid bytes');
      const latin1Lines = [...map.cursor().lines({ encoding: 'latin1' })];
      const latin1 = (line: Uint8Array) => Array.from(line, (byte) => String.fromCharCode(byte)).join('');
      t.equal(latin1Lines.every((line, i) => line === latin1(byteLines[i])), true, 'latin1: byte n is character n');
      t.equal(latin1Lines[42], '\x80\x9f\xe9\n', 'C1 bytes are themselves, not windows-1252');
      t.equal(utf8Lines.join(''), decoder.decode(bytes), 'together, the whole text');
    },
  },
  {
    name: 'lines({ encoding }) follows the cursor when it is moved, and refuses other encodings',
    run(f, t) {
      const bytes = ascii('alpha\nbeta\ngamma\ndelta\n');
      using map = f.storage(bytes).open();
      const c = map.cursor();
      const it = c.lines({ encoding: 'utf8' });
      t.equal(it.next().value, 'alpha\n');
      c.seek(2, 'current'); // into "beta"
      t.equal(it.next().value, 'ta\n');
      t.equal(c.position, 11);
      c.position = 0;
      t.equal([...it], ['alpha\n', 'beta\n', 'gamma\n', 'delta\n']);
      t.throwsCode(() => c.lines({ encoding: 'ascii' as 'utf8' }), 'ERR_INVALID_ARG_VALUE');
      t.throwsCode(() => c.lines('utf8' as never), 'ERR_INVALID_ARG_TYPE');
      t.throwsCode(() => c.lines({} as never), 'ERR_INVALID_ARG_TYPE');
    },
  },
  {
    name: 'cursor writes advance the position and never clip',
    run(f, t) {
      const storage = f.storage(new Uint8Array(20));
      using map = storage.open({ access: 'write' });
      const c = map.cursor();
      t.equal(c.write('HEADER v2\n'), 10);
      c.writeByte(0x21);
      t.equal(c.position, 11);
      t.equal(map.read(0, 11), ascii('HEADER v2\n!'));
      c.seek(-2, 'end');
      t.throwsCode(() => c.write('abc'), 'ERR_OUT_OF_RANGE');
      t.equal(c.position, 18, 'a refused write does not move the position');
      c.write('ab');
      t.throwsCode(() => c.writeByte(1), 'ERR_OUT_OF_RANGE', 'writeByte at the end');
      t.throwsCode(() => c.writeByte(256), 'ERR_OUT_OF_RANGE');
      map.flush();
      t.equal(storage.contents().subarray(18), ascii('ab'));
    },
  },
  {
    name: 'a cursor left beyond the end by a shrinking resize reads nothing and refuses writes',
    needs: ['resizable'],
    run(f, t) {
      const storage = f.storage(pattern(5_000));
      using map = storage.open({ access: 'write' });
      const c = map.cursor(4_000);
      map.resize(1_000);
      t.equal(c.position, 4_000);
      t.equal(c.read(), new Uint8Array(0));
      t.equal(c.readByte(), undefined);
      t.equal(c.readLine(), new Uint8Array(0));
      t.equal([...c.lines()].length, 0);
      t.throwsCode(() => c.write('x'), 'ERR_OUT_OF_RANGE');
      t.throwsCode(() => c.writeByte(1), 'ERR_OUT_OF_RANGE');
      c.seek(0);
      t.equal(c.read().length, 1_000);
    },
  },
  {
    name: 'every cursor method of a closed map throws ERR_MMAP_CLOSED',
    run(f, t) {
      const map = f.storage(ascii('a\nb\n')).open({ access: 'write' });
      const c = map.cursor();
      const it = c.lines();
      map.close();
      t.throwsCode(() => c.read(), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => c.readByte(), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => c.readLine(), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => c.lines(), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => it.next(), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => c.write('x'), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => c.writeByte(1), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => c.seek(0), 'ERR_MMAP_CLOSED');
      t.throwsCode(() => { c.position = 0; }, 'ERR_MMAP_CLOSED');
    },
  },
];
