/*
 * POSIX named shared memory (shm_open/shm_unlink), behind map.h's
 * mm_open_shared and mm_unlink_shared; map() then maps the descriptor as a file.
 */
#ifndef _WIN32

#include "map.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glibc_compat.h" /* after the system headers: pins symbol versions */

/* "/name" in `path` (MM_SHARED_NAME_MAX + 2 bytes): the leading '/' POSIX wants and Python adds. */
static int shared_path(const char *name, char *path, const char *call, const char **syscall) {
  size_t length = strlen(name);
  if (length > MM_SHARED_NAME_MAX) {
    *syscall = call;
    return ENAMETOOLONG;
  }
  path[0] = '/';
  /* SAFETY: length <= MM_SHARED_NAME_MAX, checked above; path holds that, the '/' and the NUL. */
  memcpy(path + 1, name, length + 1);
  return 0;
}

int mm_open_shared(const char *name, bool create, uint64_t size, int *fd, uint64_t *object_size,
                   const char **syscall) {
  char path[MM_SHARED_NAME_MAX + 2];
  int err = shared_path(name, path, "shm_open", syscall);
  if (err != 0) return err;
  if (size > (uint64_t)INT64_MAX) {
    *syscall = "ftruncate";
    return EFBIG;
  }
  /* 0600, as Python's SharedMemory; O_EXCL makes an existing name EEXIST before anything changes. */
  int opened = shm_open(path, O_RDWR | (create ? O_CREAT | O_EXCL : 0), S_IRUSR | S_IWUSR);
  if (opened < 0) return mm_fail("shm_open", syscall);
  struct stat st;
  if (create) {
    if (ftruncate(opened, (off_t)size) != 0) err = mm_fail("ftruncate", syscall);
    else err = mm_reserve(opened, 0, size, syscall); /* a full /dev/shm is ENOSPC here, not SIGBUS at a store */
    /* The exact size asked for: macOS reports it rounded up to a page (st_size). */
    *object_size = size;
  } else if (fstat(opened, &st) != 0) {
    err = mm_fail("fstat", syscall);
  } else {
    *object_size = (uint64_t)st.st_size;
  }
  if (err != 0) {
    close(opened);
    if (create) shm_unlink(path); /* the name this call made must not outlive its failure */
    return err;
  }
  *fd = opened;
  return 0;
}

int mm_unlink_shared(const char *name, const char **syscall) {
  char path[MM_SHARED_NAME_MAX + 2];
  int err = shared_path(name, path, "shm_unlink", syscall);
  if (err != 0) return err;
  return shm_unlink(path) == 0 ? 0 : mm_fail("shm_unlink", syscall);
}

#endif /* !_WIN32 */
