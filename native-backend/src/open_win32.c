/*
 * Windows: opening files (CreateFileW, or a duplicate of a caller's descriptor)
 * and named shared memory (CreateFileMappingW / OpenFileMappingW, as Python's
 * multiprocessing.shared_memory does on Windows). Descriptors are HANDLEs; see win32.h.
 */
#ifdef _WIN32

#include "win32.h"

#include <errno.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>

size_t mm_page_size(void) {
  SYSTEM_INFO info;
  GetSystemInfo(&info);
  return info.dwPageSize > 0 ? info.dwPageSize : 4096;
}

/* A view starts at a multiple of this (64 KiB), not of the page size. */
size_t mm_granularity(void) {
  SYSTEM_INFO info;
  GetSystemInfo(&info);
  return info.dwAllocationGranularity > 0 ? info.dwAllocationGranularity : 65536;
}

const char *mm_unavailable(void) {
  return NULL;
}

/* Checks what an open handle is and reports its size; closes it on failure. */
static int inspect(HANDLE handle, uint64_t *size, const char **syscall) {
  int err = 0;
  BY_HANDLE_FILE_INFORMATION info;
  LARGE_INTEGER end;
  if (GetFileType(handle) != FILE_TYPE_DISK) {
    /* Pipes, consoles, sockets: nothing a section can page in by position. */
    *syscall = "CreateFileMapping";
    err = ENODEV;
  } else if (!GetFileInformationByHandle(handle, &info)) {
    err = mm_fail("GetFileInformationByHandle", syscall);
  } else if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
    *syscall = "open";
    err = EISDIR;
  } else if (!GetFileSizeEx(handle, &end)) {
    err = mm_fail("GetFileSizeEx", syscall);
  } else {
    *size = (uint64_t)end.QuadPart;
  }
  if (err != 0) CloseHandle(handle);
  return err;
}

int mm_open_path(const char *path, mm_access access, int *fd, uint64_t *size, const char **syscall) {
  int err = 0;
  wchar_t *wide = mm_wide(path, &err);
  if (wide == NULL) {
    *syscall = "open";
    return err;
  }
  DWORD rights = access == MM_WRITE ? GENERIC_READ | GENERIC_WRITE : GENERIC_READ;
  /* Others may read, write, rename and delete the file while it is mapped, as on POSIX.
   * FILE_FLAG_BACKUP_SEMANTICS opens a directory too, so it is reported as EISDIR.
   * No SECURITY_ATTRIBUTES: the handle is not inherited (close-on-exec). */
  HANDLE handle = CreateFileW(wide, rights, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS, NULL);
  if (handle == INVALID_HANDLE_VALUE) {
    DWORD error = GetLastError();
    DWORD attributes = GetFileAttributesW(wide);
    free(wide);
    *syscall = "open";
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) return EISDIR;
    return mm_errno_of(error);
  }
  free(wide);
  err = inspect(handle, size, syscall);
  if (err == 0) *fd = mm_fd_of(handle, false);
  return err;
}

typedef intptr_t(__cdecl *uv_get_osfhandle_fn)(int fd);

/*
 * The OS handle behind a caller's descriptor. Node's fs descriptors are CRT fds
 * of node.exe's own (static) C runtime, which this DLL's msvcrt cannot see;
 * node.exe exports libuv's uv_get_osfhandle, which asks the right one. Without
 * it (another host), this DLL's CRT is asked.
 */
static HANDLE os_handle(int caller_fd) {
  uv_get_osfhandle_fn from_libuv =
      (uv_get_osfhandle_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(NULL), "uv_get_osfhandle");
  if (from_libuv != NULL) return (HANDLE)from_libuv(caller_fd);
  return (HANDLE)_get_osfhandle(caller_fd);
}

typedef LONG(NTAPI *query_object_fn)(HANDLE handle, int kind, void *info, ULONG bytes, ULONG *written);

/*
 * What mmap would refuse (EACCES), refused up front as on POSIX, also for an empty
 * file: a handle that cannot read, or cannot write for a 'write' map. The rights
 * are NtQueryObject's ObjectBasicInformation (GENERIC_* are mapped to FILE_* when a
 * file is opened); where that cannot answer, CreateFileMapping refuses later.
 */
