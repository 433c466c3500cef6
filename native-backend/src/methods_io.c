/*
 * The callbacks that read, write and search the mapped bytes, each of one
 * shape: read the arguments, re-check state and bounds, touch the memory,
 * build the result. copyOut, copyIn, fill and move serve maps over 4 GiB,
 * which no one buffer covers; smaller maps go through a buffer() view.
 */
#include <stdint.h>
#include <string.h>

#include "napi_args.h"
#include "sigbus.h"

// ─── the mapped bytes ───

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

static void release_flag(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  mm_flag_unref(hint);
}

/*
 * truncationFlag(handle) → a 4-byte ArrayBuffer over the region's truncation word
 * (non-zero once the SIGBUS guard caught a touch past the file's end), or undefined
 * for a zero-length map. Reading it costs a load, so typed getters can check it
 * after every access. It holds the word, not the region (map.h, mm_flag): after
 * close() or resize() it only ever reads a word nobody sets any more.
 */
napi_value method_truncation_flag(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  mm_handle *handle;
  if (!get_args(env, info, 1, argv) || !get_open(env, argv[0], &handle)) return NULL;
  if (handle->map.region == NULL) return undefined(env);
  mm_flag *flag = handle->map.region->flag;
  napi_value buffer;
  /* The reference is taken first: Node may run the finalizer before the call returns. */
  mm_flag_ref(flag);
  napi_status status = napi_create_external_arraybuffer(env, (void *)&flag->word, sizeof(int32_t), release_flag, flag, &buffer);
  if (status != napi_ok) {
    if (status == napi_no_external_buffers_allowed) mm_flag_unref(flag);
    throw_napi_failure(env, status, "napi_create_external_arraybuffer");
    return NULL;
  }
  return buffer;
}

/* guardCaught() → faults the SIGBUS guard caught in this process (for tests). */
napi_value method_guard_caught(napi_env env, napi_callback_info info) {
  (void)info;
  return number(env, (double)mm_guard_caught());
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
  if (!check_intact(env, &handle->map)) return NULL;
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
  /* SAFETY: offset + length <= map.length, checked above, so source + length stays in the map. */
  const uint8_t *source = handle->map.data + offset;
  if (target < source + length && source < target + length) {
    throw_type(env, "target must not overlap the map");
    return NULL;
  }
  /* SAFETY: source holds length bytes (above), target holds length bytes, ends capacity / 4 aligned slots. */
  size_t count = mm_copy_lines(target, source, length, (int32_t *)(void *)ends_bytes, capacity / sizeof(int32_t));
  if (!check_intact(env, &handle->map)) return NULL;
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
  if (!check_intact(env, &handle->map)) return NULL;
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
  if (!check_intact(env, &handle->map)) return NULL;
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
  if (!check_intact(env, &handle->map)) return NULL;
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
  if (!check_intact(env, &handle->map)) return NULL;
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

// ─── through a lease ───

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
  /* SAFETY: offset + count <= map.length, clipped above; after close() the lease keeps the region. */
  if (count > 0) memmove(target, map->data + offset, count);
  if (!check_intact(env, map)) return NULL;
  return number(env, (double)count);
}
