/*
 * Pins the glibc symbols the addon needs to versions glibc 2.28 already had.
 *
 * The Linux prebuilds are built on a newer glibc (Debian 12: 2.36) but must
 * load wherever Node 20 runs, which needs glibc >= 2.28 (RHEL 8, Debian 10,
 * Ubuntu 20.04). A symbol links against the newest version the build's glibc
 * defines, so without this header the addon needs:
 *   - shm_open, shm_unlink, pthread_once @GLIBC_2.34: glibc 2.34 moved them
 *     from librt and libpthread into libc and gave them a new version. libc
 *     still exports the old versions, so `.symver` binds to those; on an older
 *     glibc the same versions are found in librt.so.1 and libpthread.so.0,
 *     which the prebuild names as needed libraries (scripts/prebuild.mjs links
 *     them with --no-as-needed; Node itself already loads libpthread).
 *   - fstat @GLIBC_2.33: before 2.33 fstat was an inline wrapper in the
 *     headers around __fxstat64(_STAT_VER, …), which every glibc still exports
 *     at its base version. fstat() below is that wrapper again.
 * Every build on glibc >= 2.33/2.34 (not only the prebuilds) uses the pins, so
 * the test suite runs the exact calls the prebuilds make; they resolve to the
 * same functions. Other C libraries (musl, macOS) and older glibc are left
 * alone. test/platforms/glibc.test.ts fails on any version newer than 2.28.
 * Include this after the system headers that declare the pinned functions.
 */
#ifndef PORTABLE_MMAP_GLIBC_COMPAT_H
#define PORTABLE_MMAP_GLIBC_COMPAT_H

#if defined(__linux__) && defined(__GLIBC__)

#include <sys/stat.h>

/* The oldest version of every symbol on each architecture (aarch64 began at 2.17). */
#if defined(__x86_64__)
#define PMM_GLIBC_BASE "GLIBC_2.2.5"
#define PMM_STAT_VER 1 /* _STAT_VER_LINUX in x86_64's old <bits/stat.h> */
#elif defined(__aarch64__)
#define PMM_GLIBC_BASE "GLIBC_2.17"
#define PMM_STAT_VER 0 /* _STAT_VER_KERNEL in the generic old <bits/stat.h> */
#endif

#if defined(PMM_GLIBC_BASE) && __GLIBC_PREREQ(2, 34)
__asm__(".symver shm_open,shm_open@" PMM_GLIBC_BASE);
__asm__(".symver shm_unlink,shm_unlink@" PMM_GLIBC_BASE);
__asm__(".symver pthread_once,pthread_once@" PMM_GLIBC_BASE);
#endif

#if defined(PMM_GLIBC_BASE) && __GLIBC_PREREQ(2, 33)
/* Headers from 2.33 on no longer declare it. On 64-bit Linux `struct stat` is `struct stat64`. */
extern int __fxstat64(int version, int fd, struct stat *buf);

static inline int pmm_fstat(int fd, struct stat *buf) {
  return __fxstat64(PMM_STAT_VER, fd, buf);
}
#define fstat(fd, buf) pmm_fstat((fd), (buf))
#endif

#endif /* __linux__ && __GLIBC__ */

#endif
