/*
 * POSIX mappings: mmap, msync, madvise, mincore, ftruncate (opening files, what fstat
 * allows to be mapped, and fallocate are in filesystem_posix.c; named shared memory in
 * shm_posix.c; the budget of mappings in mapping_budget_posix.c).
 * Linux is the tested platform; macOS compiles the same path.
 */
#ifndef _WIN32

#include "map.h"
#include "sigbus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glibc_compat.h" /* after the system headers: pins symbol versions */

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

size_t mm_page_size(void) {
  long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? (size_t)page : 4096;
}

size_t mm_granularity(void) {
  return mm_page_size();
}

const char *mm_unavailable(void) {
  return NULL;
}

int mm_fail(const char *name, const char **syscall) {
  *syscall = name;
  return errno;
}

void mm_release_fd(mm_map *map) {
  if (map->region != NULL) mm_guard_forget_fd(map->region->guard);
  mm_close_fd(map->fd);
  map->fd = -1;
}

static size_t round_up(size_t value, size_t page) {
  return (value + page - 1) & ~(page - 1);
}

/*
 * Maps [offset, offset + length) of fd (length > 0). 'read' and 'copy' are
 * private, writable and unreserved: a stray store through a read map's view
 * lands in a private page, and nothing is reserved up front, so files larger
 * than RAM map. Where the kernel still refuses (vm.overcommit_memory=2) a
 * 'read' map falls back to a shared read-only mapping.
 */
static int map_region(int fd, mm_access access, uint64_t offset, size_t length, mm_map *map,
                      const char **syscall) {
  size_t page = mm_page_size();
  uint64_t aligned = offset & ~(uint64_t)(page - 1);
  size_t delta = (size_t)(offset - aligned);
  if (length > SIZE_MAX - delta - page) {
    *syscall = "mmap";
    return EOVERFLOW;
  }
  size_t span = round_up(delta + length, page);
  bool shared = access == MM_WRITE;
  bool writable = true;
  int flags = shared ? MAP_SHARED : MAP_PRIVATE | MAP_NORESERVE;
  *syscall = "mmap";
  if (!mm_budget_take()) return ENOMEM;
  void *base = mmap(NULL, span, PROT_READ | PROT_WRITE, flags, fd, (off_t)aligned);
  if (base == MAP_FAILED && errno == ENOMEM && access == MM_READ) {
    shared = true;
    writable = false;
    base = mmap(NULL, span, PROT_READ, MAP_SHARED, fd, (off_t)aligned);
  }
  if (base == MAP_FAILED) {
    int err = errno;
    mm_budget_give();
    return err;
  }
  mm_region *region = malloc(sizeof *region);
  mm_flag *flag = mm_flag_new();
  if (region == NULL || flag == NULL) {
    /* SAFETY: base and span are what mmap just returned; nothing points into them yet. */
    munmap(base, span);
    mm_budget_give();
    free(region);
    free(flag);
    return ENOMEM;
  }
  region->base = base;
  region->span = span;
  atomic_init(&region->refs, 1);
  region->flag = flag;
  atomic_init(&region->flushes, 0);
  atomic_init(&region->flush_error, 0);
  int err = mm_guard_register(base, span, &flag->word, access == MM_WRITE ? fd : -1, aligned, &region->guard);
  if (err != 0) {
    munmap(base, span);
    mm_budget_give();
    mm_flag_unref(flag);
    free(region);
    *syscall = "sigaction";
    return err;
  }
  map->region = region;
  /* SAFETY: delta < page and delta + length <= span, so data and data + length lie in the range. */
  map->data = (uint8_t *)base + delta;
  map->length = length;
  map->shared = shared;
  map->writable = writable;
  return 0;
}

