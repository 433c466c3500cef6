/*
 * Byte search over mapped memory with the C library's kernels: memchr/memmem
 * forward, memrchr + memcmp backward (with a linear-time fallback for inputs
 * that make the last byte of the needle match everywhere); and the fused
 * copy-and-find-line-ends of cursor.lines().
 */
#include "map.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if !defined(__GLIBC__) && !defined(__linux__)
/* memrchr is a GNU extension; a plain loop elsewhere. */
static void *memrchr(const void *s, int c, size_t n) {
  /* SAFETY: reads only s[0, n), from the end down. */
  const unsigned char *p = (const unsigned char *)s + n;
  while (n--) {
    if (*--p == (unsigned char)c) return (void *)p;
  }
  return NULL;
}
#endif

#ifdef _WIN32
/* memmem is missing from the MSVC runtime. */
static void *memmem(const void *h, size_t hlen, const void *n, size_t nlen) {
  const unsigned char *hay = h;
  if (nlen == 0) return (void *)hay;
  for (size_t i = 0; i + nlen <= hlen; i++) {
    /* SAFETY: i + nlen <= hlen, so hay[i, i + nlen) lies inside the haystack. */
    if (hay[i] == *(const unsigned char *)n && memcmp(hay + i, n, nlen) == 0) return (void *)(hay + i);
  }
  return NULL;
}
#endif

int64_t mm_find(const uint8_t *haystack, size_t length, const uint8_t *needle, size_t nlen) {
  if (nlen > length) return -1;
  /* SAFETY: the caller passes a haystack of `length` mapped bytes and a needle of `nlen` bytes. */
  const uint8_t *hit = nlen == 1 ? memchr(haystack, needle[0], length) : memmem(haystack, length, needle, nlen);
  return hit == NULL ? -1 : (int64_t)(hit - haystack);
}

/* Bytes searched forward per step of the fallback; far larger than a call's cost. */
enum { BLOCK = 64 * 1024 };

/*
 * The last match ending at or before `end`, searched block by block from the
 * end with memmem; consecutive blocks overlap by nlen − 1 bytes so that no
 * match is missed. Linear in the bytes searched, whatever the input.
 */
static int64_t rfind_blocks(const uint8_t *haystack, size_t end, const uint8_t *needle, size_t nlen) {
  size_t block = nlen * 4 > BLOCK ? nlen * 4 : BLOCK;
  size_t hi = end;
  while (hi >= nlen) {
    size_t lo = hi > block ? hi - block : 0;
    int64_t found = -1;
    size_t from = lo;
    while (hi - from >= nlen) {
      /* SAFETY: from < hi <= end <= the haystack's length, so [from, hi) is inside it. */
      const uint8_t *hit = memmem(haystack + from, hi - from, needle, nlen);
      if (hit == NULL) break;
      found = hit - haystack;
      from = (size_t)found + 1;
    }
    if (found >= 0) return found;
    if (lo == 0) return -1;
    hi = lo + nlen - 1;
  }
  return -1;
}

int64_t mm_rfind(const uint8_t *haystack, size_t length, const uint8_t *needle, size_t nlen) {
  if (nlen > length) return -1;
  if (nlen == 1) {
    /* SAFETY: the caller passes a haystack of `length` mapped bytes. */
    const uint8_t *hit = memrchr(haystack, needle[0], length);
    return hit == NULL ? -1 : (int64_t)(hit - haystack);
  }
  const uint8_t last = needle[nlen - 1];
  size_t misses = 0;
  /* Candidates end in [nlen − 1, hi): the needle's last byte at q means a match may start at q − nlen + 1. */
  size_t hi = length;
  while (hi >= nlen) {
    /* SAFETY: nlen - 1 < hi <= length, so [nlen - 1, hi) is inside the haystack. */
    const uint8_t *q = memrchr(haystack + nlen - 1, last, hi - (nlen - 1));
    if (q == NULL) return -1;
    size_t start = (size_t)(q - haystack) - (nlen - 1);
    /* SAFETY: start + nlen <= hi <= length. */
    if (memcmp(haystack + start, needle, nlen - 1) == 0) return (int64_t)start;
    hi = (size_t)(q - haystack);
    /* More than one false candidate per 64 bytes: the last byte is common here; go linear. */
    if (++misses > 4096 && misses * 64 > length - hi) return rfind_blocks(haystack, hi, needle, nlen);
  }
  return -1;
}

/*
 * Copies n bytes and records where each '\n' falls, in one pass: the line scan of
 * cursor.lines() reads each byte once instead of copying, then searching the copy.
 */
size_t mm_copy_lines(uint8_t *dst, const uint8_t *src, size_t n, int32_t *ends, size_t slots) {
  size_t count = 0, i = 0;
#if defined(__SSE2__)
  /* 64 bytes a step, one branch on their 64 newline bits: lines of ~100 bytes leave most
   * steps without a newline. 16 bytes a step took 8.1 ms for 64 MiB of such lines, this
   * 5.7 ms (an AVX2 version, which would need a run-time CPU check, 5.4 ms). */
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 64 <= n; i += 64) {
    uint64_t hits = 0;
    for (int part = 0; part < 4; part++) {
      /* SAFETY: i + 64 <= n, so each 16-byte access at i + 16 * part stays inside src[0, n) and dst[0, n). */
      __m128i block = _mm_loadu_si128((const __m128i *)(const void *)(src + i + 16 * part));
      _mm_storeu_si128((__m128i *)(void *)(dst + i + 16 * part), block);
      hits |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(block, newline)) << (16 * part);
    }
    for (; hits != 0 && count < slots; hits &= hits - 1) ends[count++] = (int32_t)(i + (size_t)__builtin_ctzll(hits));
  }
#endif
  for (; i < n; i++) {
    /* SAFETY: i < n; src and dst both hold n bytes. */
    dst[i] = src[i];
    if (src[i] == '\n' && count < slots) ends[count++] = (int32_t)i;
  }
  return count;
}
