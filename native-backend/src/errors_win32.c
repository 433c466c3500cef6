/*
 * Win32 error codes as the errno names Node's fs reports for the same failure
 * (libuv's uv_translate_sys_error table, for the codes a map can meet), so a
 * caller sees ENOENT or EACCES on Windows exactly as on Linux; errors.c then
 * builds the error as for any other errno.
 */
#ifdef _WIN32

#include "win32.h"

#include <errno.h>
#include <stdlib.h>

int mm_errno_of(DWORD error) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
    case ERROR_MOD_NOT_FOUND:
    case ERROR_INVALID_NAME: /* a path with '<', '|', … in it: libuv says ENOENT too */
    case ERROR_BAD_PATHNAME:
      return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
    case ERROR_NETWORK_ACCESS_DENIED:
    case ERROR_CANT_ACCESS_FILE:
      return EACCES;
    case ERROR_PRIVILEGE_NOT_HELD:
      return EPERM;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
      return EEXIST;
    case ERROR_DIRECTORY:
      return EISDIR;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      return ENOSPC;
    case ERROR_FILE_TOO_LARGE:
      return EFBIG;
    case ERROR_WRITE_PROTECT:
      return EROFS;
    /* A view of the file exists (here or in another process): the file cannot shrink under it. */
    case ERROR_USER_MAPPED_FILE:
    case ERROR_BUSY:
    case ERROR_PIPE_BUSY:
      return EBUSY;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT:
    case ERROR_NO_SYSTEM_RESOURCES:
      return ENOMEM;
    case ERROR_TOO_MANY_OPEN_FILES:
      return EMFILE;
    case ERROR_INVALID_HANDLE:
      return EBADF;
    case ERROR_FILENAME_EXCED_RANGE:
    case ERROR_BUFFER_OVERFLOW:
      return ENAMETOOLONG;
    case ERROR_NOT_SUPPORTED:
    case ERROR_CALL_NOT_IMPLEMENTED:
      return ENOTSUP;
    case ERROR_CANT_RESOLVE_FILENAME:
      return ELOOP;
    case ERROR_CRC:
    case ERROR_IO_DEVICE:
    case ERROR_SECTOR_NOT_FOUND:
      return EIO;
    /* An empty file or a range past its end: CreateFileMapping refuses a zero-size section. */
    case ERROR_FILE_INVALID:
    case ERROR_MAPPED_ALIGNMENT:
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_ADDRESS:
    case ERROR_NEGATIVE_SEEK:
    default:
      return EINVAL;
  }
}

int mm_fail(const char *name, const char **syscall) {
  *syscall = name;
  return mm_errno_of(GetLastError());
}

wchar_t *mm_wide(const char *text, int *err) {
  int count = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, NULL, 0);
  if (count <= 0) {
    *err = EINVAL;
    return NULL;
  }
  wchar_t *wide = malloc((size_t)count * sizeof *wide);
  if (wide == NULL) {
    *err = ENOMEM;
    return NULL;
  }
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text, -1, wide, count);
  return wide;
}

#endif /* _WIN32 */
