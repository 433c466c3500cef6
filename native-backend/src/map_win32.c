/*
 * Windows mappings: CreateFileMappingW + MapViewOfFile, FlushViewOfFile,
 * SetFileInformationByHandle for the file's size, and the retirement of a
 * region (advise and residency are in advise_win32.c, opening files and named
 * shared memory in open_win32.c). Failures name the POSIX call the same step
 * makes elsewhere ("mmap", "ftruncate"), as Node's fs names its calls on Windows.
 */
#ifdef _WIN32

#include "win32.h"
#include "sigbus.h"

#include <errno.h>
#include <stdlib.h>

static size_t round_up(size_t value, size_t page) {
  return (value + page - 1) & ~(page - 1);
}

static DWORD high(uint64_t value) {
  return (DWORD)(value >> 32);
}

static DWORD low(uint64_t value) {
  return (DWORD)(value & 0xFFFFFFFFu);
}

/* ftruncate: sets the end of the file (it grows with zeros). */
static bool set_size(HANDLE file, uint64_t size) {
  FILE_END_OF_FILE_INFO info;
  info.EndOfFile.QuadPart = (LONGLONG)size;
  return SetFileInformationByHandle(file, FileEndOfFileInfo, &info, sizeof info) != 0;
}

static bool no_memory(DWORD error) {
  return error == ERROR_NOT_ENOUGH_MEMORY || error == ERROR_COMMITMENT_LIMIT || error == ERROR_OUTOFMEMORY;
}

/*
 * One view. A file's section is made here and closed once the view exists (the
 * view keeps it alive): 'write' maps size it to exactly offset + length, so that
 * a shrinking resize can cut the file there; 'read' and 'copy' take the file's
 * size. 'read' and 'copy' views are copy-on-write, like POSIX's private maps: a
 * stray store through a read map's view lands in a private page. Windows charges
 * such a view's whole length against the commit limit, so where that is refused
 * a 'read' map falls back to a read-only view, as mmap falls back on POSIX.
 */
static void *map_view(HANDLE handle, bool section, mm_access access, uint64_t aligned, size_t bytes,
                      void *at, bool *writable, DWORD *error) {
  if (section) {
    void *view = MapViewOfFileEx(handle, FILE_MAP_READ | FILE_MAP_WRITE, high(aligned), low(aligned), bytes, at);
    if (view == NULL) *error = GetLastError();
    return view;
  }
  uint64_t end = aligned + bytes;
  bool shared = access == MM_WRITE;
  DWORD protect = shared ? PAGE_READWRITE : PAGE_WRITECOPY;
  DWORD rights = shared ? FILE_MAP_WRITE : FILE_MAP_COPY;
  for (int attempt = 0; attempt < 2; attempt++) {
    HANDLE mapping = CreateFileMappingW(handle, NULL, protect, shared ? high(end) : 0, shared ? low(end) : 0, NULL);
    void *view = NULL;
    if (mapping != NULL) {
      view = MapViewOfFileEx(mapping, rights, high(aligned), low(aligned), bytes, at);
      if (view == NULL) *error = GetLastError();
      CloseHandle(mapping);
    } else {
      *error = GetLastError();
    }
    if (view != NULL || access != MM_READ || !no_memory(*error)) return view;
    protect = PAGE_READONLY;
    rights = FILE_MAP_READ;
    *writable = false;
  }
  return NULL;
}

int mm_win_map_view(HANDLE handle, bool section, mm_access access, uint64_t offset, size_t length,
                    mm_map *map, const char **syscall) {
  size_t page = mm_page_size();
  uint64_t aligned = offset & ~(uint64_t)(mm_granularity() - 1);
  size_t delta = (size_t)(offset - aligned);
  if (length > SIZE_MAX - delta - page) {
    *syscall = "mmap";
    return EOVERFLOW;
  }
  bool writable = true;
  DWORD error = 0;
  void *base = map_view(handle, section, access, aligned, delta + length, NULL, &writable, &error);
  if (base == NULL) {
    *syscall = "mmap";
    return mm_errno_of(error);
  }
  mm_region *region = malloc(sizeof *region);
  mm_flag *flag = mm_flag_new();
  if (region == NULL || flag == NULL) {
    /* SAFETY: base is the view just made; nothing points into it yet. */
    UnmapViewOfFile(base);
    free(region);
    free(flag);
    *syscall = "mmap";
    return ENOMEM;
  }
  region->base = base;
  region->span = round_up(delta + length, page);
  atomic_init(&region->refs, 1);
  region->flag = flag;
  atomic_init(&region->flushes, 0);
  atomic_init(&region->flush_error, 0);
  /* No guard: Windows refuses to cut a file below a view of it (ERROR_USER_MAPPED_FILE). */
  region->guard = MM_GUARD_NONE;
  map->region = region;
  /* SAFETY: delta < 64 KiB and delta + length <= span: data and data + length lie in the view. */
  map->data = (uint8_t *)base + delta;
  map->length = length;
  map->shared = section || access == MM_WRITE || !writable;
  map->writable = writable;
  return 0;
}

