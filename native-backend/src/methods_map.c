/*
 * The callbacks that open, map, resize and close: one Node-API callback per JS
 * method, each of one shape: read the arguments, re-check what protects memory
 * (state and bounds; types and friendly errors are args.ts's job), call mm_*,
 * build the result.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "handle.h"
#include "napi_args.h"

// ─── opening ───

static napi_value fd_and_size(napi_env env, int fd, uint64_t size) {
  napi_value result, fd_value, size_value;
  if (napi_create_array_with_length(env, 2, &result) != napi_ok || napi_create_int32(env, fd, &fd_value) != napi_ok ||
      napi_create_double(env, (double)size, &size_value) != napi_ok ||
      napi_set_element(env, result, 0, fd_value) != napi_ok || napi_set_element(env, result, 1, size_value) != napi_ok) {
    mm_close_fd(fd);
    throw_napi_failure(env, napi_generic_failure, "fd_and_size");
    return NULL;
  }
  return result;
}

/* open(path, access) → [fd, fileSize] */
napi_value method_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t access;
  char *path;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[1], MM_READ, MM_COPY, &access) ||
      (path = get_string(env, argv[0], "a path must be a string without NUL bytes")) == NULL) {
    return NULL;
  }
  int fd;
  uint64_t size;
  const char *syscall;
  int err = mm_open_path(path, (mm_access)access, &fd, &size, &syscall);
  if (err != 0) throw_errno(env, err, syscall, path);
  free(path);
  return err != 0 ? NULL : fd_and_size(env, fd, size);
}

static const char *const NAME_RULE = "a shared memory name must be a string without NUL bytes";

/*
 * openShared(name, create, size) → [fd, objectSize]: name without the leading '/'; a
 * read-write descriptor for map(). A name this call created is removed again if the
 * result cannot be built.
 */
napi_value method_open_shared(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  bool create;
  uint64_t size;
  char *name;
  if (!get_args(env, info, 3, argv) || !get_u64(env, argv[2], &size)) return NULL;
  NAPI_CALL(env, napi_get_value_bool(env, argv[1], &create));
  if ((name = get_string(env, argv[0], NAME_RULE)) == NULL) return NULL;
  int fd;
  uint64_t object_size;
  const char *syscall;
  int err = mm_open_shared(name, create, size, &fd, &object_size, &syscall);
  napi_value result = NULL;
  if (err != 0) {
    throw_errno(env, err, syscall, name);
  } else if ((result = fd_and_size(env, fd, object_size)) == NULL && create) {
    (void)mm_unlink_shared(name, &syscall);
  }
  free(name);
  return result;
}

/* unlinkShared(name): removes the name (ENOENT if there is none). */
napi_value method_unlink_shared(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char *name;
  if (!get_args(env, info, 1, argv) || (name = get_string(env, argv[0], NAME_RULE)) == NULL) return NULL;
  const char *syscall;
  int err = mm_unlink_shared(name, &syscall);
  if (err != 0) throw_errno(env, err, syscall, name);
  free(name);
  return err != 0 ? NULL : undefined(env);
}

/* openFd(callerFd, access) → [fd, fileSize]; fd is a close-on-exec duplicate. */
napi_value method_open_fd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t caller_fd, access;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], 0, INT32_MAX, &caller_fd) ||
      !get_int(env, argv[1], MM_READ, MM_COPY, &access)) {
    return NULL;
  }
  int fd;
  uint64_t size;
  const char *syscall;
  int err = mm_open_fd(caller_fd, (mm_access)access, &fd, &size, &syscall);
  if (err != 0) {
    throw_errno(env, err, syscall, NULL);
    return NULL;
  }
  return fd_and_size(env, fd, size);
}

/* closeFd(fd): gives back a descriptor from open()/openFd() that map() did not take. */
napi_value method_close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!get_args(env, info, 1, argv) || !get_int(env, argv[0], 0, INT32_MAX, &fd)) return NULL;
  mm_close_fd(fd);
  return undefined(env);
}

/* map(fd, access, offset, length, growTo) → handle. Takes the descriptor in every case. */
napi_value method_map(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd = -1, access;
  uint64_t offset, grow_to;
  size_t length;
  if (!get_args(env, info, 5, argv) || !get_int(env, argv[0], 0, INT32_MAX, &fd) ||
      !get_int(env, argv[1], MM_READ, MM_COPY, &access) || !get_u64(env, argv[2], &offset) ||
      !get_size(env, argv[3], &length) || !get_u64(env, argv[4], &grow_to)) {
    mm_close_fd(fd);
    return NULL;
  }
  mm_handle *handle = calloc(1, sizeof *handle);
  if (handle == NULL) {
    mm_close_fd(fd);
    throw_errno(env, ENOMEM, "mmap", NULL);
    return NULL;
  }
  const char *syscall;
  int err = mm_map_file(&handle->map, fd, (mm_access)access, offset, length, grow_to, &syscall);
  if (err != 0) {
    free(handle);
    throw_errno(env, err, syscall, NULL);
    return NULL;
  }
  return handle_wrap(env, handle);
}

// ─── storage ───

