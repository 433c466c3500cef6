/*
 * The neutral internal API of the addon: opening files, mapping them, and the
 * operations on a mapping. Nothing here knows Node-API; every function returns 0
 * or an errno (and names the failing syscall), so the platform files can be
 * driven from a small C harness.
 */
#ifndef PORTABLE_MMAP_MAP_H
#define PORTABLE_MMAP_MAP_H

#include <stdatomic.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { MM_READ = 0, MM_WRITE = 1, MM_COPY = 2 } mm_access;

/*
 * The longest shared memory name, in bytes without the leading '/': macOS keeps
 * 31 bytes with the '/' (PSHMNAMLEN in xnu's sys/posix_shm.h); Linux's objects
 * are files in /dev/shm, so a name is one file name of up to NAME_MAX (255).
 */
#if defined(__APPLE__)
#define MM_SHARED_NAME_MAX 30
#else
#define MM_SHARED_NAME_MAX 255
#endif

typedef enum {
  MM_ADVICE_NORMAL = 0,
  MM_ADVICE_RANDOM = 1,
  MM_ADVICE_SEQUENTIAL = 2,
  MM_ADVICE_WILLNEED = 3,
  MM_ADVICE_DONTNEED = 4
} mm_advice;

/*
 * A region's truncation word, in an allocation of its own. JS reads it through a 4-byte
 * external ArrayBuffer, which Node frees only after a garbage collection and an event-loop
 * turn; holding the word rather than the region, that buffer never keeps a closed map's
 * address range: the range goes as soon as nothing else points into it (a loop that opens
 * and closes 64 GiB maps would otherwise run out of address space before the next GC).
 */
typedef struct mm_flag {
  atomic_long refs;
  /* Set by the SIGBUS guard (sigbus.h) when a touch past the file's end was caught. */
  _Atomic int32_t word;
} mm_flag;

static inline mm_flag *mm_flag_new(void) {
  mm_flag *flag = malloc(sizeof *flag);
  if (flag != NULL) {
    atomic_init(&flag->refs, 1);
    atomic_init(&flag->word, 0);
  }
  return flag;
}

static inline void mm_flag_ref(mm_flag *flag) {
  atomic_fetch_add(&flag->refs, 1);
}

static inline void mm_flag_unref(mm_flag *flag) {
  if (atomic_fetch_sub(&flag->refs, 1) == 1) free(flag);
}

/*
 * One address range the OS mapped. It outlives the map that made it while
 * anything still points into it: the map (while the region is its current one),
 * each external ArrayBuffer over it, and each asynchronous flush in flight.
 * The last reference unmaps it.
 */
typedef struct mm_region {
  void *base;           /* page-aligned start, as mmap returned it */
  size_t span;          /* bytes mapped at base, a multiple of the page size */
  /*
   * Atomic, unlike mm_handle's owners and leases: the region is the one object
   * shared with another thread, since an async flush job holds a reference while
   * its msync runs on the libuv pool. References are taken and dropped on the JS
   * thread today; the atomic keeps that from being a rule nobody wrote down.
   */
  atomic_long refs;
  mm_flag *flag;        /* the truncation word; the region holds one reference */
  int32_t guard;        /* the range's slot in the guard's registry, or MM_GUARD_NONE */
  /* Async flushes queued on the region and not yet settled: mm_region_retire writes the
   * range back itself before its file pages go, or their msync would find zero pages. */
  atomic_int flushes;
  _Atomic int flush_error; /* what that write-back failed with (0: nothing), for those flushes */
} mm_region;

typedef struct mm_map {
  mm_region *region;    /* NULL while the map is zero-length */
  uint8_t *data;        /* byte 0 of the map: region->base + (offset mod page) */
  size_t length;        /* bytes mapped from data on */
  uint64_t offset;      /* file position of byte 0 */
  int fd;               /* kept for 'write' maps (resize), else -1 */
  mm_access access;
  bool shared;          /* MAP_SHARED: 'write', or a 'read' map that fell back */
  bool writable;        /* stores to the pages are allowed (not the read-only fallback) */
} mm_map;

/* Page size and the alignment an offset needs (the same on POSIX; 64 KiB on Windows). */
size_t mm_page_size(void);
size_t mm_granularity(void);

/* A reason this platform cannot map files, or NULL where it can. */
const char *mm_unavailable(void);

/*
 * Opens `path` (or dup()s `caller_fd`, close-on-exec) for `access` and reports
 * the file's size. Directories are EISDIR; other files that cannot be mapped
 * (FIFOs, sockets) are ENODEV. On failure no descriptor is left open.
 */
int mm_open_path(const char *path, mm_access access, int *fd, uint64_t *size, const char **syscall);
int mm_open_fd(int caller_fd, mm_access access, int *fd, uint64_t *size, const char **syscall);
void mm_close_fd(int fd);

/*
 * Named shared memory (POSIX shm_open; what Python's SharedMemory(name) opens).
 * `name` comes without the leading '/', which the platform adds. With `create`,
 * a new object of `size` bytes (EEXIST if the name exists; the name is removed
 * again if sizing it fails); without, an existing one, whose size is reported.
 * Names longer than MM_SHARED_NAME_MAX bytes are ENAMETOOLONG before any call.
 * The descriptor is read-write and close-on-exec; on failure none is left open.
 */
