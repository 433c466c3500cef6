/* Throw helpers: one pending exception per failed callback, Node's error shapes. */
#ifndef PORTABLE_MMAP_ERRORS_H
#define PORTABLE_MMAP_ERRORS_H

#include <node_api.h>

/*
 * Checks a Node-API call: on failure it leaves exactly one pending exception
 * (the engine's, or one describing the failed call) and returns `failed`.
 */
#define NAPI_CHECK_OR(env, call, failed)          \
  do {                                            \
    napi_status status_ = (call);                 \
    if (status_ != napi_ok) {                     \
      throw_napi_failure((env), status_, #call);  \
      return failed;                              \
    }                                             \
  } while (0)

/* Inside a callback: returns NULL. */
#define NAPI_CALL(env, call) NAPI_CHECK_OR(env, call, NULL)
/* Inside helpers that report success as a bool: returns false. */
#define NAPI_CHECK(env, call) NAPI_CHECK_OR(env, call, false)

void throw_napi_failure(napi_env env, napi_status status, const char *call);
/* An Error with a `code` property, e.g. throw_code(env, "ERR_MMAP_CLOSED", "The map is closed"). */
void throw_code(napi_env env, const char *code, const char *message);
/* The same Error as a value (to reject a promise with); NULL if it cannot be built. */
napi_value code_error(napi_env env, const char *code, const char *message);
/* A RangeError with code ERR_OUT_OF_RANGE. */
void throw_range(napi_env env, const char *message);
/* A TypeError with code ERR_INVALID_ARG_TYPE. */
void throw_type(napi_env env, const char *message);
/* An OS failure as Node's fs reports it: code 'ENOENT', errno -2, syscall, path. */
void throw_errno(napi_env env, int err, const char *syscall, const char *path);
/* The same error as a value (to reject a promise with); NULL if it cannot be built. */
napi_value errno_error(napi_env env, int err, const char *syscall, const char *path);

#endif
