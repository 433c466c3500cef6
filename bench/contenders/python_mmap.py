"""Python baselines: mmap.find of a needle, a mmap.readline loop, and the lines of a text
file decoded as UTF-8 (`for line in open(f, encoding='utf-8')`). Prints the seconds of one
timed pass after one warm pass."""
import mmap
import sys
import time

def text_lines(path):
    n = 0
    with open(path, encoding='utf-8') as f:
        for line in f:
            n += 1
    return n

def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == 'text':
        text_lines(path)
        start = time.perf_counter()
        result = text_lines(path)
        print(f'{time.perf_counter() - start:.9f}')
        if result == 0:
            sys.exit('no lines')
        return
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
