/*
 * What the Node-API side of the addon shares: the handle behind a JS map
 * object, the external ArrayBuffers handed out over its mapping, async
 * flushes, and the callbacks addon.c exports. Argument decoding is in
 * napi_args.h, handle and lease lifetime in handle.h.
 */
#ifndef PORTABLE_MMAP_ADDON_H
#define PORTABLE_MMAP_ADDON_H

#include <node_api.h>
#include <stdbool.h>

#include "errors.h"
#include "map.h"

/* Weak references to every external ArrayBuffer handed out over the current region. */
typedef struct view_list {
  napi_ref *refs;
  size_t count;
  size_t capacity;
} view_list;

/*
 * The state behind one map: the mapping, the buffers over it, and who keeps it
 * alive: the JS handle and each stream lease. close() ends it for callers at
 * once; the region stays mapped to the file while a lease still reads, and the
 * last owner frees the handle.
 */
typedef struct mm_handle {
  mm_map map;
  view_list views;
  /* Plain counts: a handle is touched only on the JS thread (callbacks and finalizers). */
  long owners;   /* the JS handle + live leases */
  long leases;
  bool closed;
} mm_handle;

/* A stream's claim on a handle's storage. */
typedef struct mm_lease {
  mm_handle *handle;
  bool released;
} mm_lease;

/* views.c: external ArrayBuffers over [offset, offset + length) of the map; length > 0. */
napi_value views_create(napi_env env, mm_handle *handle, size_t offset, size_t length);
/* The same over `length` bytes at `address` inside the map's current region (a region word). */
napi_value views_over(napi_env env, mm_handle *handle, void *address, size_t length);
/* Detaches every buffer handed out (old views become zero-length) and forgets them. */
void views_detach_all(napi_env env, mm_handle *handle);
/* Forgets the buffers without detaching them (the map was collected; its views keep the region). */
void views_forget_all(napi_env env, mm_handle *handle);

/*
 * flush_async.c: queues msync of [address, address + length) of `region` on the libuv
 * pool, holding a reference to the region until `deferred` is settled. Out of memory
 * rejects the promise; false means a Node-API failure, thrown.
 */
bool flush_async_start(napi_env env, napi_deferred deferred, mm_region *region, void *address, size_t length);

/* methods_map.c (open, map, storage, leases, close) and methods_io.c (bytes): one callback per JS method. */
napi_value method_open(napi_env env, napi_callback_info info);
napi_value method_open_fd(napi_env env, napi_callback_info info);
napi_value method_close_fd(napi_env env, napi_callback_info info);
napi_value method_open_shared(napi_env env, napi_callback_info info);
napi_value method_unlink_shared(napi_env env, napi_callback_info info);
napi_value method_map(napi_env env, napi_callback_info info);
napi_value method_buffer(napi_env env, napi_callback_info info);
napi_value method_truncation_flag(napi_env env, napi_callback_info info);
napi_value method_guard_caught(napi_env env, napi_callback_info info);
napi_value method_copy_out(napi_env env, napi_callback_info info);
napi_value method_copy_in(napi_env env, napi_callback_info info);
napi_value method_copy_lines(napi_env env, napi_callback_info info);
napi_value method_fill(napi_env env, napi_callback_info info);
napi_value method_move(napi_env env, napi_callback_info info);
napi_value method_find(napi_env env, napi_callback_info info);
napi_value method_rfind(napi_env env, napi_callback_info info);
napi_value method_flush(napi_env env, napi_callback_info info);
napi_value method_flush_async(napi_env env, napi_callback_info info);
napi_value method_resize(napi_env env, napi_callback_info info);
napi_value method_advise(napi_env env, napi_callback_info info);
napi_value method_residency(napi_env env, napi_callback_info info);
napi_value method_lease(napi_env env, napi_callback_info info);
napi_value method_lease_copy(napi_env env, napi_callback_info info);
napi_value method_lease_release(napi_env env, napi_callback_info info);
napi_value method_close(napi_env env, napi_callback_info info);

#endif
