/*
 * What a file's file system decides about mapping it: reserving the blocks the
 * library adds (mm_reserve: a store into a mapped page the file system cannot
 * allocate is a SIGBUS, so the call that grows the file asks for the space up front
 * and reports ENOSPC/EDQUOT itself), and refusing files of kernel pseudo file
 * systems (mm_pseudo_file), whose sizes and pages are not their contents.
 */
#ifndef _WIN32

#include "map.h"

#include <errno.h>
#include <fcntl.h>
#if defined(__linux__)
#include <sys/vfs.h>
#endif

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


bool mm_pseudo_file(int fd) {
#if defined(__linux__)
  /* The magic numbers of linux/magic.h: procfs, sysfs, debugfs, tracefs, securityfs,
   * configfs, cgroup v1 and v2, bpf, efivarfs. Their regular files are generated on
   * read: mmap fails (sysfs: ENODEV) or maps what is not the file's text. */
  static const unsigned long pseudo[] = {0x9fa0, 0x62656572, 0x64626720, 0x74726163, 0x73636673,
                                         0x62656570, 0x27e0eb, 0x63677270, 0xcafe4a11, 0xde5e81e4};
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) return false;
  for (size_t i = 0; i < sizeof pseudo / sizeof pseudo[0]; i++) {
    if ((unsigned long)fs.f_type == pseudo[i]) return true;
  }
#else
  (void)fd;
#endif
  return false;
}

#endif /* !_WIN32 */
