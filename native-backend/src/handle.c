/*
 * Handle and lease lifetime. Only the JS thread runs this file (callbacks and
 * the finalizers of the externals), so the counts in mm_handle are plain.
 */
#include "handle.h"

#include <errno.h>
#include <stdlib.h>

const napi_type_tag HANDLE_TAG = {0x7a3c5e1f0b9d4a62ULL, 0x91e4d2b7c6a85f03ULL};
const napi_type_tag LEASE_TAG = {0x7a3c5e1f0b9d4a62ULL, 0x91e4d2b7c6a85f04ULL};

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

void lease_release(napi_env env, mm_lease *lease) {
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

/* An external over `data` with `tag`; if it cannot be made, `finalize` runs at once. */
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

napi_value handle_wrap(napi_env env, mm_handle *handle) {
  handle->owners = 1;
  return tagged_external(env, handle, finalize_handle, &HANDLE_TAG);
}

napi_value lease_wrap(napi_env env, mm_handle *handle) {
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

void handle_close(napi_env env, mm_handle *handle) {
  if (handle->closed) return;
  handle->closed = true;
  views_detach_all(env, handle);
  mm_release_fd(&handle->map);
  if (handle->leases == 0) end_storage(handle);
}
