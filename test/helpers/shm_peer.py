"""A Python process holding one multiprocessing.shared_memory.SharedMemory, driven
by JSON lines on stdin (one answer line per command on stdout), so tests can
interleave Node and Python steps on the same object."""
import json
import sys
from multiprocessing import resource_tracker, shared_memory

shm = None


def run(command):
    global shm
    op = command['op']
    if op == 'create':
        shm = shared_memory.SharedMemory(name=command['name'], create=True, size=command['size'])
    elif op == 'attach':
        shm = shared_memory.SharedMemory(name=command['name'])
    elif op == 'untrack':
        # Python < 3.13 has no track=False: without this, the tracker unlinks the name at exit.
        resource_tracker.unregister(shm._name, 'shared_memory')
    elif op == 'read':
        return {'hex': bytes(shm.buf[command['offset']:command['offset'] + command['length']]).hex()}
    elif op == 'write':
        data = bytes.fromhex(command['hex'])
        shm.buf[command['offset']:command['offset'] + len(data)] = data
    elif op == 'close':
        shm.close()
    elif op == 'unlink':
        shm.unlink()
    elif op == 'tracker':
        return {'pid': resource_tracker._resource_tracker._pid}
    if op in ('create', 'attach'):
        return {'name': shm.name, 'size': shm.size}
    return {}


for line in sys.stdin:
    command = json.loads(line)
    if command['op'] == 'exit':
        break
    try:
        answer = run(command)
    except OSError as error:
        answer = {'error': type(error).__name__, 'errno': error.errno}
    except ValueError as error:
        answer = {'error': type(error).__name__, 'message': str(error)}
    print(json.dumps(answer), flush=True)
