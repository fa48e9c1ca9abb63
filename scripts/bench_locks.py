"""Lock instrumentation cost: an uncontended acquire/release pair of a user's Lock (and RLock),
bare and instrumented, in one process, as `with lock:` and as acquire()/release()."""
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import interleave_locks as locks  # noqa: E402


def with_loop(lock, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        with lock:
            pass
    return time.perf_counter_ns() - t0


def call_loop(lock, n):
    acquire, release = lock.acquire, lock.release
    t0 = time.perf_counter_ns()
    for _ in range(n):
        acquire()
        release()
    return time.perf_counter_ns() - t0


def main():
    n = int(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    bare = {"Lock": threading.Lock(), "RLock": threading.RLock()}
    # made by this file once installed: instrumented as the user's would be
    locks.install({"file": __file__, "source": __file__, "model": "thread", "dir": tempfile.gettempdir(),
                   "deadlockSeconds": 0})
    ours = {"Lock": threading.Lock(), "RLock": threading.RLock()}
    assert type(ours["Lock"]).__name__ == "_UserLock", "the bench's locks must be instrumented"
    med = lambda xs: sorted(xs)[len(xs) // 2]
    result = {"pairs": n, "rounds": rounds}
    for kind in ("Lock", "RLock"):
        for how, loop in (("with", with_loop), ("call", call_loop)):
            raw, added = [], []
            for _ in range(rounds):  # interleaved: a machine that slows down weighs on both alike
                b = loop(bare[kind], n)
                o = loop(ours[kind], n)
                raw.append(b / n)
                added.append((o - b) / n)
            result["%s %s" % (kind, how)] = {"bareNs": med(raw), "addedNs": med(added)}
    sys.stderr.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