int mm_map_file(mm_map *map, int fd, mm_access access, uint64_t offset, size_t length, uint64_t grow_to,
                const char **syscall) {
  mm_map_init(map, access, offset);
  struct stat before;
  int err = 0;
  if (grow_to > 0) {
    if (fstat(fd, &before) != 0) err = mm_fail("fstat", syscall);
    else if (ftruncate(fd, (off_t)grow_to) != 0) err = mm_fail("ftruncate", syscall);
    else if ((err = mm_reserve(fd, (uint64_t)before.st_size, grow_to, syscall)) != 0) (void)!ftruncate(fd, before.st_size);
    if (err != 0) {
      close(fd);
      return err;
    }
  }
  if (length > 0) err = map_region(fd, access, offset, length, map, syscall);
  if (err != 0) {
    if (grow_to > 0) (void)!ftruncate(fd, before.st_size); /* leave the file as it was */
    close(fd);
    return err;
  }
  if (access == MM_WRITE) map->fd = fd;
  else close(fd);
  return 0;
}

int mm_sync(void *address, size_t length) {
  size_t page = mm_page_size();
  uintptr_t start = (uintptr_t)address & ~(uintptr_t)(page - 1);
  size_t span = (uintptr_t)address + length - start;
  /* SAFETY: [address, address + length) lies in a live region (the caller holds a reference). */
  return msync((void *)start, span, MS_SYNC) == 0 ? 0 : errno;
}

int mm_flush(const mm_map *map, size_t offset, size_t length) {
  if (map->region == NULL || length == 0) return 0;
  /* SAFETY: offset + length <= map->length, checked by the caller; the map holds the region. */
  return mm_sync(map->data + offset, length);
}

int mm_resize(mm_map *map, size_t new_length, mm_region **retired, const char **syscall) {
  /* Only 'write' maps keep a descriptor; mm_* checks its own preconditions, whoever calls it. */
  if (map->fd < 0) {
    *syscall = "ftruncate";
    return EBADF;
  }
  mm_map next = *map;
  next.region = NULL;
  next.data = NULL;
  next.length = 0;
  /* Map first: mmap does not need the file to be long yet, and a failure here changes nothing. */
  if (new_length > 0) {
    int err = map_region(map->fd, MM_WRITE, map->offset, new_length, &next, syscall);
    if (err != 0) return err;
  }
  struct stat before;
  int err = fstat(map->fd, &before) != 0 ? mm_fail("fstat", syscall) : 0;
  uint64_t end = map->offset + new_length;
  if (err == 0 && ftruncate(map->fd, (off_t)end) != 0) err = mm_fail("ftruncate", syscall);
  else if (err == 0 && (err = mm_reserve(map->fd, (uint64_t)before.st_size, end, syscall)) != 0) {
    (void)!ftruncate(map->fd, before.st_size); /* a failed resize leaves the file as it was */
  }
  if (err != 0) {
    if (next.region != NULL) mm_region_unref(next.region);
    return err;
  }
  *retired = map->region;
  *map = next;
  return 0;
}

int mm_advise(const mm_map *map, mm_advice advice, size_t offset, size_t length) {
  if (map->region == NULL || length == 0) return 0;
  int how;
  switch (advice) {
    case MM_ADVICE_RANDOM: how = MADV_RANDOM; break;
    case MM_ADVICE_SEQUENTIAL: how = MADV_SEQUENTIAL; break;
    case MM_ADVICE_WILLNEED: how = MADV_WILLNEED; break;
    case MM_ADVICE_DONTNEED:
      /* On a private mapping MADV_DONTNEED would discard a 'copy' map's changes
       * (and a read map's stray stores); there only MADV_COLD, which keeps contents. */
      if (map->shared) {
        how = MADV_DONTNEED;
        break;
      }
#ifdef MADV_COLD
      how = MADV_COLD;
      break;
#else
      return 0;
#endif
    default: how = MADV_NORMAL; break;
  }
  size_t page = mm_page_size();
  /* SAFETY: offset + length <= map->length, checked by the caller; the range, rounded down to its
   * page, lies in the region (which starts page-aligned). */
  uintptr_t address = (uintptr_t)(map->data + offset);
  uintptr_t start = address & ~(uintptr_t)(page - 1);
  if (madvise((void *)start, address + length - start, how) == 0) return 0;
#ifdef MADV_COLD
  if (how == MADV_COLD && errno == EINVAL) return 0; /* kernels before 5.4 */
#endif
  return errno;
}