/* flush(handle, offset, length): msync(MS_SYNC) of that range of a 'write' map. */
napi_value method_flush(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  mm_handle *handle;
  size_t offset, length;
  if (!get_args(env, info, 3, argv) || !get_open(env, argv[0], &handle) || !get_size(env, argv[1], &offset) ||
      !get_size(env, argv[2], &length) || !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  /* Policy repeated as defence in depth (MapBase.flush skips other maps too): only 'write' maps reach the file. */
  if (handle->map.access == MM_WRITE) {
    int err = mm_flush(&handle->map, offset, length);
    if (err != 0) {
      throw_errno(env, err, "msync", NULL);
      return NULL;
    }
    /* What lies inside the file was written; a range the file no longer covers is reported. */
    if (length > 0 && !mm_file_covers(&handle->map, offset + length)) return throw_truncated(env);
  }
  return undefined(env);
}

/* flushAsync(handle, offset, length) → Promise: the same msync, off the event loop. */
napi_value method_flush_async(napi_env env, napi_callback_info info) {
  napi_value argv[3], promise;
  napi_deferred deferred;
  mm_handle *handle;
  size_t offset, length;
  if (!get_args(env, info, 3, argv) || !get_open(env, argv[0], &handle) || !get_size(env, argv[1], &offset) ||
      !get_size(env, argv[2], &length) || !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  NAPI_CALL(env, napi_create_promise(env, &deferred, &promise));
  /* The same defence in depth as flush(); a zero-length map or range has nothing to write. */
  if (handle->map.access != MM_WRITE || handle->map.region == NULL || length == 0) {
    napi_value nothing = undefined(env);
    NAPI_CALL(env, napi_resolve_deferred(env, deferred, nothing));
    return promise;
  }
  if (!mm_file_covers(&handle->map, offset + length)) {
    napi_value error = truncated_error(env);
    if (error == NULL) return NULL;
    NAPI_CALL(env, napi_reject_deferred(env, deferred, error));
    return promise;
  }
  /* SAFETY: offset + length <= map.length, checked above; the job holds the region. */
  if (!flush_async_start(env, deferred, handle->map.region, handle->map.data + offset, length)) return NULL;
  return promise;
}

/* resize(handle, newLength): the file becomes offset + newLength bytes, mapped anew. */
napi_value method_resize(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  mm_handle *handle;
  size_t new_length;
  if (!get_args(env, info, 2, argv) || !get_writable(env, argv[0], &handle) || !get_size(env, argv[1], &new_length)) {
    return NULL;
  }
  /*
   * Defence in depth (MapBase.resize refuses first): a 'copy' map passes get_writable but keeps
   * no descriptor, so without this a direct call would fail later in mm_resize with EBADF.
   */
  if (handle->map.access != MM_WRITE) {
    throw_code(env, "ERR_MMAP_READ_ONLY", "resize() needs a 'write' map");
    return NULL;
  }
  /* The file shrank under the map: its picture of the file is gone, and resizing would extend it again. */
  if (!mm_file_covers(&handle->map, handle->map.length)) return throw_truncated(env);
  mm_region *retired = NULL;
  const char *syscall;
  int err = mm_resize(&handle->map, new_length, &retired, &syscall);
  if (err != 0) {
    throw_errno(env, err, syscall, NULL);
    return NULL;
  }
  /* Every buffer handed out lies over the old region. */
  views_detach_all(env, handle);
  if (retired != NULL) mm_region_retire(retired);
  return undefined(env);
}

/* advise(handle, advice, offset, length) */
napi_value method_advise(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  mm_handle *handle;
  int32_t advice;
  size_t offset, length;
  if (!get_args(env, info, 4, argv) || !get_open(env, argv[0], &handle) ||
      !get_int(env, argv[1], MM_ADVICE_NORMAL, MM_ADVICE_DONTNEED, &advice) || !get_size(env, argv[2], &offset) ||
      !get_size(env, argv[3], &length) || !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  int err = mm_advise(&handle->map, (mm_advice)advice, offset, length);
  if (err != 0) {
    throw_errno(env, err, "madvise", NULL);
    return NULL;
  }
  return undefined(env);
}

/* residency(handle) → bytes of the map resident in memory (mincore) */
napi_value method_residency(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  mm_handle *handle;
  if (!get_args(env, info, 1, argv) || !get_open(env, argv[0], &handle)) return NULL;
  uint64_t resident;
  int err = mm_residency(&handle->map, &resident);
  if (err != 0) {
    throw_errno(env, err, "mincore", NULL);
    return NULL;
  }
  return number(env, (double)resident);
}

// ─── leases and close ───

/* lease(handle) → a lease that keeps the mapping readable after close() until released. */
napi_value method_lease(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  mm_handle *handle;
  if (!get_args(env, info, 1, argv) || !get_open(env, argv[0], &handle)) return NULL;
  return lease_wrap(env, handle);
}

/* leaseRelease(lease): idempotent; the last lease of a closed map ends its storage. */
napi_value method_lease_release(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  mm_lease *lease;
  if (!get_args(env, info, 1, argv) || !get_lease(env, argv[0], &lease)) return NULL;
  lease_release(env, lease);
  return undefined(env);
}

/* close(handle): idempotent. Views become zero-length; the file is let go at once. */
napi_value method_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  mm_handle *handle;
  if (!get_args(env, info, 1, argv) || !get_handle(env, argv[0], &handle)) return NULL;
  handle_close(env, handle);
  return undefined(env);
}
