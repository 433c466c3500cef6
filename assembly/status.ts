/**
 * Results of the pager's exports: every export returns a non-negative result
 * or one of these. src/backends/wasm/abi.ts lists the same values; a test
 * checks that the two agree.
 */
export enum Status {
  /** A kernel found no match in this run (its carry is updated for the next run). */
  NOT_FOUND = -1,
  /** The page is not resident; the host must fault it in. */
  MISSING = -2,
  /** The page has a frame but its bytes are still being read (async sources). */
  LOADING = -3,
  /** A dirty victim must be written back first; REG_FRAME/REG_COUNT/REG_PAGE name the run. */
  WRITE_BACK = -4,
  /** memory.grow failed: the memory this call needs cannot be had. */
  NO_MEMORY = -5,
  /** Every frame is pinned or loading: nothing can be evicted. */
  NO_FRAME = -6,
  /** The pager's tables contradict each other (debug invariant check only). */
  CORRUPT = -7,
  /**
   * A search spent its budget verifying candidates (a needle and text like `aaa…ab` in
   * `aaa…a`): the host goes on with a search that is linear in the text (src/backends/wasm/search.ts).
   */
  COSTLY = -8,
}
