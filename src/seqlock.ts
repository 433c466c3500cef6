/**
 * SeqLock: one fixed-size record in memory that several processes or threads map,
 * written whole and read whole, never seen half-written.
 *
 * ```
 *  byte 0        4                                  4 + payloadByteLength
 *  ┌─────────────┬──────────────────────────────────┐
 *  │ sequence    │ payload: Int32 words             │
 *  │ even: whole │ stored and loaded one word at a  │
 *  │ odd: write  │ time with Atomics                │
 *  │ in progress │                                  │
 *  └─────────────┴──────────────────────────────────┘
 * ```
 * A writer takes the sequence from even s to s + 1 (compareExchange, so writers
 * take turns), stores the payload, and sets s + 2. A reader loads the sequence,
 * the payload, and the sequence again, and retries unless both loads saw the same
 * even value. Every access is an `Atomics` operation, so no word is torn and none
 * is reordered around the sequence loads (ECMAScript Atomics are sequentially
 * consistent); this is why it works over a map's external ArrayBuffer, where
 * `Atomics.wait`/`notify` do not.
 */
import { toTargetBytes } from './args.js';
import { closed, outOfRange } from './errors.js';

const HEADER_BYTES = 4;
const SEQUENCE = 0;

/**
 * A sequence-locked record over memory that other processes or threads also map
 * (a `view()` of an `openShared()` map or a `'write'` file map, or a SharedArrayBuffer).
 * Writers never block readers; readers retry while a write is in progress.
 *
 * Hazard: a writer that dies between its two sequence stores leaves the sequence
 * odd, and then `read()` and `write()` spin for ever; `tryRead()` returns −1.
 * Place the record at an offset that is a multiple of 8 in a map whose own offset is
 * a multiple of 8 (shared maps start on a page): Atomics need aligned addresses.
 *
 * ```ts
 * using shm = openShared('prices', { size: 4096, create: true });
 * const lock = new SeqLock(shm.view(0, SeqLock.byteLength(16)));
 * lock.write(new Float64Array([101.5, 7]));        // one writer …
 * const quote = new Float64Array(2);
 * lock.read(quote);                                // … any number of readers
 * ```
 */
export class SeqLock {
  /** Bytes a SeqLock needs for a payload of `payloadByteLength` bytes (a multiple of 4). */
  static byteLength(payloadByteLength: number): number {
    if (!(Number.isSafeInteger(payloadByteLength) && payloadByteLength >= 0 && payloadByteLength % 4 === 0)) {
      throw outOfRange('payloadByteLength', payloadByteLength, 'a non-negative multiple of 4');
    }
    return HEADER_BYTES + payloadByteLength;
  }

  /** Bytes in one record. */
  readonly payloadByteLength: number;
  /** The sequence word, then the payload words, over the caller's memory. */
  private readonly words: Int32Array;
  /** One record, staged here so the caller's views need no alignment. */
  private readonly scratch: Int32Array;
  private readonly scratchBytes: Uint8Array;

  /**
   * Uses all of `memory` (its first 4 bytes hold the sequence). New memory is zeros: a
   * record of zeros, version 0. Every process constructs its own SeqLock over the
   * same bytes.
   * @throws {TypeError} ERR_INVALID_ARG_TYPE when `memory` is not an ArrayBufferView
   * @throws {RangeError} ERR_OUT_OF_RANGE when `memory` does not start at a multiple of 4 in its
   *   buffer, or is not 4 + a multiple of 4 bytes long
   */
  constructor(memory: ArrayBufferView) {
    const bytes = toTargetBytes(memory, 'memory');
    if (bytes.byteOffset % 4 !== 0) throw outOfRange('memory.byteOffset', bytes.byteOffset, 'a multiple of 4');
    if (bytes.byteLength < HEADER_BYTES || bytes.byteLength % 4 !== 0) {
      throw outOfRange('memory.byteLength', bytes.byteLength, `4 + a multiple of 4 (see SeqLock.byteLength())`);
    }
    this.payloadByteLength = bytes.byteLength - HEADER_BYTES;
    this.words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    this.scratch = new Int32Array(this.payloadByteLength / 4);
    this.scratchBytes = new Uint8Array(this.scratch.buffer);
  }

  /** Completed writes so far (wraps at 2^31); changes once per `write()`. */
  get version(): number {
    return this.checkAttached() >>> 1;
  }

  /**
   * Stores one whole record: `data` is any ArrayBufferView of exactly
   * `payloadByteLength` bytes. Waits (spinning) while another writer is mid-write.
   * @throws {MmapError} ERR_MMAP_CLOSED when the memory's map was closed or resized
   * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE (a record of the wrong size)
   */
  write(data: ArrayBufferView): void {
    this.scratchBytes.set(this.record('data', data));
    const words = this.words;
    let sequence: number;
    do {
      sequence = this.checkAttached();
    } while ((sequence & 1) !== 0 || Atomics.compareExchange(words, SEQUENCE, sequence, (sequence + 1) | 0) !== sequence);
    const scratch = this.scratch;
    for (let i = 0; i < scratch.length; i++) Atomics.store(words, i + 1, scratch[i]);
    Atomics.store(words, SEQUENCE, (sequence + 2) | 0);
  }

  /**
   * Copies one whole record into `target` (exactly `payloadByteLength` bytes), retrying
   * while a write is in progress, and returns its version.
   * @throws {MmapError} ERR_MMAP_CLOSED when the memory's map was closed or resized
   * @throws {TypeError|RangeError} ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE (a target of the wrong size)
   */
  read(target: ArrayBufferView): number {
    const bytes = this.record('target', target);
    let version: number;
    do version = this.attempt();
    while (version < 0);
    bytes.set(this.scratchBytes);
    return version;
  }

  /**
   * One attempt of `read()`: copies the record and returns its version, or returns −1
   * (leaving `target` as it was) when a write was in progress or happened meanwhile.
   * @throws the same as `read()`
   */
  tryRead(target: ArrayBufferView): number {
    const bytes = this.record('target', target);
    const version = this.attempt();
    if (version >= 0) bytes.set(this.scratchBytes);
    return version;
  }

  /** Loads the record into scratch; its version, or −1 if the sequence was odd or moved. */
  private attempt(): number {
    const sequence = this.checkAttached();
    if ((sequence & 1) !== 0) return -1;
    const words = this.words;
    const scratch = this.scratch;
    for (let i = 0; i < scratch.length; i++) scratch[i] = Atomics.load(words, i + 1);
    return Atomics.load(words, SEQUENCE) === sequence ? sequence >>> 1 : -1;
  }

  /** The sequence word; a detached view (the map was closed or resized) is ERR_MMAP_CLOSED. */
  private checkAttached(): number {
    if (this.words.length === 0) throw closed();
    return Atomics.load(this.words, SEQUENCE);
  }

  private record(name: string, view: ArrayBufferView): Uint8Array {
    const bytes = toTargetBytes(view, name);
    if (bytes.byteLength !== this.payloadByteLength) {
      throw outOfRange(`${name}.byteLength`, bytes.byteLength, `=== ${this.payloadByteLength} (the payload's size)`);
    }
    return bytes;
  }
}
