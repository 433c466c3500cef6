/* Throw helpers. Errors from OS calls carry Node's fields: code, errno (negative), syscall, path. */
#include "errors.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * Each errno's name and the number Node reports as `errno`: -errno on POSIX; on Windows
 * libuv's own numbers (uv/errno.h), which Node's fs reports there, so an error from the
 * addon carries the same `errno` as fs's for the same `code`.
 */
static const struct {
  int number;
  const char *name;
  int node;
} ERRNO_NAMES[] = {
#ifdef _WIN32
#define NAME(e, uv) {e, #e, uv}
#else
#define NAME(e, uv) {e, #e, -e}
#endif
    NAME(EPERM, -4048),   NAME(ENOENT, -4058),  NAME(EINTR, -4072),   NAME(EIO, -4070),
    NAME(ENXIO, -4033),   NAME(EBADF, -4083),   NAME(EAGAIN, -4088),  NAME(ENOMEM, -4057),
    NAME(EACCES, -4092),  NAME(EFAULT, -4074),  NAME(EBUSY, -4082),   NAME(EEXIST, -4075),
    NAME(EXDEV, -4037),   NAME(ENODEV, -4059),  NAME(ENOTDIR, -4052), NAME(EISDIR, -4068),
    NAME(EINVAL, -4071),  NAME(ENFILE, -4061),  NAME(EMFILE, -4066),  NAME(ETXTBSY, -4038),
    NAME(EFBIG, -4036),   NAME(ENOSPC, -4055),  NAME(ESPIPE, -4041),  NAME(EROFS, -4043),
    NAME(ENAMETOOLONG, -4064), NAME(ENOSYS, -4054), NAME(ELOOP, -4067), NAME(EOVERFLOW, -4026),
    NAME(ENOTSUP, -4049), NAME(ECANCELED, -4081),
#ifdef EDQUOT
    NAME(EDQUOT, -EDQUOT),
#endif
#undef NAME
};

static int errno_index(int err) {
  for (size_t i = 0; i < sizeof ERRNO_NAMES / sizeof ERRNO_NAMES[0]; i++) {
    if (ERRNO_NAMES[i].number == err) return (int)i;
  }
  return -1;
}

static const char *errno_name(int err) {
  int i = errno_index(err);
  return i < 0 ? "EUNKNOWN" : ERRNO_NAMES[i].name;
}

static int node_errno(int err) {
  int i = errno_index(err);
  return i < 0 ? -err : ERRNO_NAMES[i].node;
}

static napi_value string(napi_env env, const char *text) {
  napi_value value = NULL;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value) != napi_ok) return NULL;
  return value;
}

static void throw_with_code(napi_env env, napi_status (*make)(napi_env, napi_value, napi_value, napi_value *),
                            const char *code, const char *message) {
  napi_value error;
  napi_value code_value = string(env, code);
  napi_value message_value = string(env, message);
  if (code_value == NULL || message_value == NULL || make(env, code_value, message_value, &error) != napi_ok) {
    napi_throw_error(env, code, message);
    return;
  }
  napi_throw(env, error);
}

void throw_code(napi_env env, const char *code, const char *message) {
  throw_with_code(env, napi_create_error, code, message);
}

napi_value code_error(napi_env env, const char *code, const char *message) {
  napi_value error;
  napi_value code_value = string(env, code);
  napi_value message_value = string(env, message);
  if (code_value == NULL || message_value == NULL || napi_create_error(env, code_value, message_value, &error) != napi_ok) {
    return NULL;
  }
  return error;
}

void throw_range(napi_env env, const char *message) {
  throw_with_code(env, napi_create_range_error, "ERR_OUT_OF_RANGE", message);
}

void throw_type(napi_env env, const char *message) {
  throw_with_code(env, napi_create_type_error, "ERR_INVALID_ARG_TYPE", message);
}

void throw_napi_failure(napi_env env, napi_status status, const char *call) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  char message[256];
  snprintf(message, sizeof message, "%s failed (napi_status %d%s%s)", call, (int)status,
           info && info->error_message ? ": " : "", info && info->error_message ? info->error_message : "");
  throw_code(env, "ERR_MMAP_NATIVE", message);
}

napi_value errno_error(napi_env env, int err, const char *syscall, const char *path) {
  /* Node's wording is the lower-case strerror text: "no such file or directory". */
  char message[128];
  snprintf(message, sizeof message, "%s", strerror(err));
  if (message[0] >= 'A' && message[0] <= 'Z') message[0] = (char)(message[0] - 'A' + 'a');
  napi_value error, number;
  napi_value code = string(env, errno_name(err));
  napi_value text = string(env, message);
  if (code == NULL || text == NULL || napi_create_error(env, code, text, &error) != napi_ok) return NULL;
  if (napi_create_int32(env, node_errno(err), &number) != napi_ok) return NULL;
  napi_set_named_property(env, error, "errno", number);
  napi_value syscall_value = string(env, syscall);
  if (syscall_value != NULL) napi_set_named_property(env, error, "syscall", syscall_value);
  napi_value path_value = path == NULL ? NULL : string(env, path);
  if (path_value != NULL) napi_set_named_property(env, error, "path", path_value);
  return error;
}

void throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  napi_value error = errno_error(env, err, syscall, path);
  if (error != NULL) napi_throw(env, error);
  else napi_throw_error(env, errno_name(err), strerror(err));
}
