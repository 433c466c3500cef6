/*
 * One Node-API callback per JS method, each of one shape: read the arguments,
 * re-check what protects memory (state and bounds; types and friendly errors
 * are args.ts's job), call mm_*, build the result.
 */
#include "addon.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Tell our externals apart from any other addon's (Node-API 8 type tags). */
static const napi_type_tag HANDLE_TAG = {0x7a3c5e1f0b9d4a62ULL, 0x91e4d2b7c6a85f03ULL};
static const napi_type_tag LEASE_TAG = {0x7a3c5e1f0b9d4a62ULL, 0x91e4d2b7c6a85f04ULL};

/* The largest integer a JS number holds exactly. */
#define MAX_SAFE_INTEGER 9007199254740991.0

enum { MAX_ARGS = 5 };

// ─── arguments ───

static bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t argc = count;
  NAPI_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < count) {
    throw_type(env, "missing arguments");
    return false;
  }
  return true;
}

static bool get_u64(napi_env env, napi_value value, uint64_t *out) {
  double number;
  NAPI_CHECK(env, napi_get_value_double(env, value, &number));
  if (!(number >= 0 && number <= MAX_SAFE_INTEGER) || number != (double)(uint64_t)number) {
    throw_range(env, "expected a safe non-negative integer");
    return false;
  }
  *out = (uint64_t)number;
  return true;
}

static bool get_size(napi_env env, napi_value value, size_t *out) {
  uint64_t number;
  if (!get_u64(env, value, &number)) return false;
  if (number > SIZE_MAX) {
    throw_range(env, "expected a length this process can address");
    return false;
  }
  *out = (size_t)number;
  return true;
}

static bool get_int(napi_env env, napi_value value, int32_t min, int32_t max, int32_t *out) {
  NAPI_CHECK(env, napi_get_value_int32(env, value, out));
  if (*out < min || *out > max) {
    throw_range(env, "an integer argument is out of range");
    return false;
  }
  return true;
}

static size_t element_size(napi_typedarray_type type) {
  switch (type) {
    case napi_int16_array:
    case napi_uint16_array: return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array: return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array: return 8;
    default: return 1;
  }
}

/* The bytes of any ArrayBufferView (a detached one has none). */
static bool get_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  bool is_typed = false, is_dataview = false;
  void *bytes = NULL;
  NAPI_CHECK(env, napi_is_typedarray(env, value, &is_typed));
  if (is_typed) {
    napi_typedarray_type type;
    size_t count;
    NAPI_CHECK(env, napi_get_typedarray_info(env, value, &type, &count, &bytes, NULL, NULL));
    *length = count * element_size(type);
  } else {
    NAPI_CHECK(env, napi_is_dataview(env, value, &is_dataview));
    if (!is_dataview) {
      throw_type(env, "expected an ArrayBufferView");
      return false;
    }
    NAPI_CHECK(env, napi_get_dataview_info(env, value, length, &bytes, NULL, NULL));
  }
  if (bytes == NULL) *length = 0;
  *data = bytes;
  return true;
}

/* The data of an external this addon made with `tag`; anything else is a TypeError. */
static bool get_tagged(napi_env env, napi_value value, const napi_type_tag *tag, const char *what, void **out) {
  bool ours = false;
  NAPI_CHECK(env, napi_check_object_type_tag(env, value, tag, &ours));
  if (!ours) {
    throw_type(env, what);
    return false;
  }
  NAPI_CHECK(env, napi_get_value_external(env, value, out));
  return true;
}

static bool get_handle(napi_env env, napi_value value, mm_handle **out) {
  return get_tagged(env, value, &HANDLE_TAG, "expected a map handle", (void **)out);
}

static bool get_lease(napi_env env, napi_value value, mm_lease **out) {
  return get_tagged(env, value, &LEASE_TAG, "expected a lease", (void **)out);
}

/* A handle whose map is still open. */
static bool get_open(napi_env env, napi_value value, mm_handle **out) {
  if (!get_handle(env, value, out)) return false;
  if ((*out)->closed) {
    throw_code(env, "ERR_MMAP_CLOSED", "The map is closed");
    return false;
  }
  return true;
}

/* A map whose pages may be stored to. */
static bool get_writable(napi_env env, napi_value value, mm_handle **out) {
  if (!get_open(env, value, out)) return false;
  if ((*out)->map.access == MM_READ || !(*out)->map.writable) {
    throw_code(env, "ERR_MMAP_READ_ONLY", "The map is read-only");
    return false;
  }
  return true;
}