static int check_access(HANDLE handle, mm_access access, const char **syscall) {
  query_object_fn query = (query_object_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryObject");
  struct {
    ULONG attributes;
    ACCESS_MASK granted;
    ULONG handles, pointers, reserved[10];
  } info; /* PUBLIC_OBJECT_BASIC_INFORMATION */
  if (query == NULL || query(handle, 0 /* ObjectBasicInformation */, &info, sizeof info, NULL) != 0) return 0;
  bool readable = (info.granted & FILE_READ_DATA) != 0;
  bool writable = (info.granted & FILE_WRITE_DATA) != 0;
  if (readable && (access != MM_WRITE || writable)) return 0;
  *syscall = "mmap";
  return EACCES;
}

int mm_open_fd(int caller_fd, mm_access access, int *fd, uint64_t *size, const char **syscall) {
  HANDLE caller = caller_fd < 0 ? INVALID_HANDLE_VALUE : os_handle(caller_fd);
  if (caller == INVALID_HANDLE_VALUE || caller == NULL) {
    *syscall = "dup";
    return EBADF;
  }
  int denied = check_access(caller, access, syscall);
  if (denied != 0) return denied;
  /* A duplicate: the caller may close or reuse its descriptor; not inheritable. */
  HANDLE copy;
  HANDLE self = GetCurrentProcess();
  if (!DuplicateHandle(self, caller, self, &copy, 0, FALSE, DUPLICATE_SAME_ACCESS)) return mm_fail("dup", syscall);
  int err = inspect(copy, size, syscall);
  if (err == 0) *fd = mm_fd_of(copy, false);
  return err;
}

void mm_close_fd(int fd) {
  if (fd >= 0) CloseHandle(mm_handle_of(fd));
}

void mm_release_fd(mm_map *map) {
  mm_close_fd(map->fd);
  map->fd = -1;
}

/*
 * Named shared memory: a section backed by the paging file, named as given
 * (Python's SharedMemory on Windows uses the name with no prefix either). The
 * size of an existing one is what VirtualQuery reports of a view of it (rounded
 * up to a page, as Python reports it on Windows).
 */
int mm_open_shared(const char *name, bool create, uint64_t size, int *fd, uint64_t *object_size,
                   const char **syscall) {
  const char *call = create ? "CreateFileMapping" : "OpenFileMapping";
  if (strlen(name) > MM_SHARED_NAME_MAX) {
    *syscall = call;
    return ENAMETOOLONG;
  }
  if (create && size == 0) {
    /* A section cannot be empty (ERROR_INVALID_PARAMETER); Python refuses size 0 too. */
    *syscall = call;
    return EINVAL;
  }
  int err = 0;
  wchar_t *wide = mm_wide(name, &err);
  if (wide == NULL) {
    *syscall = call;
    return err;
  }
  HANDLE section;
  if (create) {
    section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, (DWORD)(size >> 32),
                                 (DWORD)(size & 0xFFFFFFFFu), wide);
    if (section != NULL && GetLastError() == ERROR_ALREADY_EXISTS) {
      /* The existing object, not a new one: EEXIST, and it is left as it was. */
      CloseHandle(section);
      SetLastError(ERROR_ALREADY_EXISTS);
      section = NULL;
    }
  } else {
    section = OpenFileMappingW(FILE_MAP_READ | FILE_MAP_WRITE, FALSE, wide);
  }
  free(wide);
  if (section == NULL) return mm_fail(call, syscall);
  if (create) {
    *object_size = size;
  } else {
    void *view = MapViewOfFile(section, FILE_MAP_READ, 0, 0, 0);
    MEMORY_BASIC_INFORMATION info;
    if (view == NULL) {
      err = mm_fail("MapViewOfFile", syscall);
    } else {
      if (VirtualQuery(view, &info, sizeof info) == 0) err = mm_fail("VirtualQuery", syscall);
      else *object_size = (uint64_t)info.RegionSize;
      UnmapViewOfFile(view);
    }
    if (err != 0) {
      CloseHandle(section);
      return err;
    }
  }
  *fd = mm_fd_of(section, true);
  return 0;
}

/*
 * Windows has no unlink: a named section lives while a handle or view of it is
 * open, and goes with the last. Python's SharedMemory.unlink() does nothing there,
 * and so does this (not even ENOENT: the usual close-then-unlink would find the
 * name already gone).
 */
int mm_unlink_shared(const char *name, const char **syscall) {
  if (strlen(name) > MM_SHARED_NAME_MAX) {
    *syscall = "shm_unlink";
    return ENAMETOOLONG;
  }
  return 0;
}

#endif /* _WIN32 */
