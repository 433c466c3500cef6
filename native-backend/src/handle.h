/*
 * Who keeps a map alive: the JS handle and each stream lease own the mm_handle
 * (handle->owners); the mapped region is counted apart (mm_region.refs), since
 * buffers and async flushes can outlive the handle.
 */
#ifndef PORTABLE_MMAP_HANDLE_H
#define PORTABLE_MMAP_HANDLE_H

#include "addon.h"

/* Tell our externals apart from any other addon's (Node-API 8 type tags). */
extern const napi_type_tag HANDLE_TAG;
extern const napi_type_tag LEASE_TAG;

/* The JS external for a freshly mapped handle, its first owner; on failure the handle is freed. */
napi_value handle_wrap(napi_env env, mm_handle *handle);
/* A new lease on an open handle, as a JS external: one more owner, one more lease. */
napi_value lease_wrap(napi_env env, mm_handle *handle);
/* Idempotent: the last lease of a closed map ends its storage; the last owner frees the handle. */
void lease_release(napi_env env, mm_lease *lease);
/* Idempotent: detaches the buffers, closes the descriptor, ends the storage once no lease reads. */
void handle_close(napi_env env, mm_handle *handle);

#endif
