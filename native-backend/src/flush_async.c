/*
 * flushAsync's work: msync on a libuv worker thread, the promise settled back
 * on the JS thread. Each job holds a reference to the region, so the range
 * stays mapped until the job completes, whatever close() or resize() do; and
 * counts in region->flushes, so a resize() or close() that retires the region
 * first writes it back (mm_region_retire): the file pages are gone from the
 * range by the time the job's own msync runs.
 */
#include "addon.h"

#include <errno.h>
#include <stdlib.h>

typedef struct flush_job {
  napi_async_work work;
  napi_deferred deferred;
  mm_region *region; /* held until the job completes, so the range stays mapped */
  void *address;
  size_t length;
  int err;
} flush_job;

/* On the worker thread: touches only the job and the pages it holds. */
static void flush_execute(napi_env env, void *data) {
  (void)env;
  flush_job *job = data;
  job->err = mm_sync(job->address, job->length);
  if (job->err == 0) job->err = atomic_load(&job->region->flush_error);
}

/* On the JS thread: settles the promise and drops the job's reference. */
static void flush_complete(napi_env env, napi_status status, void *data) {
  flush_job *job = data;
  napi_value result = NULL;
  if (status == napi_ok && job->err == 0) {
    napi_get_undefined(env, &result);
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    result = errno_error(env, job->err != 0 ? job->err : ECANCELED, "msync", NULL);
    if (result == NULL) napi_get_undefined(env, &result);
    napi_reject_deferred(env, job->deferred, result);
  }
  atomic_fetch_sub(&job->region->flushes, 1);
  mm_region_unref(job->region);
  napi_delete_async_work(env, job->work);
  free(job);
}

bool flush_async_start(napi_env env, napi_deferred deferred, mm_region *region, void *address, size_t length) {
  napi_value name;
  NAPI_CHECK(env, napi_create_string_utf8(env, "portable-mmap:flush", NAPI_AUTO_LENGTH, &name));
  flush_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_reject_deferred(env, deferred, errno_error(env, ENOMEM, "msync", NULL));
    return true;
  }
  job->deferred = deferred;
  job->region = region;
  job->address = address;
  job->length = length;
  napi_status status = napi_create_async_work(env, NULL, name, flush_execute, flush_complete, job, &job->work);
  if (status == napi_ok) {
    status = napi_queue_async_work(env, job->work);
    if (status != napi_ok) napi_delete_async_work(env, job->work);
  }
  if (status != napi_ok) {
    free(job);
    throw_napi_failure(env, status, "napi_queue_async_work");
    return false;
  }
  /* Taken after queueing, on this thread: flush_complete, which drops it, runs here later. */
  mm_region_ref(region);
  atomic_fetch_add(&region->flushes, 1);
  return true;
}
