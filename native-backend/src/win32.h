/*
 * What the Windows files share (map_win32.c, open_win32.c, advise_win32.c,
 * errors_win32.c): how a HANDLE travels as map.h's int descriptor, the
 * GetLastError translation, and UTF-8 to UTF-16.
 */
#ifndef PORTABLE_MMAP_WIN32_H
#define PORTABLE_MMAP_WIN32_H

#ifdef _WIN32

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* Windows 7: what Node 20 and Wine report; newer calls go through GetProcAddress */
#endif
#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "map.h"

/*
 * map.h's descriptors are ints, and the addon's JS side only passes them back.
 * On Windows a descriptor is a kernel HANDLE, not a CRT fd: kernel handles are
 * multiples of 4 that fit in 32 bits (Windows keeps them so for 32-bit interop:
 * HandleToLong/LongToHandle), so they travel as positive ints with no table and
 * no global state, and -1 stays "none". The kernel ignores a handle's two low
 * bits; bit 0 marks a named mapping (a section, from openShared) apart from a file.
 */
#define MM_SECTION_BIT 1

static inline int mm_fd_of(HANDLE handle, bool section) {
  return (int)(HandleToLong(handle) | (section ? MM_SECTION_BIT : 0));
}
static inline HANDLE mm_handle_of(int fd) {
  return LongToHandle(fd & ~MM_SECTION_BIT);
}
static inline bool mm_is_section(int fd) {
  return (fd & MM_SECTION_BIT) != 0;
}

/*
 * What a region's `guard` word says on Windows, where there is no SIGBUS guard
 * (MM_GUARD_NONE, -1: a live file view). After mm_region_retire, or a shrinking
 * resize, the range holds anonymous pages (VirtualAlloc) or nothing at all.
 */
#define MM_WIN_ANONYMOUS (-2)
#define MM_WIN_UNMAPPED (-3)

/* The errno (as map.h returns them) for a Win32 error code, in the words Node's fs uses. */
int mm_errno_of(DWORD error);
/* GetLastError() translated, with `name` as the failing call. */
int mm_fail(const char *name, const char **syscall);
/*
 * `text` (UTF-8) as a new UTF-16 string, or NULL with *err set (EINVAL: not
 * UTF-8; ENOMEM). The caller frees it.
 */
wchar_t *mm_wide(const char *text, int *err);

/* Maps [offset, offset + length) of a file or section handle (length > 0); map_win32.c. */
int mm_win_map_view(HANDLE handle, bool section, mm_access access, uint64_t offset, size_t length,
                    mm_map *map, const char **syscall);

#endif /* _WIN32 */
#endif
