/*
 * The truncation guard: one process-wide SIGBUS handler and a registry of the
 * address ranges this library mapped from files. Another process shrinking a
 * mapped file makes a touch of a page past the new end raise SIGBUS; inside a
 * registered range the handler maps anonymous zero pages over the rest of the
 * range, marks it truncated and returns, so the access retries and reads zeros.
 * Every other SIGBUS goes to the handler that was installed before, or to the
 * default action, as if the library were not loaded.
 *
 * Process-wide state is the exception to "no mutable globals": a signal handler
 * has no environment to look state up in, and worker threads share the ranges.
 */
#ifndef PORTABLE_MMAP_SIGBUS_H
#define PORTABLE_MMAP_SIGBUS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* "No range": a zero-length map, a platform without the guard, or a full registry. */
#define MM_GUARD_NONE (-1)

/* What the handler writes to a range's flag: the file no longer holds the page (it shrank),
 * or it does and the page still could not be had (a disk error, a hole a full disk cannot fill). */
#define MM_FAULT_TRUNCATED 1
#define MM_FAULT_IO 2

/*
 * Installs the handler (once per process; later calls return the first result)
 * and registers [base, base + span), which maps the file from `file_offset` on: a
 * fault caught there sets *flag to MM_FAULT_TRUNCATED, or, when `fd` (the map's own
 * descriptor, or -1) shows the file still holds the faulting page, MM_FAULT_IO. The
 * flag must stay valid until mm_guard_unregister() returned. Sets *slot to the
 * range's slot (MM_GUARD_NONE where the platform has no guard); returns 0 or an
 * errno (ENOMEM: the registry is full).
 */
int mm_guard_register(void *base, size_t span, _Atomic int32_t *flag, int fd, uint64_t file_offset, int32_t *slot);

/* The range's descriptor is about to be closed: its faults count as truncations from now on. */
void mm_guard_forget_fd(int32_t slot);

/*
 * Removes the range; returns once no handler running on another thread can still
 * act on it, so the caller may unmap it and free the flag. MM_GUARD_NONE is ignored.
 */
void mm_guard_unregister(int32_t slot);

/* How many faults the handler caught in registered ranges since the process started. */
uint64_t mm_guard_caught(void);

#endif