int mm_map_file(mm_map *map, int fd, mm_access access, uint64_t offset, size_t length, uint64_t grow_to,
                const char **syscall) {
  mm_map_init(map, access, offset);
  HANDLE handle = mm_handle_of(fd);
  bool section = mm_is_section(fd);
  LARGE_INTEGER before;
  int err = 0;
  if (grow_to > 0) {
    if (section) {
      *syscall = "ftruncate";
      err = EINVAL; /* a named section's size is fixed when it is made */
    } else if (!GetFileSizeEx(handle, &before)) {
      err = mm_fail("fstat", syscall);
    } else if (!set_size(handle, grow_to)) {
      err = mm_fail("ftruncate", syscall);
    }
    if (err != 0) {
      mm_close_fd(fd);
      return err;
    }
  }
  /* Zero length: no section (Windows refuses an empty one) and no region, as on POSIX. */
  if (length > 0) err = mm_win_map_view(handle, section, access, offset, length, map, syscall);
  if (err != 0) {
    if (grow_to > 0) (void)set_size(handle, (uint64_t)before.QuadPart); /* leave the file as it was */
    mm_close_fd(fd);
    return err;
  }
  if (access == MM_WRITE) map->fd = fd;
  else mm_close_fd(fd);
  return 0;
}

/* FlushViewOfFile writes the dirty pages of the range; the file's own buffers are
 * flushed by mm_flush, which has the handle (an asynchronous flush has only the range). */
int mm_sync(void *address, size_t length) {
  /* SAFETY: [address, address + length) lies in a live region (the caller holds a reference). */
  return FlushViewOfFile(address, length) ? 0 : mm_errno_of(GetLastError());
}

int mm_flush(const mm_map *map, size_t offset, size_t length) {
  /* A private (copy-on-write) view has nothing to write back, as msync on MAP_PRIVATE. */
  if (map->region == NULL || length == 0 || !map->shared || !map->writable) return 0;
  /* SAFETY: offset + length <= map->length, checked by the caller; the map holds the region. */
  int err = mm_sync(map->data + offset, length);
  if (err == 0 && map->fd >= 0 && !mm_is_section(map->fd) && !FlushFileBuffers(mm_handle_of(map->fd))) {
    err = mm_errno_of(GetLastError());
  }
  return err;
}

/*
 * Puts anonymous zero pages where the region's view was, so memory that escaped
 * into another ArrayBuffer reads zeros instead of faulting. Windows has no
 * MAP_FIXED over a view: the view is unmapped, then the same range allocated.
 * Between the two another thread's allocation can take the range; VirtualAlloc
 * at the address then fails and is retried a few times (the other allocation may
 * have been a transient probe); after that the range stays unmapped, and only a
 * buffer that escaped could still touch it. (Placeholders, VirtualAlloc2 +
 * MapViewOfFile3 + UnmapViewOfFile2(MEM_PRESERVE_PLACEHOLDER), would close the
 * window on Windows 10 1803 and later; Wine 8 exports the calls but refuses
 * MEM_RESERVE_PLACEHOLDER (ERROR_INVALID_PARAMETER, measured), so that path could
 * not be tested here and is not taken.)
 */
static void zero_region(mm_region *region) {
  if (region->guard != MM_GUARD_NONE) return; /* no view any more */
  /* SAFETY: the region is still ours (refs >= 1): base is our view, not a foreign mapping. */
  UnmapViewOfFile(region->base);
  region->guard = MM_WIN_UNMAPPED;
  for (int attempt = 0; attempt < 8; attempt++) {
    if (VirtualAlloc(region->base, region->span, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) != NULL ||
        VirtualAlloc(region->base, region->span, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY) != NULL) {
      region->guard = MM_WIN_ANONYMOUS;
      return;
    }
    Sleep(0);
  }
}