/* [offset, offset + length) lies inside the map. */
static bool check_range(napi_env env, const mm_map *map, size_t offset, size_t length) {
  if (offset <= map->length && length <= map->length - offset) return true;
  throw_range(env, "the range lies outside the map");
  return false;
}

static napi_value undefined(napi_env env) {
  napi_value result;
  NAPI_CALL(env, napi_get_undefined(env, &result));
  return result;
}

static napi_value number(napi_env env, double value) {
  napi_value result;
  NAPI_CALL(env, napi_create_double(env, value, &result));
  return result;
}

// ─── handle lifetime ───

/* close() with no lease left, or the last lease after close(): the region becomes zero pages. */
static void end_storage(mm_handle *handle) {
  if (handle->map.region != NULL) mm_region_retire(handle->map.region);
  handle->map.region = NULL;
  handle->map.data = NULL;
  handle->map.length = 0;
}

static void handle_unref(napi_env env, mm_handle *handle) {
  if (--handle->owners > 0) return;
  if (!handle->closed) {
    /* Collected without close(): views still reachable keep the region mapped to the file. */
    mm_release_fd(&handle->map);
    if (handle->map.region != NULL) mm_region_unref(handle->map.region);
  }
  views_forget_all(env, handle);
  free(handle);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)hint;
  handle_unref(env, data);
}

static void lease_release(napi_env env, mm_lease *lease) {
  if (lease->released) return;
  lease->released = true;
  mm_handle *handle = lease->handle;
  if (--handle->leases == 0 && handle->closed) end_storage(handle);
  handle_unref(env, handle);
}

static void finalize_lease(napi_env env, void *data, void *hint) {
  (void)hint;
  lease_release(env, data);
  free(data);
}

static napi_value tagged_external(napi_env env, void *data, napi_finalize finalize, const napi_type_tag *tag) {
  napi_value external;
  napi_status status = napi_create_external(env, data, finalize, NULL, &external);
  if (status != napi_ok) {
    finalize(env, data, NULL);
    throw_napi_failure(env, status, "napi_create_external");
    return NULL;
  }
  NAPI_CALL(env, napi_type_tag_object(env, external, tag));
  return external;
}

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

/* A string argument as UTF-8 in a new buffer (the caller frees it); NUL bytes are a TypeError. */
static char *get_string(napi_env env, napi_value value, const char *what) {
  size_t length;
  NAPI_CALL(env, napi_get_value_string_utf8(env, value, NULL, 0, &length));
  char *text = malloc(length + 1);
  if (text == NULL) {
    throw_errno(env, ENOMEM, "malloc", NULL);
    return NULL;
  }
  napi_status status = napi_get_value_string_utf8(env, value, text, length + 1, &length);
  if (status != napi_ok || strlen(text) != length) {
    free(text);
    throw_type(env, what);
    return NULL;
  }
  return text;
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
  handle->owners = 1;
  return tagged_external(env, handle, finalize_handle, &HANDLE_TAG);
}

// ─── memory ───

/* buffer(handle, offset, length) → an external ArrayBuffer over those bytes, detached by close()/resize(). */
napi_value method_buffer(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  mm_handle *handle;
  size_t offset, length;
  if (!get_args(env, info, 3, argv) || !get_open(env, argv[0], &handle) || !get_size(env, argv[1], &offset) ||
      !get_size(env, argv[2], &length)) {
    return NULL;
  }
  return views_create(env, handle, offset, length);
}

