/*
 * Windows. A real path would use CreateFileMapping / MapViewOfFile with a
 * 64 KiB allocation granularity; it cannot be built or tested here, so this
 * build reports the native backend as unavailable (detectBackend() then
 * chooses wasm and says why) instead of pretending.
 */
#ifdef _WIN32

#include "map.h"

#include <errno.h>
#include <stdlib.h>

size_t mm_page_size(void) {
  return 4096;
}

size_t mm_granularity(void) {
  return 65536;
}

const char *mm_unavailable(void) {
  return "the Windows mapping path (CreateFileMapping/MapViewOfFile) is not implemented in this build";
}

static int unsupported(const char **syscall) {
  *syscall = "CreateFileMapping";
  return ENOSYS;
}

int mm_open_path(const char *path, mm_access access, int *fd, uint64_t *size, const char **syscall) {
  (void)path, (void)access, (void)fd, (void)size;
  return unsupported(syscall);
}

int mm_open_fd(int caller_fd, mm_access access, int *fd, uint64_t *size, const char **syscall) {
  (void)caller_fd, (void)access, (void)fd, (void)size;
  return unsupported(syscall);
}

void mm_close_fd(int fd) {
  (void)fd;
}

/*
 * Named shared memory would be CreateFileMappingW(INVALID_HANDLE_VALUE, …, name)
 * / OpenFileMappingW, as Python's SharedMemory does on Windows; a mapping handle
 * is not a descriptor, so it waits for the Windows mapping path. Windows has no
 * unlink: a named mapping ends with its last handle.
 */
int mm_open_shared(const char *name, bool create, uint64_t size, int *fd, uint64_t *object_size,
                   const char **syscall) {
  (void)name, (void)create, (void)size, (void)fd, (void)object_size;
  return unsupported(syscall);
}

int mm_unlink_shared(const char *name, const char **syscall) {
  (void)name;
  return unsupported(syscall);
}

void mm_release_fd(mm_map *map) {
  map->fd = -1;
}

int mm_map_file(mm_map *map, int fd, mm_access access, uint64_t offset, size_t length, uint64_t grow_to,
                const char **syscall) {
  (void)map, (void)fd, (void)access, (void)offset, (void)length, (void)grow_to;
  return unsupported(syscall);
}

int mm_sync(void *address, size_t length) {
  (void)address, (void)length;
  return ENOSYS;
}

int mm_flush(const mm_map *map, size_t offset, size_t length) {
  (void)map, (void)offset, (void)length;
  return ENOSYS;
}

int mm_resize(mm_map *map, size_t new_length, mm_region **retired, const char **syscall) {
  (void)map, (void)new_length, (void)retired;
  return unsupported(syscall);
}

int mm_advise(const mm_map *map, mm_advice advice, size_t offset, size_t length) {
  (void)map, (void)advice, (void)offset, (void)length;
  return ENOSYS;
}

int mm_residency(const mm_map *map, uint64_t *resident_bytes) {
  (void)map;
  *resident_bytes = 0;
  return ENOSYS;
}

void mm_region_ref(mm_region *region) {
  atomic_fetch_add(&region->refs, 1);
}

void mm_region_unref(mm_region *region) {
  if (atomic_fetch_sub(&region->refs, 1) == 1) free(region);
}

void mm_region_retire(mm_region *region) {
  mm_region_unref(region);
}

#endif /* _WIN32 */

/* Windows refuses to truncate a mapped file, so a map there is never truncated. */
bool mm_truncated(const mm_map *map) {
  (void)map;
  return false;
}

bool mm_file_covers(mm_map *map, size_t end) {
  (void)map;
  (void)end;
  return true;
}
