/*
 * Reading a callback's arguments and re-checking what protects memory: exact
 * non-negative numbers, this addon's own externals, open and writable state,
 * bounds. Types and friendly messages are args.ts's job; each helper here that
 * fails leaves one pending exception and returns false (or NULL).
 */
#ifndef PORTABLE_MMAP_NAPI_ARGS_H
#define PORTABLE_MMAP_NAPI_ARGS_H

#include <stdint.h>

#include "addon.h"

/* At least `count` arguments into argv. */
bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);
/* A safe integer >= 0; get_size also fits it in a size_t. */
bool get_u64(napi_env env, napi_value value, uint64_t *out);
bool get_size(napi_env env, napi_value value, size_t *out);
/* An int32 in [min, max]. */
bool get_int(napi_env env, napi_value value, int32_t min, int32_t max, int32_t *out);
/* The bytes of any ArrayBufferView (a detached one has none). */
bool get_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length);
/* A string argument as UTF-8 in a new buffer (the caller frees it); NUL bytes are a TypeError. */
char *get_string(napi_env env, napi_value value, const char *what);

/* A handle or lease external this addon made (type-tagged); anything else is a TypeError. */
bool get_handle(napi_env env, napi_value value, mm_handle **out);
bool get_lease(napi_env env, napi_value value, mm_lease **out);
/* A handle whose map is still open (else ERR_MMAP_CLOSED). */
bool get_open(napi_env env, napi_value value, mm_handle **out);
/* An open map whose pages may be stored to (else ERR_MMAP_READ_ONLY). */
bool get_writable(napi_env env, napi_value value, mm_handle **out);
/* [offset, offset + length) lies inside the map (else a RangeError). */
bool check_range(napi_env env, const mm_map *map, size_t offset, size_t length);

/*
 * The guard caught no touch of the map past the file's end (else ERR_MMAP_TRUNCATED).
 * Called after every copy, search or scan: the touch that reveals a truncation is
 * the one that reads zeros instead of the file's bytes, and its result must not count.
 */
bool check_intact(napi_env env, const mm_map *map);
/* Throws ERR_MMAP_TRUNCATED; returns NULL, for `return throw_truncated(env);`. */
napi_value throw_truncated(napi_env env);
/* The same error as a value, to reject a promise with; NULL if it cannot be built. */
napi_value truncated_error(napi_env env);

/* Results: NULL with an exception pending if they cannot be made. */
napi_value undefined(napi_env env);
napi_value number(napi_env env, double value);

#endif