int mm_residency(const mm_map *map, uint64_t *resident_bytes) {
  *resident_bytes = 0;
  if (map->region == NULL) return 0;
  enum { CHUNK_PAGES = 1 << 16 };
  size_t page = mm_page_size();
  unsigned char *vec = malloc(CHUNK_PAGES);
  if (vec == NULL) return ENOMEM;
  uintptr_t first = (uintptr_t)map->data;
  uintptr_t last = first + map->length;
  uintptr_t at = first & ~(uintptr_t)(page - 1);
  uint64_t resident = 0;
  int err = 0;
  while (at < last) {
    size_t pages = (last - at + page - 1) / page;
    if (pages > CHUNK_PAGES) pages = CHUNK_PAGES;
    /* SAFETY: [at, at + pages * page) lies inside the region (span is page-rounded). */
#ifdef __APPLE__
    if (mincore((void *)at, pages * page, (char *)vec) != 0) {
#else
    if (mincore((void *)at, pages * page, vec) != 0) {
#endif
      err = errno;
      break;
    }
    for (size_t i = 0; i < pages; i++, at += page) {
      if (vec[i] & 1) resident += mm_page_bytes_inside(at, page, first, last);
    }
  }
  free(vec);
  *resident_bytes = resident;
  return err;
}

int32_t mm_fault(const mm_map *map) {
  return map->region == NULL ? 0 : atomic_load(&map->region->flag->word);
}

bool mm_file_covers(mm_map *map, size_t end) {
  struct stat st;
  /* Only 'write' maps keep a descriptor; a failed fstat is no evidence of truncation. */
  if (map->fd < 0 || fstat(map->fd, &st) != 0) return true;
  if ((uint64_t)st.st_size >= map->offset + end) return true;
  /* A zero-length map has no region: its caller keeps the mark (NativeMap's own word). */
  if (map->region != NULL) atomic_store(&map->region->flag->word, 1);
  return false;
}

void mm_region_ref(mm_region *region) {
  atomic_fetch_add(&region->refs, 1);
}

void mm_region_unref(mm_region *region) {
  if (atomic_fetch_sub(&region->refs, 1) != 1) return;
  /* Unregistered before the munmap: no handler may map zeros over a range we gave back. */
  mm_guard_unregister(region->guard);
  /* SAFETY: that was the last reference: no map, buffer or flush job points into the range any more. */
  munmap(region->base, region->span);
  mm_budget_give();
  mm_flag_unref(region->flag); /* after the guard let go of the word */
  free(region);
}

void mm_region_retire(mm_region *region) {
  void *base = region->base;
  /* A flushAsync() queued before this resize()/close() writes what it covered, here. */
  if (atomic_load(&region->flushes) > 0) {
    int err = mm_sync(base, region->span);
    if (err != 0) atomic_store(&region->flush_error, err);
  }
  int flags = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  /* MAP_FIXED replaces the file pages atomically: the range never becomes unmapped.
   * SAFETY: the region is still ours: refs >= 1 (the map's own reference, dropped only
   * below), so [base, base + span) is this mapping and MAP_FIXED cannot clobber a foreign one. */
  bool zeroed = mmap(base, region->span, PROT_READ | PROT_WRITE, flags, -1, 0) != MAP_FAILED;
  if (!zeroed) {
    /* Where writable zero pages cannot be committed, read-only ones cost nothing;
     * failing both, the file pages stay until the last buffer lets go.
     * SAFETY: the same range, still ours, as above. */
    zeroed = mmap(base, region->span, PROT_READ, flags, -1, 0) != MAP_FAILED;
  }
  if (zeroed) {
    /* Zero pages cannot fault: the guard has nothing left to catch in this range.
     * File pages that stayed keep their guard until the last reference unmaps them. */
    mm_guard_unregister(region->guard);
    region->guard = MM_GUARD_NONE;
  }
  mm_region_unref(region);
}

#endif /* !_WIN32 */
