/*
 * Windows: advise() and residency(). The calls that are newer than Windows 7,
 * or missing in Wine 8, are looked up with GetProcAddress: a static import of a
 * function the system lacks would stop the whole DLL from loading.
 */
#ifdef _WIN32

#include "win32.h"

#include <errno.h>
#include <stdlib.h>

/* WIN32_MEMORY_RANGE_ENTRY and PSAPI_WORKING_SET_EX_INFORMATION, declared here
 * because the headers show them only for newer _WIN32_WINNT or with psapi.h. */
typedef struct {
  void *address;
  SIZE_T bytes;
} memory_range;
typedef BOOL(WINAPI *prefetch_fn)(HANDLE process, ULONG_PTR count, memory_range *ranges, ULONG flags);

typedef struct {
  void *address;
  ULONG_PTR attributes; /* bit 0: Valid (the page is in the working set) */
} working_set_entry;
typedef BOOL(WINAPI *query_working_set_fn)(HANDLE process, void *entries, DWORD bytes);

static FARPROC lookup(const wchar_t *module, const char *name) {
  HMODULE handle = GetModuleHandleW(module);
  return handle == NULL ? NULL : GetProcAddress(handle, name);
}

/*
 * 'normal', 'random' and 'sequential' have no Windows equivalent for a mapped
 * view (the cache manager's hints are flags of CreateFile): accepted and ignored,
 * as advice may be. 'willneed' is PrefetchVirtualMemory (Windows 8; in Wine 8 a
 * stub that returns TRUE). 'dontneed' takes the pages out of the working set
 * with VirtualUnlock on unlocked pages (documented to do exactly that, and it
 * keeps their contents, as MADV_COLD and MADV_DONTNEED on a shared map do).
 * DiscardVirtualMemory and OfferVirtualMemory are not used: they throw away a
 * private (copy) view's changes, and Wine 8 has neither.
 */
int mm_advise(const mm_map *map, mm_advice advice, size_t offset, size_t length) {
  if (map->region == NULL || length == 0) return 0;
  /* SAFETY: offset + length <= map->length, checked by the caller; the map holds the region. */
  void *address = map->data + offset;
  if (advice == MM_ADVICE_WILLNEED) {
    prefetch_fn prefetch = (prefetch_fn)(void (*)(void))lookup(L"kernel32.dll", "PrefetchVirtualMemory");
    if (prefetch == NULL) return 0; /* Windows 7: a hint nobody can take */
    memory_range range = {address, length};
    return prefetch(GetCurrentProcess(), 1, &range, 0) ? 0 : mm_errno_of(GetLastError());
  }
  if (advice == MM_ADVICE_DONTNEED) {
    /* FALSE with ERROR_NOT_LOCKED is the expected answer (the pages left the working set);
     * any other failure only means the hint was not taken. */
    (void)VirtualUnlock(address, length);
    return 0;
  }
  return 0;
}

static query_working_set_fn working_set_query(void) {
  query_working_set_fn query =
      (query_working_set_fn)(void (*)(void))lookup(L"kernel32.dll", "K32QueryWorkingSetEx");
  if (query != NULL) return query;
  HMODULE psapi = LoadLibraryW(L"psapi.dll"); /* Windows before 7 kept it only there; never freed */
  return psapi == NULL ? NULL : (query_working_set_fn)(void (*)(void))GetProcAddress(psapi, "QueryWorkingSetEx");
}

/* The bytes of the map whose pages are in the process's working set (QueryWorkingSetEx). */
int mm_residency(const mm_map *map, uint64_t *resident_bytes) {
  *resident_bytes = 0;
  if (map->region == NULL) return 0;
  query_working_set_fn query = working_set_query();
  if (query == NULL) return ENOTSUP;
  enum { CHUNK_PAGES = 1 << 14 };
  size_t page = mm_page_size();
  working_set_entry *entries = malloc(CHUNK_PAGES * sizeof *entries);
  if (entries == NULL) return ENOMEM;
  uintptr_t first = (uintptr_t)map->data;
  uintptr_t last = first + map->length;
  uintptr_t at = first & ~(uintptr_t)(page - 1);
  uint64_t resident = 0;
  int err = 0;
  while (at < last) {
    size_t pages = (last - at + page - 1) / page;
    if (pages > CHUNK_PAGES) pages = CHUNK_PAGES;
    for (size_t i = 0; i < pages; i++) {
      entries[i].address = (void *)(at + i * page);
      entries[i].attributes = 0;
    }
    /* SAFETY: the entries name pages inside the region (span is page-rounded); the call only reads them. */
    if (!query(GetCurrentProcess(), entries, (DWORD)(pages * sizeof *entries))) {
      err = mm_errno_of(GetLastError());
      break;
    }
    for (size_t i = 0; i < pages; i++, at += page) {
      if (entries[i].attributes & 1) resident += mm_page_bytes_inside(at, page, first, last);
    }
  }
  free(entries);
  *resident_bytes = resident;
  return err;
}

#endif /* _WIN32 */
