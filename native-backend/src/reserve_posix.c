/*
 * Reserving the blocks the library adds to a file (map.h's mm_reserve): a store
 * into a mapped page the file system cannot allocate is a SIGBUS, so the call that
 * grows the file asks for the space up front and reports ENOSPC/EDQUOT itself.
 */
#ifndef _WIN32

#include "map.h"

#include <errno.h>
#include <fcntl.h>

#include "glibc_compat.h" /* after the system headers: pins symbol versions */

int mm_reserve(int fd, uint64_t from, uint64_t to, const char **syscall) {
  if (to <= from) return 0;
#if defined(__linux__)
  /* fallocate, not posix_fallocate: glibc's fallback writes a byte per block where the
   * file system has no fallocate, which is slow and changes nothing we need. */
  int result;
  do result = fallocate(fd, 0, (off_t)from, (off_t)(to - from));
  while (result != 0 && errno == EINTR);
  if (result == 0 || errno == EOPNOTSUPP || errno == ENOSYS) return 0;
  *syscall = "fallocate";
  return errno;
#else
  (void)fd;
  (void)syscall;
  return 0;
#endif
}

#endif /* !_WIN32 */
