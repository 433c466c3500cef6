"""python3 examples/share_python.py NAME

The Python half of examples/share-python.mjs: attaches to the shared memory NAME
that Node created with openShared(NAME, { size, create: true }), reads Node's
counter and message, and writes back. Python has no atomics: this works because
Node waits for this process; for concurrent updates, coordinate (see docs/sharing.md).
"""
import sys
from multiprocessing import resource_tracker, shared_memory

name = sys.argv[1]
if sys.version_info >= (3, 13):
    shm = shared_memory.SharedMemory(name=name, track=False)
else:
    shm = shared_memory.SharedMemory(name=name)
    # Without this, Python's resource tracker unlinks NAME when this process exits,
    # even though Node created it and still uses it.
    resource_tracker.unregister(shm._name, 'shared_memory')
try:
    counter = int.from_bytes(shm.buf[0:4], 'little')
    message = bytes(shm.buf[16:48]).rstrip(b'\0').decode()
    print(f'python reads: counter = {counter}, message = "{message}" ({shm.size} bytes)')
    shm.buf[0:4] = (counter + 1).to_bytes(4, 'little')
    reply = b'hello from python'
    shm.buf[64:64 + len(reply)] = reply
finally:
    shm.close()  # unmaps; the name stays for Node to unlink
