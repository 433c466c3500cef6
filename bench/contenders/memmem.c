// C baseline: glibc memmem over a populated mapping of a file. Prints the seconds of the
// timed pass (after one warm pass), so the figure compares with an in-process find().
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int hex(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: memmem FILE NEEDLE_HEX\n"); return 2; }
  size_t n = strlen(argv[2]) / 2;
  unsigned char needle[256];
  for (size_t i = 0; i < n && i < sizeof needle; i++) needle[i] = (unsigned char)(hex(argv[2][2 * i]) * 16 + hex(argv[2][2 * i + 1]));
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) { perror("open"); return 1; }
  const unsigned char *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); return 1; }
  volatile const void *hit = memmem(p, (size_t)st.st_size, needle, n);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  hit = memmem(p, (size_t)st.st_size, needle, n);
  clock_gettime(CLOCK_MONOTONIC, &b);
  if (!hit) { fprintf(stderr, "needle not found\n"); return 1; }
  printf("%.9f\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
  return 0;
}
