"""Python baselines: mmap.find of a needle, and a mmap.readline loop. Prints the seconds of
one timed pass after one warm pass."""
import mmap
import sys
import time

def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path, 'rb') as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        if kind == 'find':
            needle = bytes.fromhex(sys.argv[3])
            run = lambda: mm.find(needle)
        else:
            def run():
                mm.seek(0)
                n = 0
                while mm.readline():
                    n += 1
                return n
        run()
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        if result in (-1, 0):
            sys.exit('nothing found')
        print(f'{elapsed:.9f}')

main()
