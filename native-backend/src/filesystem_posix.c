/*
 * Opening the file to map (by path, or a duplicate of the caller's descriptor), and
 * what a file and its file system decide about mapping it: what can be mapped at
 * all (mm_inspect: regular files and block devices; never FIFOs, sockets, character
 * devices or the files of kernel pseudo file systems, whose sizes and pages are not
 * their contents), and reserving the blocks the library adds (mm_reserve: a store
 * into a mapped page the file system cannot allocate is a SIGBUS, so the call that
 * grows the file asks for the space up front and reports ENOSPC/EDQUOT itself).
 */
#ifndef _WIN32

#include "map.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/vfs.h>
#endif

#include "glibc_compat.h" /* after the system headers: pins symbol versions */

int mm_open_path(const char *path, mm_access access, int *fd, uint64_t *size, const char **syscall) {
  /* O_NONBLOCK: opening a FIFO must not hang; it has no effect on regular files. */
  int flags = (access == MM_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK;
  int opened = open(path, flags);
  if (opened < 0) return mm_fail("open", syscall);
  int err = mm_inspect(opened, size, syscall);
  if (err == 0) *fd = opened;
  return err;
}

int mm_open_fd(int caller_fd, mm_access access, int *fd, uint64_t *size, const char **syscall) {
  int mode = fcntl(caller_fd, F_GETFL);
  if (mode < 0) return mm_fail("fcntl", syscall);
  /* What mmap would refuse (EACCES), refused up front, also for an empty file. */
  mode &= O_ACCMODE;
  if (mode == O_WRONLY || (access == MM_WRITE && mode != O_RDWR)) {
    *syscall = "mmap";
    return EACCES;
  }
  /* A duplicate: the caller may close or reuse its number; ftruncate must never hit another file. */
  int copy = fcntl(caller_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return mm_fail("dup", syscall);
  int err = mm_inspect(copy, size, syscall);
  if (err == 0) *fd = copy;
  return err;
}

void mm_close_fd(int fd) {
  if (fd >= 0) close(fd);
}

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


/* Whether `fd` is a file of a kernel pseudo file system (procfs, sysfs, …). */
static bool pseudo_file(int fd) {
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

int mm_inspect(int fd, uint64_t *size, const char **syscall) {
  struct stat st;
  int err = 0;
  if (fstat(fd, &st) != 0) {
    err = mm_fail("fstat", syscall);
  } else if (S_ISDIR(st.st_mode)) {
    *syscall = "open";
    err = EISDIR;
  } else if (S_ISREG(st.st_mode)) {
    *size = (uint64_t)st.st_size;
    if (pseudo_file(fd)) {
      *syscall = "mmap";
      err = ENODEV;
    }
  } else if (S_ISBLK(st.st_mode)) {
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) err = mm_fail("lseek", syscall);
    else *size = (uint64_t)end;
  } else {
    /* FIFOs, sockets, character devices: nothing mmap can page in by position. */
    *syscall = "mmap";
    err = ENODEV;
  }
  if (err != 0) close(fd);
  return err;
}

#endif /* !_WIN32 */
