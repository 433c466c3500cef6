/*
 * The budget of mappings the library holds at once: on Linux half of vm.max_map_count
 * (65530 by default), elsewhere none.
 *
 * Why: a closed map whose views or stream leases are still reachable keeps its region
 * until the garbage collector takes them, and Node-API runs their finalizers only on a
 * later event-loop turn (the ABI-stable Node-API has no finalizer that runs inside the
 * collection). A synchronous loop that opens and abandons tens of thousands of maps would
 * otherwise take every mapping the process may have, and the next one V8 needs for its
 * own heap aborts the process. Past the budget, opening (or resizing) a map fails with
 * ENOMEM, an error of that call, and V8 keeps the other half.
 */
#ifndef _WIN32
#include "map.h"

#include <stdatomic.h>
#include <stdio.h>

static atomic_long live_regions;
/* 0 until read; then the budget, or -1 for none. Threads that race read the same file. */
static atomic_long budget;

static long read_budget(void) {
#ifdef __linux__
  long count = 0;
  FILE *file = fopen("/proc/sys/vm/max_map_count", "r");
  if (file != NULL) {
    if (fscanf(file, "%ld", &count) != 1) count = 0;
    fclose(file);
  }
  return count > 0 ? count / 2 : -1;
#else
  return -1;
#endif
}

bool mm_budget_take(void) {
  long limit = atomic_load(&budget);
  if (limit == 0) {
    limit = read_budget();
    atomic_store(&budget, limit);
  }
  long before = atomic_fetch_add(&live_regions, 1);
  if (limit > 0 && before >= limit) {
    atomic_fetch_sub(&live_regions, 1);
    return false;
  }
  return true;
}

void mm_budget_give(void) {
  atomic_fetch_sub(&live_regions, 1);
}
#endif /* !_WIN32 */
