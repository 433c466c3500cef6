/* Module init and the export table of the portable-mmap addon. */
#include "addon.h"

#include <stdlib.h>

static void free_probe(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* Why this process cannot use the addon, or NULL. Electron and other sandboxed
 * V8 builds refuse external ArrayBuffers; that is reported, not worked around. */
static const char *unavailable_reason(napi_env env) {
  const char *platform = mm_unavailable();
  if (platform != NULL) return platform;
  void *byte = malloc(1);
  if (byte == NULL) return "out of memory while probing external ArrayBuffers";
  napi_value probe;
  napi_status status = napi_create_external_arraybuffer(env, byte, 1, free_probe, NULL, &probe);
  if (status == napi_ok) return NULL;
  if (status == napi_no_external_buffers_allowed) {
    free(byte);
    return "this runtime forbids external ArrayBuffers (napi_no_external_buffers_allowed), so a mapping "
           "cannot be exposed without copying";
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  return "napi_create_external_arraybuffer failed while probing";
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value page_size, granularity, reason;
  NAPI_CALL(env, napi_create_double(env, (double)mm_page_size(), &page_size));
  NAPI_CALL(env, napi_create_double(env, (double)mm_granularity(), &granularity));
  const char *why = unavailable_reason(env);
  if (why == NULL) NAPI_CALL(env, napi_get_undefined(env, &reason));
  else NAPI_CALL(env, napi_create_string_utf8(env, why, NAPI_AUTO_LENGTH, &reason));
#define METHOD(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL}
#define VALUE(name, value) {name, NULL, NULL, NULL, NULL, value, napi_enumerable, NULL}
  const napi_property_descriptor properties[] = {
      VALUE("pageSize", page_size),
      VALUE("allocationGranularity", granularity),
      VALUE("unavailable", reason),
      METHOD("open", method_open),
      METHOD("openFd", method_open_fd),
      METHOD("closeFd", method_close_fd),
      METHOD("openShared", method_open_shared),
      METHOD("unlinkShared", method_unlink_shared),
      METHOD("map", method_map),
      METHOD("buffer", method_buffer),
      METHOD("truncationFlag", method_truncation_flag),
      METHOD("guardCaught", method_guard_caught),
      METHOD("copyOut", method_copy_out),
      METHOD("copyIn", method_copy_in),
      METHOD("copyLines", method_copy_lines),
      METHOD("fill", method_fill),
      METHOD("move", method_move),
      METHOD("find", method_find),
      METHOD("rfind", method_rfind),
      METHOD("flush", method_flush),
      METHOD("flushAsync", method_flush_async),
      METHOD("resize", method_resize),
      METHOD("advise", method_advise),
      METHOD("residency", method_residency),
      METHOD("lease", method_lease),
      METHOD("leaseCopy", method_lease_copy),
      METHOD("leaseRelease", method_lease_release),
      METHOD("close", method_close),
  };
#undef METHOD
#undef VALUE
  NAPI_CALL(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