/* copyOut(handle, offset, target): copies target.byteLength bytes of the map into target. */
napi_value method_copy_out(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  mm_handle *handle;
  size_t offset, length;
  uint8_t *target;
  if (!get_args(env, info, 3, argv) || !get_open(env, argv[0], &handle) || !get_size(env, argv[1], &offset) ||
      !get_bytes(env, argv[2], &target, &length) || !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  /* SAFETY: offset + length <= map.length, checked above; memmove: target may alias the map. */
  if (length > 0) memmove(target, handle->map.data + offset, length);
  return undefined(env);
}

/*
 * copyLines(handle, offset, target, ends) → count: copies target.byteLength bytes of the
 * map into target, then writes the index of each '\n' in it to the Int32Array ends (at
 * most ends.length of them). One call per chunk lets cursor.lines() skip a search per line.
 */
napi_value method_copy_lines(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  mm_handle *handle;
  size_t offset, length, capacity;
  uint8_t *target, *ends_bytes;
  if (!get_args(env, info, 4, argv) || !get_open(env, argv[0], &handle) || !get_size(env, argv[1], &offset) ||
      !get_bytes(env, argv[2], &target, &length) || !get_bytes(env, argv[3], &ends_bytes, &capacity) ||
      !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  if (((uintptr_t)ends_bytes & (sizeof(int32_t) - 1)) != 0) {
    throw_type(env, "ends must be an Int32Array");
    return NULL;
  }
  /* A target over the map itself would overlap the copy; lines() always passes a fresh array. */
  const uint8_t *source = handle->map.data + offset;
  if (target < source + length && source < target + length) {
    throw_type(env, "target must not overlap the map");
    return NULL;
  }
  /* SAFETY: offset + length <= map.length, checked above; target holds length bytes, ends capacity slots. */
  size_t count = mm_copy_lines(target, source, length, (int32_t *)(void *)ends_bytes, capacity / sizeof(int32_t));
  return number(env, (double)count);
}

/* copyIn(handle, offset, source): copies source into the map at offset. */
napi_value method_copy_in(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  mm_handle *handle;
  size_t offset, length;
  uint8_t *source;
  if (!get_args(env, info, 3, argv) || !get_writable(env, argv[0], &handle) || !get_size(env, argv[1], &offset) ||
      !get_bytes(env, argv[2], &source, &length) || !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  /* SAFETY: offset + length <= map.length and the pages are writable, checked above. */
  if (length > 0) memmove(handle->map.data + offset, source, length);
  return undefined(env);
}

/* fill(handle, value, offset, length) */
napi_value method_fill(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  mm_handle *handle;
  int32_t value;
  size_t offset, length;
  if (!get_args(env, info, 4, argv) || !get_writable(env, argv[0], &handle) || !get_int(env, argv[1], 0, 255, &value) ||
      !get_size(env, argv[2], &offset) || !get_size(env, argv[3], &length) ||
      !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  /* SAFETY: offset + length <= map.length and the pages are writable, checked above. */
  if (length > 0) memset(handle->map.data + offset, value, length);
  return undefined(env);
}

/* move(handle, dest, src, count): memmove inside the map. */
napi_value method_move(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  mm_handle *handle;
  size_t dest, src, count;
  if (!get_args(env, info, 4, argv) || !get_writable(env, argv[0], &handle) || !get_size(env, argv[1], &dest) ||
      !get_size(env, argv[2], &src) || !get_size(env, argv[3], &count) ||
      !check_range(env, &handle->map, dest, count) || !check_range(env, &handle->map, src, count)) {
    return NULL;
  }
  /* SAFETY: both ranges lie inside the map, checked above. */
  if (count > 0) memmove(handle->map.data + dest, handle->map.data + src, count);
  return undefined(env);
}

typedef int64_t (*search_fn)(const uint8_t *, size_t, const uint8_t *, size_t);

static napi_value search(napi_env env, napi_callback_info info, search_fn search_range, bool backward) {
  napi_value argv[4];
  mm_handle *handle;
  uint8_t *needle;
  size_t nlen, start, end;
  if (!get_args(env, info, 4, argv) || !get_open(env, argv[0], &handle) || !get_bytes(env, argv[1], &needle, &nlen) ||
      !get_size(env, argv[2], &start) || !get_size(env, argv[3], &end) ||
      !check_range(env, &handle->map, start, end >= start ? end - start : SIZE_MAX)) {
    return NULL;
  }
  if (nlen == 0) return number(env, (double)(backward ? end : start));
  /* SAFETY: start <= end <= map.length, checked above. */
  int64_t found = search_range(handle->map.data + start, end - start, needle, nlen);
  return number(env, found < 0 ? -1.0 : (double)((size_t)found + start));
}

/* find(handle, needle, start, end) → the first match inside [start, end), or -1 */
napi_value method_find(napi_env env, napi_callback_info info) {
  return search(env, info, mm_find, false);
}

/* rfind(handle, needle, start, end) → the last match inside [start, end), or -1 */
napi_value method_rfind(napi_env env, napi_callback_info info) {
  return search(env, info, mm_rfind, true);
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
  if (handle->map.access == MM_WRITE) {
    int err = mm_flush(&handle->map, offset, length);
    if (err != 0) {
      throw_errno(env, err, "msync", NULL);
      return NULL;
    }
  }
  return undefined(env);
}

typedef struct flush_job {
  napi_async_work work;
  napi_deferred deferred;
  mm_region *region; /* held until the job completes, so the range stays mapped */
  void *address;
  size_t length;
  int err;
} flush_job;

static void flush_execute(napi_env env, void *data) {
  (void)env;
  flush_job *job = data;
  job->err = mm_sync(job->address, job->length);
}

static void flush_complete(napi_env env, napi_status status, void *data) {
  flush_job *job = data;
  napi_value result = NULL;
  if (status == napi_ok && job->err == 0) {
    napi_get_undefined(env, &result);
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    result = errno_error(env, job->err != 0 ? job->err : ECANCELED, "msync", NULL);
    if (result == NULL) napi_get_undefined(env, &result);
    napi_reject_deferred(env, job->deferred, result);
  }
  mm_region_unref(job->region);
  napi_delete_async_work(env, job->work);
  free(job);
}

/* flushAsync(handle, offset, length) → Promise: the same msync, off the event loop. */
napi_value method_flush_async(napi_env env, napi_callback_info info) {
  napi_value argv[3], promise, name;
  napi_deferred deferred;
  mm_handle *handle;
  size_t offset, length;
  if (!get_args(env, info, 3, argv) || !get_open(env, argv[0], &handle) || !get_size(env, argv[1], &offset) ||
      !get_size(env, argv[2], &length) || !check_range(env, &handle->map, offset, length)) {
    return NULL;
  }
  NAPI_CALL(env, napi_create_promise(env, &deferred, &promise));
  if (handle->map.access != MM_WRITE || handle->map.region == NULL || length == 0) {
    napi_value nothing = undefined(env);
    NAPI_CALL(env, napi_resolve_deferred(env, deferred, nothing));
    return promise;
  }
  flush_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_reject_deferred(env, deferred, errno_error(env, ENOMEM, "msync", NULL));
    return promise;
  }
  job->deferred = deferred;
  job->region = handle->map.region;
  job->address = handle->map.data + offset;
  job->length = length;
  NAPI_CALL(env, napi_create_string_utf8(env, "portable-mmap:flush", NAPI_AUTO_LENGTH, &name));
  napi_status status = napi_create_async_work(env, NULL, name, flush_execute, flush_complete, job, &job->work);
  if (status == napi_ok) {
    status = napi_queue_async_work(env, job->work);
    if (status != napi_ok) napi_delete_async_work(env, job->work);
  }
  if (status != napi_ok) {
    free(job);
    throw_napi_failure(env, status, "napi_queue_async_work");
    return NULL;
  }
  mm_region_ref(job->region);
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
  if (handle->map.access != MM_WRITE) {
    throw_code(env, "ERR_MMAP_READ_ONLY", "resize() needs a 'write' map");
    return NULL;
  }
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
  mm_lease *lease = malloc(sizeof *lease);
  if (lease == NULL) {
    throw_errno(env, ENOMEM, "mmap", NULL);
    return NULL;
  }
  lease->handle = handle;
  lease->released = false;
  handle->leases++;
  handle->owners++;
  return tagged_external(env, lease, finalize_lease, &LEASE_TAG);
}

/* leaseCopy(lease, offset, target) → bytes copied, clipped at the map's current length. */
napi_value method_lease_copy(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  mm_lease *lease;
  size_t offset, length;
  uint8_t *target;
  if (!get_args(env, info, 3, argv) || !get_lease(env, argv[0], &lease) || !get_size(env, argv[1], &offset) ||
      !get_bytes(env, argv[2], &target, &length)) {
    return NULL;
  }
  if (lease->released) {
    throw_code(env, "ERR_MMAP_CLOSED", "The lease was released");
    return NULL;
  }
  const mm_map *map = &lease->handle->map;
  /* A shrinking resize() may have cut the map (and the file) since the stream began. */
  size_t count = offset >= map->length ? 0 : map->length - offset;
  if (count > length) count = length;
  /* SAFETY: offset + count <= map.length, clipped above. */
  if (count > 0) memmove(target, map->data + offset, count);
  return number(env, (double)count);
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
  if (!handle->closed) {
    handle->closed = true;
    views_detach_all(env, handle);
    mm_release_fd(&handle->map);
    if (handle->leases == 0) end_storage(handle);
  }
  return undefined(env);
}
