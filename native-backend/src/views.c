/*
 * External ArrayBuffers over a map's region. Each holds a reference to the
 * region, dropped by Node when the buffer's backing store is freed: when the
 * ArrayBuffer and every buffer it was moved into (a byte stream's enqueue,
 * ArrayBuffer.prototype.transfer on Node 21+) are gone. Node runs that finalizer
 * on the JS thread, from an immediate. (structuredClone and postMessage copy
 * external buffers instead of moving them.) close()/resize() detach the buffers they can still reach, so
 * old views become zero-length; memory that escaped by transfer keeps the
 * region mapped (as zero pages after close) until it is collected.
 */
#include "addon.h"

#include <errno.h>
#include <stdlib.h>

/* Largest external buffer Node 20 accepts (v8::TypedArray::kMaxLength on 64-bit). */
#define MAX_BUFFER_LENGTH ((uint64_t)1 << 32)

static void release_region(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  mm_region_unref(hint);
}

/* Drops references whose buffer was collected, so a long-lived map's list stays short. */
static void prune(napi_env env, view_list *list) {
  size_t kept = 0;
  for (size_t i = 0; i < list->count; i++) {
    napi_value buffer = NULL;
    if (napi_get_reference_value(env, list->refs[i], &buffer) == napi_ok && buffer != NULL) {
      list->refs[kept++] = list->refs[i];
    } else {
      napi_delete_reference(env, list->refs[i]);
    }
  }
  list->count = kept;
}

static bool remember(napi_env env, view_list *list, napi_value buffer) {
  if (list->count == list->capacity) prune(env, list);
  if (list->count == list->capacity) {
    size_t capacity = list->capacity < 4 ? 4 : list->capacity * 2;
    napi_ref *refs = realloc(list->refs, capacity * sizeof *refs);
    if (refs == NULL) {
      throw_errno(env, ENOMEM, "mmap", NULL);
      return false;
    }
    list->refs = refs;
    list->capacity = capacity;
  }
  NAPI_CHECK(env, napi_create_reference(env, buffer, 0, &list->refs[list->count]));
  list->count++;
  return true;
}

napi_value views_create(napi_env env, mm_handle *handle, size_t offset, size_t length) {
  mm_map *map = &handle->map;
  if (map->region == NULL || length == 0 || (uint64_t)length > MAX_BUFFER_LENGTH || offset > map->length ||
      length > map->length - offset) {
    throw_range(env, "a buffer must cover 1 to 2^32 bytes inside the map");
    return NULL;
  }
  /* SAFETY: [offset, offset + length) lies inside the map, checked above. */
  return views_over(env, handle, map->data + offset, length);
}

napi_value views_over(napi_env env, mm_handle *handle, void *address, size_t length) {
  mm_region *region = handle->map.region;
  napi_value buffer;
  /* The reference is taken first: Node may run the finalizer before the call returns. */
  mm_region_ref(region);
  napi_status status = napi_create_external_arraybuffer(env, address, length, release_region, region, &buffer);
  if (status != napi_ok) {
    /* Only this status is known to skip the finalizer; otherwise keep the reference
     * (a region that is never unmapped is a leak, not a use-after-free). */
    if (status == napi_no_external_buffers_allowed) mm_region_unref(region);
    throw_napi_failure(env, status, "napi_create_external_arraybuffer");
    return NULL;
  }
  if (!remember(env, &handle->views, buffer)) {
    napi_detach_arraybuffer(env, buffer);
    return NULL;
  }
  return buffer;
}

void views_detach_all(napi_env env, mm_handle *handle) {
  view_list *list = &handle->views;
  for (size_t i = 0; i < list->count; i++) {
    napi_value buffer = NULL;
    if (napi_get_reference_value(env, list->refs[i], &buffer) == napi_ok && buffer != NULL) {
      napi_detach_arraybuffer(env, buffer);
    }
    napi_delete_reference(env, list->refs[i]);
  }
  list->count = 0;
}

void views_forget_all(napi_env env, mm_handle *handle) {
  view_list *list = &handle->views;
  for (size_t i = 0; i < list->count; i++) napi_delete_reference(env, list->refs[i]);
  free(list->refs);
  list->refs = NULL;
  list->count = 0;
  list->capacity = 0;
}