/* Maps the map's old view back at its address after zero_region (a resize that failed). */
static void restore_region(mm_map *map) {
  mm_region *region = map->region;
  if (region == NULL || region->guard == MM_GUARD_NONE) return;
  if (region->guard == MM_WIN_ANONYMOUS) VirtualFree(region->base, 0, MEM_RELEASE);
  region->guard = MM_WIN_UNMAPPED;
  size_t delta = (size_t)(map->data - (uint8_t *)region->base);
  bool writable = true;
  DWORD error = 0;
  HANDLE file = mm_handle_of(map->fd);
  if (map_view(file, false, MM_WRITE, map->offset - delta, delta + map->length, region->base, &writable, &error) != NULL) {
    region->guard = MM_GUARD_NONE;
  } else if (VirtualAlloc(region->base, region->span, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) != NULL) {
    region->guard = MM_WIN_ANONYMOUS;
  }
}

/*
 * Windows cannot cut a file while a view or section of it exists (SetEndOfFile:
 * ERROR_USER_MAPPED_FILE), so a shrinking resize retires the old view first
 * (zero pages, as mm_region_retire would do next anyway), sets the size, then maps
 * the new length. If the size cannot be set (a view of the file elsewhere, in this
 * process or another: EBUSY), the old view is mapped back at its address and
 * nothing changed; if the new view then fails, the file gets its old size back
 * (the cut bytes read as zeros) and the old view returns. A growing resize sets
 * the size first (a file may grow under a view), then maps.
 */
int mm_resize(mm_map *map, size_t new_length, mm_region **retired, const char **syscall) {
  if (map->fd < 0) {
    *syscall = "ftruncate";
    return EBADF;
  }
  if (mm_is_section(map->fd)) {
    *syscall = "ftruncate";
    return ENOTSUP; /* a named section's size is fixed when it is made (Python's SharedMemory: the same) */
  }
  HANDLE file = mm_handle_of(map->fd);
  LARGE_INTEGER before;
  if (!GetFileSizeEx(file, &before)) return mm_fail("fstat", syscall);
  uint64_t old_size = (uint64_t)before.QuadPart;
  uint64_t new_size = map->offset + new_length;
  mm_map next = *map;
  next.region = NULL;
  next.data = NULL;
  next.length = 0;
  if (new_size < old_size) {
    if (map->region != NULL) zero_region(map->region);
    if (!set_size(file, new_size)) {
      int err = mm_fail("ftruncate", syscall);
      restore_region(map);
      return err;
    }
  } else if (new_size > old_size && !set_size(file, new_size)) {
    return mm_fail("ftruncate", syscall);
  }
  if (new_length > 0) {
    int err = mm_win_map_view(file, false, MM_WRITE, map->offset, new_length, &next, syscall);
    if (err != 0) {
      if (new_size != old_size) (void)set_size(file, old_size);
      restore_region(map);
      return err;
    }
  }
  *retired = map->region;
  *map = next;
  return 0;
}

/* Windows refuses to truncate a mapped file, so a map there is never truncated. */
int32_t mm_fault(const mm_map *map) {
  return map->region == NULL ? 0 : atomic_load(&map->region->flag->word);
}

bool mm_file_covers(mm_map *map, size_t end) {
  (void)map;
  (void)end;
  return true;
}

void mm_region_ref(mm_region *region) {
  atomic_fetch_add(&region->refs, 1);
}

void mm_region_unref(mm_region *region) {
  if (atomic_fetch_sub(&region->refs, 1) != 1) return;
  /* SAFETY: that was the last reference: no map, buffer or flush job points into the range any more. */
  if (region->guard == MM_GUARD_NONE) UnmapViewOfFile(region->base);
  else if (region->guard == MM_WIN_ANONYMOUS) VirtualFree(region->base, 0, MEM_RELEASE);
  mm_flag_unref(region->flag);
  free(region);
}

void mm_region_retire(mm_region *region) {
  /* A flushAsync() queued before this resize()/close() writes what it covered, here. */
  if (atomic_load(&region->flushes) > 0) {
    int err = mm_sync(region->base, region->span);
    if (err != 0) atomic_store(&region->flush_error, err);
  }
  zero_region(region);
  mm_region_unref(region);
}

#endif /* _WIN32 */
