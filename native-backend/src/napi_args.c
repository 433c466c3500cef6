/* Argument decoding and the memory guards every callback runs first (see napi_args.h). */
#include "napi_args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"
#include "sigbus.h"

/* The largest integer a JS number holds exactly. */
#define MAX_SAFE_INTEGER 9007199254740991.0

bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t argc = count;
  NAPI_CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < count) {
    throw_type(env, "missing arguments");
    return false;
  }
  return true;
}

bool get_u64(napi_env env, napi_value value, uint64_t *out) {
  double number;
  NAPI_CHECK(env, napi_get_value_double(env, value, &number));
  if (!(number >= 0 && number <= MAX_SAFE_INTEGER) || number != (double)(uint64_t)number) {
    throw_range(env, "expected a safe non-negative integer");
    return false;
  }
  *out = (uint64_t)number;
  return true;
}

bool get_size(napi_env env, napi_value value, size_t *out) {
  uint64_t number;
  if (!get_u64(env, value, &number)) return false;
  if (number > SIZE_MAX) {
    throw_range(env, "expected a length this process can address");
    return false;
  }
  *out = (size_t)number;
  return true;
}

bool get_int(napi_env env, napi_value value, int32_t min, int32_t max, int32_t *out) {
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

bool get_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
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

char *get_string(napi_env env, napi_value value, const char *what) {
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

bool get_handle(napi_env env, napi_value value, mm_handle **out) {
  return get_tagged(env, value, &HANDLE_TAG, "expected a map handle", (void **)out);
}

bool get_lease(napi_env env, napi_value value, mm_lease **out) {
  return get_tagged(env, value, &LEASE_TAG, "expected a lease", (void **)out);
}

bool get_open(napi_env env, napi_value value, mm_handle **out) {
  if (!get_handle(env, value, out)) return false;
  if ((*out)->closed) {
    throw_code(env, "ERR_MMAP_CLOSED", "The map is closed");
    return false;
  }
  return true;
}

bool get_writable(napi_env env, napi_value value, mm_handle **out) {
  if (!get_open(env, value, out)) return false;
  if ((*out)->map.access == MM_READ || !(*out)->map.writable) {
    throw_code(env, "ERR_MMAP_READ_ONLY", "The map is read-only");
    return false;
  }
  return true;
}

bool check_range(napi_env env, const mm_map *map, size_t offset, size_t length) {
  if (offset <= map->length && length <= map->length - offset) return true;
  throw_range(env, "the range lies outside the map");
  return false;
}

static const char *const TRUNCATED = "The mapped file shrank under the map";

bool check_intact(napi_env env, const mm_map *map) {
  int32_t fault = mm_fault(map);
  if (fault == 0) return true;
  if (fault == MM_FAULT_IO) throw_errno(env, EIO, "mmap", NULL);
  else throw_truncated(env);
  return false;
}

napi_value throw_truncated(napi_env env) {
  throw_code(env, "ERR_MMAP_TRUNCATED", TRUNCATED);
  return NULL;
}

napi_value truncated_error(napi_env env) {
  return code_error(env, "ERR_MMAP_TRUNCATED", TRUNCATED);
}

napi_value undefined(napi_env env) {
  napi_value result;
  NAPI_CALL(env, napi_get_undefined(env, &result));
  return result;
}

napi_value number(napi_env env, double value) {
  napi_value result;
  NAPI_CALL(env, napi_create_double(env, value, &result));
  return result;
}
