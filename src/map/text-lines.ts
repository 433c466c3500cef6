/**
 * cursor.lines({ encoding }): the lines lines() yields, as strings. Decoding a line
 * at a time costs a decoder call per line; instead the complete lines of a chunk are
 * decoded in one call, the first time one of them is asked for, and each line is a
 * slice of that string (V8 makes a slice without copying). A '\n' byte is never part
 * of a multi-byte UTF-8 sequence, so the string's '\n's are the chunk's, in order, and
 * decoding many lines at once gives what decoding each would (invalid bytes become
 * U+FFFD either way). Where the cursor moved inside a chunk, the line is decoded alone.
 */
import { checkOneOf } from '../args.js';
import { invalidArgType } from '../errors.js';
import type { CursorPosition } from './cursor.js';
import { LineChunks } from './line-chunks.js';

export type LineEncoding = 'utf8' | 'latin1';
export const LINE_ENCODINGS: readonly LineEncoding[] = ['utf8', 'latin1'];

type Decode = (bytes: Uint8Array) => string;

/** Node's and Bun's Buffer, where there is one: its latin1 decoding is a copy of bytes to one-byte characters. */
const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: string): string } } }).Buffer;

/**
 * Byte n is character n (ISO-8859-1). Not TextDecoder('latin1'): the Encoding standard
 * makes that windows-1252, which maps 0x80–0x9F elsewhere. Without Buffer, the bytes
 * widen to UTF-16 code units, which one UTF-16 decoding turns into the characters.
 */
const utf16 = typeof TextDecoder === 'function' ? new TextDecoder('utf-16le') : undefined;
const latin1: Decode = NodeBuffer
  ? (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
  : (bytes) => utf16!.decode(Uint16Array.from(bytes));

/**
 * UTF-8 as Python's 'utf-8' reads it: a byte order mark is kept (U+FEFF), invalid bytes
 * become U+FFFD (per maximal subpart, as the Encoding standard says). Buffer's decoding
 * does the same, faster where there is one.
 */
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8: Decode = NodeBuffer
  ? (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')
  : (bytes) => utf8Decoder.decode(bytes);

/**
 * The decoder of `options` (lines() passed an argument).
 * @throws {TypeError} ERR_INVALID_ARG_TYPE (not an object), ERR_INVALID_ARG_VALUE (another encoding)
 */
export function lineDecoder(options: unknown): Decode {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'an object', options);
  return checkOneOf('options.encoding', (options as { encoding?: unknown }).encoding, LINE_ENCODINGS) === 'utf8' ? utf8 : latin1;
}

/** LineChunks that also hand out the next line as a slice of the chunk's decoded lines, and decode the others. */
export class TextLineChunks extends LineChunks {
  /** The decoded lines of the chunk from line `textLine` on, and where line `textLine` starts in it. */
  private text = '';
  private textLine = -1;
  private textFrom = 0;
  /** Where `text` starts in the chunk, and whether its characters are its bytes one for one (ASCII, latin1). */
  private textBase = 0;
  private aligned = false;

  constructor(private readonly decode: Decode) {
    super();
  }

  /** A byte line that the fast path could not give (its iterator read it), decoded. */
  decoded(result: IteratorResult<Uint8Array>): IteratorResult<string> {
    return result.done ? { done: true, value: undefined } : { done: false, value: this.decode(result.value) };
  }

  override use(chunk: Uint8Array, start: number, count: number): void {
    super.use(chunk, start, count);
    this.textLine = -1;
  }

  /** As following(), decoded; undefined where that is not the next line of the decoded run. */
  followingText(cursor: CursorPosition): string | undefined {
    const next = this.nextWhole(cursor);
    if (next === undefined) return undefined;
    const { k, from, to } = next;
    if (this.textLine !== k) {
      // the chunk's complete lines from this one on, decoded once
      const last = this.ends[this.count - 1] + 1;
      this.text = this.decode(this.chunk.subarray(from, last));
      this.textLine = k;
      this.textFrom = 0;
      this.textBase = from;
      // every byte became one character (a longer sequence would have become fewer): a line's bytes are its characters
      this.aligned = this.text.length === last - from;
    }
    const end = this.aligned ? to - this.textBase : this.text.indexOf('\n', this.textFrom) + 1;
    const line = this.text.slice(this.textFrom, end);
    this.textFrom = end;
    this.textLine = k + 1;
    this.take(cursor, k, to);
    return line;
  }
}
