/*
 * The truncation guard (sigbus.h). The registry is an array of slots in chunks
 * that are allocated on demand and never freed, so the handler only ever reads
 * memory that stays valid. The handler takes no lock and allocates nothing: it
 * reads slots with atomic loads, pins the slot it acts on with an atomic count
 * of users, and makes at most two system calls (fstat, to tell a truncation from
 * an I/O error, and mmap). Registration and removal run on
 * ordinary threads; removal waits until no handler uses the slot.
 */
#include "sigbus.h"

#if defined(__linux__) || defined(__APPLE__)

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "glibc_compat.h" /* after the system headers: pins symbol versions */

enum { SLOT_FREE = 0, SLOT_CLAIMED = 1, SLOT_LIVE = 2, SLOT_LEAVING = 3 };

#define CHUNK_SLOTS 1024
#define MAX_CHUNKS 256 /* 262,144 ranges mapped at once */

typedef struct {
  atomic_int state;
  atomic_int users;    /* handlers acting on the slot right now */
  atomic_uintptr_t start;
  atomic_uintptr_t end;
  _Atomic(_Atomic int32_t *) flag; /* the region's truncation word */
  atomic_int fd;       /* the map's descriptor, fstat'ed to tell a truncation from an I/O error; -1: none */
  atomic_uint_fast64_t file_offset; /* the file position mapped at start */
} guard_slot;

typedef struct {
  guard_slot slots[CHUNK_SLOTS];
} guard_chunk;

static _Atomic(guard_chunk *) chunks[MAX_CHUNKS];
static atomic_int chunk_count;
static atomic_uint_fast64_t caught;
static pthread_mutex_t grow_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_error;
static struct sigaction previous;
static uintptr_t page_mask;

static guard_slot *slot_at(int32_t index) {
  guard_chunk *chunk = atomic_load(&chunks[index / CHUNK_SLOTS]);
  return chunk == NULL ? NULL : &chunk->slots[index % CHUNK_SLOTS];
}

/*
 * Hands the signal on as if this handler had never been installed: to the
 * previous handler, or to the default action. For the default action the
 * disposition is reset; a fault then repeats when the access retries and
 * terminates the process by SIGBUS, and a sent signal is raised again (it is
 * blocked while this handler runs, so it is delivered on return).
 */
static void pass_on(int sig, siginfo_t *info, void *context) {
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  bool sent = info->si_code <= 0; /* SI_USER, SI_QUEUE, SI_TKILL: not a fault */
  if (previous.sa_handler == SIG_IGN && sent) return;
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  struct sigaction fallback = {0};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(sig, &fallback, NULL);
  if (sent) raise(sig);
}

/*
 * Maps zero pages over [the faulting page, the end of the range). Every page
 * after the faulting one lies past the file's new end too, so each would fault
 * in turn: one mmap makes a scan of the lost tail one fault, not one per page.
 */
static bool zero_tail(guard_slot *slot, uintptr_t address) {
  uintptr_t page = address & page_mask;
  uintptr_t end = atomic_load(&slot->end);
  /*
   * SAFETY: [page, end) lies inside a range this library mapped and that is
   * still registered (users > 0 keeps mm_guard_unregister, and so the munmap
   * after it, waiting), so MAP_FIXED replaces only our own pages. mmap is not
   * on POSIX's async-signal-safe list, but on Linux and macOS it is a plain
   * system call: no lock, no allocation, no errno the interrupted code relies
   * on (saved and restored below).
   */
  int saved = errno;
  void *zeros = mmap((void *)page, end - page, PROT_READ | PROT_WRITE,
                     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  errno = saved;
  return zeros != MAP_FAILED;
}

/* The live slot holding `address`, pinned (users + 1); NULL if none. */
static guard_slot *pin_slot(uintptr_t address) {
  int count = atomic_load(&chunk_count);
  for (int c = 0; c < count; c++) {
    guard_chunk *chunk = atomic_load(&chunks[c]);
    if (chunk == NULL) continue;
    for (int i = 0; i < CHUNK_SLOTS; i++) {
      guard_slot *slot = &chunk->slots[i];
      if (atomic_load(&slot->state) != SLOT_LIVE) continue;
      if (address < atomic_load(&slot->start) || address >= atomic_load(&slot->end)) continue;
      atomic_fetch_add(&slot->users, 1);
      /* Re-check under the pin: removal sets LEAVING before it waits for users
       * (both sequentially consistent, so one of the two sees the other). */
      if (atomic_load(&slot->state) == SLOT_LIVE && address >= atomic_load(&slot->start) &&
          address < atomic_load(&slot->end)) {
        return slot;
      }
      atomic_fetch_sub(&slot->users, 1);
    }
  }
  return NULL;
}

/*
 * Whether the file still holds the faulting page (then the fault is an I/O error, not a
 * truncation): fstat of the map's own descriptor, which is async-signal-safe. A map
 * without one ('read' and 'copy' maps keep none) reports truncation, as before.
 */
static int32_t classify(guard_slot *slot, uintptr_t address) {
  int fd = atomic_load(&slot->fd);
  if (fd < 0) return MM_FAULT_TRUNCATED;
  struct stat st;
  int saved = errno;
  int failed = fstat(fd, &st);
  errno = saved;
  if (failed != 0) return MM_FAULT_TRUNCATED;
  uint64_t at = atomic_load(&slot->file_offset) + ((address & page_mask) - atomic_load(&slot->start));
  return (uint64_t)st.st_size > at ? MM_FAULT_IO : MM_FAULT_TRUNCATED;
}

static void on_sigbus(int sig, siginfo_t *info, void *context) {
  if (info->si_code > 0) { /* a fault, not a sent signal */
    guard_slot *slot = pin_slot((uintptr_t)info->si_addr);
    if (slot != NULL) {
      int32_t kind = classify(slot, (uintptr_t)info->si_addr);
      bool replaced = zero_tail(slot, (uintptr_t)info->si_addr);
      if (replaced) {
        atomic_store(atomic_load(&slot->flag), kind);
        atomic_fetch_add(&caught, 1);
      }
      atomic_fetch_sub(&slot->users, 1);
      if (replaced) return; /* the access retries and reads zeros */
    }
  }
  pass_on(sig, info, context);
}

static void install(void) {
  page_mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
  struct sigaction action = {0};
  action.sa_sigaction = on_sigbus;
  /* SA_ONSTACK: a thread that set an alternate stack (for stack overflows) keeps it. */
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGBUS, &action, &previous) != 0) install_error = errno;
}