int mm_open_shared(const char *name, bool create, uint64_t size, int *fd, uint64_t *object_size,
                   const char **syscall);
/* Removes the name; objects still mapped stay usable until their last mapping goes. */
int mm_unlink_shared(const char *name, const char **syscall);

#ifndef _WIN32
/* Names the failed call in *syscall and returns its errno (win32.h has the Windows twin). */
int mm_fail(const char *name, const char **syscall);

/* One mapping more from the budget (mapping_budget_posix.c), or false when it is spent. */
bool mm_budget_take(void);
/* Gives back what mm_budget_take() took. */
void mm_budget_give(void);

/*
 * Reserves the blocks of [from, to) of `fd` (Linux fallocate), so that a store into
 * pages the library added to the file can never fault for want of space: a full file
 * system is this call's ENOSPC (or EDQUOT) instead of a SIGBUS at a later store. File
 * systems without fallocate (EOPNOTSUPP), and other systems, keep the sparse growth.
 */
int mm_reserve(int fd, uint64_t from, uint64_t to, const char **syscall);
/*
 * What fstat says about an open file: its size (a regular file's, a block device's end),
 * or EISDIR, or ENODEV for what cannot be mapped by position (FIFOs, sockets, character
 * devices, files of kernel pseudo file systems). Closes `fd` on failure.
 */
int mm_inspect(int fd, uint64_t *size, const char **syscall);
#endif

/*
 * Maps `length` bytes at file position `offset` of `fd` into `map`, after
 * growing the file to `grow_to` bytes when that is non-zero. Takes ownership
 * of `fd` in every case: kept in the map for 'write', closed otherwise and on
 * failure (a grown file is cut back to its old size then).
 */
int mm_map_file(mm_map *map, int fd, mm_access access, uint64_t offset, size_t length, uint64_t grow_to,
                const char **syscall);

/* A map before mm_map_file() succeeds: no region, no descriptor, the access's sharing and writability. */
static inline void mm_map_init(mm_map *map, mm_access access, uint64_t offset) {
  map->region = NULL;
  map->data = NULL;
  map->length = 0;
  map->offset = offset;
  map->fd = -1;
  map->access = access;
  map->shared = access == MM_WRITE;
  map->writable = access != MM_READ;
}

/* The bytes of the page at `at` (`page` long) that lie inside [first, last): what a resident page adds to residency. */
static inline uint64_t mm_page_bytes_inside(uintptr_t at, size_t page, uintptr_t first, uintptr_t last) {
  uintptr_t lo = at < first ? first : at;
  uintptr_t hi = at + page > last ? last : at + page;
  return hi - lo;
}

/* What the guard caught in the map's current region: 0 (nothing), MM_FAULT_TRUNCATED or MM_FAULT_IO (sigbus.h). */
int32_t mm_fault(const mm_map *map);
/*
 * Whether the file still holds the map's bytes up to `end` (fstat; 'write' maps,
 * which keep their descriptor). Where it does not, marks the region truncated,
 * as the guard would: a flush is the one call that can notice without a touch.
 */
bool mm_file_covers(mm_map *map, size_t end);
/* msync(MS_SYNC) of [offset, offset + length) of the map; the caller checked the range. */
int mm_flush(const mm_map *map, size_t offset, size_t length);
/* The same for a raw address range (used by asynchronous flushes). */
int mm_sync(void *address, size_t length);

/*
 * Resizes the file to map->offset + new_length and maps the new length at a new
 * address. On success the old region is handed back in *retired (the caller
 * detaches what points into it, then calls mm_region_retire); on failure
 * nothing changed.
 */
int mm_resize(mm_map *map, size_t new_length, mm_region **retired, const char **syscall);

int mm_advise(const mm_map *map, mm_advice advice, size_t offset, size_t length);
int mm_residency(const mm_map *map, uint64_t *resident_bytes);

void mm_region_ref(mm_region *region);
/* Drops one reference; the last one unmaps the range and frees the region. */
void mm_region_unref(mm_region *region);
/*
 * Replaces the region's pages with anonymous zero pages (memory that escaped
 * into another ArrayBuffer then reads zeros instead of faulting), then drops
 * the map's reference.
 */
void mm_region_retire(mm_region *region);

/* Closes the map's descriptor, if it kept one. */
void mm_release_fd(mm_map *map);

/* First / last offset of `needle` lying wholly inside `haystack`, or -1; nlen > 0. */
int64_t mm_find(const uint8_t *haystack, size_t length, const uint8_t *needle, size_t nlen);
int64_t mm_rfind(const uint8_t *haystack, size_t length, const uint8_t *needle, size_t nlen);
/* Copies n bytes from src to dst and writes the index of each '\n' to ends (at most slots); returns how many. */
size_t mm_copy_lines(uint8_t *dst, const uint8_t *src, size_t n, int32_t *ends, size_t slots);

#endif
