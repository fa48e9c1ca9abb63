"""The interpreter model: each worker runs in a subinterpreter of its own (one thread each), with
its own GIL where the Python gives subinterpreters one. Python 3.14+ has the public
``concurrent.interpreters``; 3.13 has the same machinery as ``_interpreters``. Anything older has
neither, and the run says so instead of failing.

Inside a subinterpreter the worker loads the user's module afresh (nothing is shared with the
main interpreter) and records to its own event file, like a process worker does.
"""
import json
import os
import sys
import threading
import time

import interleave_fds

HERE = os.path.dirname(os.path.abspath(__file__))


def backend():
    """(create, run, close) for this Python, or a sentence saying why there is none."""
    try:
        from concurrent import interpreters  # 3.14+

        def run(interp, code):
            interp.exec(code)  # raises ExecutionFailed if the code raised

        return interpreters.create, run, lambda interp: interp.close()
    except ImportError:
        pass
    try:
        import _interpreters  # 3.13

        def run(interp, code):
            failure = _interpreters.exec(interp, code)
            if failure is not None:
                raise RuntimeError("%s: %s" % (getattr(failure, "type", "error"), getattr(failure, "msg", failure)))

        return _interpreters.create, run, _interpreters.destroy
    except ImportError:
        return ("subinterpreters are not available on Python %d.%d: the interpreter model needs "
                "Python 3.13+ (3.14's concurrent.interpreters)" % sys.version_info[:2])


def run_interpreters(config, workers, control, now):
    """Start one subinterpreter per worker, each on its own thread; join them all."""
    found = backend()
    if isinstance(found, str):
        control.write({"type": "unavailable", "reason": found})
        return False
    create, run, close = found
    failures = {}
    config = dict(config, ownedFds=interleave_fds.owned())  # the pipes they share with us

    def body(i):
        code = ("import sys\nsys.path.insert(0, %r)\nimport interleave_interpreters\n"
                "interleave_interpreters.worker_main(%r, %d)\n" % (HERE, json.dumps(config), i))
        try:
            interp = create()
            try:
                run(interp, code)
            finally:
                close(interp)
        except Exception as e:  # the subinterpreter itself failed (not the user's function)
            failures[i] = "%s: %s" % (type(e).__name__, e)

    threads = [threading.Thread(target=body, args=(i,), name="Interpreter-%d" % (i + 1), daemon=True)
               for i in range(workers)]
    control.write({"type": "runStart", "t": now()})
    for i, thread in enumerate(threads):
        control.write({"type": "created", "worker": i, "t": now()})
        thread.start()
    for i, thread in enumerate(threads):
        thread.join()
        record = {"type": "joined", "worker": i, "t": now()}
        if i in failures:
            record["failed"] = failures[i]
        control.write(record)
    return True


def worker_main(config_json, worker):
    """Runs inside a subinterpreter: load the module here, run the worker, record."""
    from interleave_worker import child_worker
    child_worker(json.loads(config_json), worker, time.thread_time_ns)