/* A slot in state CLAIMED, allocating a chunk when all are taken. */
static int claim_slot(int32_t *index) {
  for (;;) {
    int count = atomic_load(&chunk_count);
    for (int c = 0; c < count; c++) {
      guard_chunk *chunk = atomic_load(&chunks[c]);
      for (int i = 0; chunk != NULL && i < CHUNK_SLOTS; i++) {
        int expected = SLOT_FREE;
        if (atomic_compare_exchange_strong(&chunk->slots[i].state, &expected, SLOT_CLAIMED)) {
          *index = c * CHUNK_SLOTS + i;
          return 0;
        }
      }
    }
    pthread_mutex_lock(&grow_lock);
    int err = 0;
    if (atomic_load(&chunk_count) == count) { /* nobody grew it meanwhile */
      if (count == MAX_CHUNKS) {
        err = ENOMEM;
      } else {
        void *memory = mmap(NULL, sizeof(guard_chunk), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) {
          err = errno;
        } else {
          atomic_store(&chunks[count], (guard_chunk *)memory); /* zero pages: every slot FREE */
          atomic_store(&chunk_count, count + 1);
        }
      }
    }
    pthread_mutex_unlock(&grow_lock);
    if (err != 0) return err;
  }
}

int mm_guard_register(void *base, size_t span, _Atomic int32_t *flag, int fd, uint64_t file_offset, int32_t *slot_index) {
  *slot_index = MM_GUARD_NONE;
  if (span == 0) return 0;
  pthread_once(&install_once, install);
  if (install_error != 0) return install_error;
  int32_t index;
  int err = claim_slot(&index);
  if (err != 0) return err;
  guard_slot *slot = slot_at(index);
  atomic_store(&slot->flag, flag);
  atomic_store(&slot->fd, fd);
  atomic_store(&slot->file_offset, file_offset);
  atomic_store(&slot->start, (uintptr_t)base);
  atomic_store(&slot->end, (uintptr_t)base + span);
  atomic_store(&slot->state, SLOT_LIVE);
  *slot_index = index;
  return 0;
}

void mm_guard_unregister(int32_t index) {
  if (index == MM_GUARD_NONE) return;
  guard_slot *slot = slot_at(index);
  atomic_store(&slot->state, SLOT_LEAVING);
  /* A handler that pinned the slot finishes within one mmap; never a long wait. */
  while (atomic_load(&slot->users) != 0) sched_yield();
  atomic_store(&slot->start, 0);
  atomic_store(&slot->end, 0);
  atomic_store(&slot->flag, NULL);
  atomic_store(&slot->fd, -1);
  atomic_store(&slot->state, SLOT_FREE);
}

void mm_guard_forget_fd(int32_t index) {
  if (index != MM_GUARD_NONE) atomic_store(&slot_at(index)->fd, -1);
}

uint64_t mm_guard_caught(void) {
  return atomic_load(&caught);
}

#else /* no guard on this platform (Windows refuses to truncate a mapped file) */

int mm_guard_register(void *base, size_t span, _Atomic int32_t *flag, int fd, uint64_t file_offset, int32_t *slot) {
  (void)base;
  (void)span;
  (void)flag;
  (void)fd;
  (void)file_offset;
  *slot = MM_GUARD_NONE;
  return 0;
}
void mm_guard_forget_fd(int32_t slot) {
  (void)slot;
}
void mm_guard_unregister(int32_t slot) {
  (void)slot;
}
uint64_t mm_guard_caught(void) {
  return 0;
}

#endif
