"""Interleave's harness: runs one function (or snippet) of a user's file under one execution model.

Standard library only, Python 3.9+. Started by the runner, once per model:

    python interleave_harness.py inspect SOURCE DISPLAY_FILE   -> JSON on stdout
    python interleave_harness.py check-args EXPR               -> JSON on stdout (syntax only)
    python interleave_harness.py run CONFIG.json
    (a config with "model": "script" runs the whole file as __main__: see interleave_script)

``run`` writes worker events to memory-mapped files (see interleave_capture) and run-level
records to ``control.jsonl`` in the config's folder. With ``"inspect": true`` in the config it
first inspects the file as ``inspect`` does, into the control file, and runs only when the
runner's checks will pass. The user's own output passes through to our stdout/stderr unchanged.
Exit status 3 means the user's input was at fault (the reason is the last control record).
``run`` forks at once: the first process supervises the run's processes (interleave_supervisor;
``"lifeline"`` in the config is a descriptor the runner holds the other end of) and exits with
the status of the second, which runs the model.
"""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import interleave_capture as capture  # noqa: E402
import interleave_fds as fds  # noqa: E402
import interleave_gil as gil  # noqa: E402
import interleave_loader as loader  # noqa: E402
import interleave_locks as locks  # noqa: E402
import interleave_supervisor as supervisor  # noqa: E402
import interleave_started_threads as started_threads  # noqa: E402
import interleave_turnstile as turnstile  # noqa: E402
import interleave_user_env as user_env  # noqa: E402
from interleave_worker import (BAD_INPUT, Target, task_worker, pool_task,  # noqa: E402
                               process_main, recorder_for, run_worker)
clock_ns = time.perf_counter_ns


class Control(object):
    """Run-level records, few per run: one write each so they survive the harness dying."""

    def __init__(self, folder):
        self._path = os.path.join(folder, "control.jsonl")
        # the repetition the records are about (None: one run, or the harness's own records)
        self.repetition = None
        self._open()

    def _open(self):
        self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fds.own(self._fd)
        st = os.fstat(self._fd)
        self._file = (st.st_dev, st.st_ino)

    def write(self, record):
        try:
            st = os.fstat(self._fd)
            ours = (st.st_dev, st.st_ino) == self._file
        except OSError:
            ours = False
        if not ours:  # closed under us by code we do not see (C): never write to what took its number
            self._open()
        if self.repetition is not None:
            record = dict(record, repetition=self.repetition)
        os.write(self._fd, (json.dumps(record) + "\n").encode("utf-8"))


def python_info():
    enabled = gil.enabled()
    return {"version": "%d.%d.%d" % sys.version_info[:3],
            "implementation": sys.implementation.name.replace("cpython", "CPython"),
            "executable": sys.executable, "gil": enabled, "freeThreaded": gil.free_threaded(),
            "cpuCount": os.cpu_count(),
            "platform": sys.platform,
            "clock": "time.perf_counter_ns (system-wide monotonic clock)"}


def _run_asyncio(target, recorders, control):
    import asyncio

    async def gather():
        tasks = []
        for i, recorder in enumerate(recorders):
            control.write({"type": "created", "worker": i, "t": clock_ns()})
            tasks.append(asyncio.ensure_future(task_worker(target, recorder)))
        for i, task in enumerate(tasks):
            await task
            control.write({"type": "joined", "worker": i, "t": clock_ns()})

    asyncio.run(gather())


def _child_context(config, control):
    """The multiprocessing context of a process model (the configured start method, else the
    platform's), recorded; the config the children get names it; our buffers are emptied first
    so that a forked child does not write them again."""
    import multiprocessing
    context = multiprocessing.get_context(config.get("startMethod") or None)
    control.write({"type": "startMethod", "startMethod": context.get_start_method()})
    sys.stdout.flush()
    sys.stderr.flush()
    return context, dict(config, startMethod=context.get_start_method())


def _run_process_pool(config, workers, control):
    """The process-pool model: a task per worker; how each of the pool's processes ended is
    recorded too, for the tasks whose future only says that the pool broke. With --order, each
    of the pool's processes is handed the turnstile as it starts (its initializer)."""
    from concurrent.futures import ProcessPoolExecutor
    context, config = _child_context(config, control)
    turn = turnstile.make(config, context)
    _run_start(config, control, turn=turn)
    init = {"initializer": turnstile.start, "initargs": (turn,)} if turn is not None else {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, **init) as pool:
        # pid -> Process, every process the pool starts (the pool's own dict, kept after shutdown)
        processes = getattr(pool, "_processes", None)
        if not isinstance(processes, dict):
            processes = {}  # another Python's pool: a lost task's status says "unknown"
        futures = []
        with user_env.ours():  # the pool starts its processes as tasks are submitted
            for i in range(workers):
                control.write({"type": "created", "worker": i, "t": clock_ns()})
                futures.append(pool.submit(pool_task, config, i))
        for i, future in enumerate(futures):
            try:
                future.result()
                control.write({"type": "joined", "worker": i, "t": clock_ns()})
            except Exception as e:  # the pool broke: a process died under this task, or before it
                control.write({"type": "joined", "worker": i, "t": clock_ns(), "lost": type(e).__name__})
    for pid, process in list(processes.items()):  # joined by the shutdown: their exit codes are known
        control.write({"type": "processExit", "pid": pid, "exitCode": process.exitcode})


# The models whose workers are threads of this process: the switch interval is theirs to feel.
THREAD_MODELS = ("thread", "thread-pool")
# The models whose workers can wait at a barrier to begin together (--align).
ALIGNED_MODELS = ("thread", "thread-pool", "process")


def run_model(config, control):
    """Loads the module once, then runs the model once per repetition (``runDirs``: a folder of
    event files each; one when absent), each a run of its own: fresh workers, its own runStart
    and runEnd, its control records tagged with ``repetition`` when there are several."""
    workers = int(config["workers"])
    watch = gil.GilWatch(config.get("gil"))
    target = Target(config)
    control.write({"type": "loaded", "skippedLines": target.skipped, "pid": os.getpid()})
    gil_record = watch.record(config["file"])  # after the import: a module may have turned the GIL on
    if gil_record:
        control.write(gil_record)
    if config["model"] == "asyncio" and not target.is_async:
        raise loader.LoadError("model", "the asyncio model runs coroutines: %s is not an async def"
                               % (config.get("function") or "the selection"))
    run_dirs = config.get("runDirs") or [config["dir"]]
    for k, run_dir in enumerate(run_dirs):
        control.repetition = k if len(run_dirs) > 1 else None
        locks.new_run(run_dir)
        if k:
            fds.set_run_dir(run_dir)
            capture.restart_below()
        ran = _run_once(dict(config, dir=run_dir), target, workers, control)
        if control.repetition is not None:
            # this repetition's files are final: the runner may assemble it while the next one runs
            control.write({"type": "runClosed"})
        if not ran:
            break
    control.repetition = None


def _run_once(config, target, workers, control):
    """One run of the model (one repetition); False when it could not run at all."""
    model = config["model"]
    if model == "interpreter":
        from interleave_interpreters import run_interpreters
        if not run_interpreters(config, workers, control, clock_ns):
            return False
        control.write({"type": "runEnd", "t": clock_ns()})
        return True
    if model not in _RUNNERS:
        raise loader.LoadError("model", "unknown model %r" % model)
    in_children = model in ("process", "process-pool")
    recorders = [] if in_children else [recorder_for(config, i) for i in range(workers)]
    previous = sys.getswitchinterval()
    if model in THREAD_MODELS and config.get("switchInterval"):
        sys.setswitchinterval(float(config["switchInterval"]))
    # --order: the thread models' workers take turns here; a process model makes its own
    turnstile.start(turnstile.make(config) if model in turnstile.THREAD_TURN_MODELS else None)
    try:
        _RUNNERS[model](config, target, recorders, workers, control)
    finally:
        sys.setswitchinterval(previous)
        turnstile.stop()
    # The run's work is over: its end is now, not after our pipe reader has stopped (≈ 1 ms here,
    # which would be most of a small run's wall time). What that reader still finds in the pipes
    # belongs to this run, timed when it was read.
    control.write({"type": "runEnd", "t": clock_ns()})
    capture.stop_below()
    for recorder in recorders:
        started_threads.release(recorder)
    return True


def _run_start(config, control, barrier=None, turn=None):
    """The run begins: its start time, with the controls it runs under (for the thread models
    the switch interval in effect; ``aligned`` when its workers begin together at a barrier;
    ``forced`` when they take turns at their prints in the chosen order)."""
    record = {"type": "runStart", "t": clock_ns()}
    if config["model"] in THREAD_MODELS:
        record["switchInterval"] = sys.getswitchinterval()
    if barrier is not None:
        record["aligned"] = True
    if turn is not None or turnstile.active():
        record["forced"] = True
    control.write(record)


def _barrier(config, workers, make):
    """With ``align``: a barrier the workers wait at after their start-up (``make``: its kind)."""
    return make(workers) if config.get("align") and config["model"] in ALIGNED_MODELS else None


def _run_sequential(config, target, recorders, workers, control):
    _run_start(config, control)
    for i in range(workers):
        run_worker(target, recorders[i], time.thread_time_ns)


def _run_threads(config, target, recorders, workers, control):
    barrier = _barrier(config, workers, threading.Barrier)
    _run_start(config, control, barrier)
    # not daemon threads, as the user's own Thread(target=f) would not be: threads the
    # worker starts inherit that, and Python (and the worker) waits for them
    threads = [threading.Thread(target=run_worker, args=(target, recorders[i], time.thread_time_ns, barrier),
                                name="Thread-%d" % (i + 1))
               for i in range(workers)]
    for i, thread in enumerate(threads):
        control.write({"type": "created", "worker": i, "t": clock_ns()})
        thread.start()
    for i, thread in enumerate(threads):
        thread.join()
        control.write({"type": "joined", "worker": i, "t": clock_ns()})


def _run_processes(config, target, recorders, workers, control):
    context, config = _child_context(config, control)
    barrier = _barrier(config, workers, context.Barrier)
    turn = turnstile.make(config, context)
    _run_start(config, control, barrier, turn)
    processes = [context.Process(target=process_main, args=(config, i, barrier, turn), name="Process-%d" % (i + 1))
                 for i in range(workers)]
    with user_env.ours():
        for i, process in enumerate(processes):
            control.write({"type": "created", "worker": i, "t": clock_ns()})
            process.start()
            control.write({"type": "pid", "worker": i, "pid": process.pid})
    if turn is not None:
        turnstile.watch_processes(turn, processes)
    for i, process in enumerate(processes):
        process.join()
        control.write({"type": "joined", "worker": i, "t": clock_ns(), "exitCode": process.exitcode})


def _run_thread_pool(config, target, recorders, workers, control):
    from concurrent.futures import ThreadPoolExecutor
    # every task blocks at the barrier until all have begun, so none of the pool's threads is
    # idle to take a second task: each task gets a thread of its own
    barrier = _barrier(config, workers, threading.Barrier)
    _run_start(config, control, barrier)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pool") as pool:
        futures = []
        for i in range(workers):
            control.write({"type": "created", "worker": i, "t": clock_ns()})
            futures.append(pool.submit(run_worker, target, recorders[i], time.thread_time_ns, barrier))
        for i, future in enumerate(futures):
            future.result()
            control.write({"type": "joined", "worker": i, "t": clock_ns()})


def _run_asyncio_model(config, target, recorders, workers, control):
    _run_start(config, control)
    _run_asyncio(target, recorders, control)


def _run_process_pool_model(config, target, recorders, workers, control):
    _run_process_pool(config, workers, control)


_RUNNERS = {"sequential": _run_sequential, "thread": _run_threads, "process": _run_processes,
            "thread-pool": _run_thread_pool, "process-pool": _run_process_pool_model,
            "asyncio": _run_asyncio_model}


def inspect(source, display_file):
    """The file's top-level functions as Python's parser sees them (no code of the user's runs)."""
    try:
        tree = loader.parse(loader.read_source(source, display_file), display_file)
        return {"ok": True, "functions": loader.list_functions(tree), "python": python_info()}
    except loader.LoadError as e:
        return {"ok": False, "error": e.to_json(), "python": python_info()}


def fit_to_run(inspection, config):
    """Whether the runner's checks of this inspection will pass (the file parses, the function is
    there and has its arguments, the Python is as new as the runner's minimum, an asyncio model
    in the request has an async def to run): else nothing of the user's runs."""
    if not inspection["ok"] or sys.version_info < tuple(config.get("minPython") or ()):
        return False
    if config.get("snippet"):
        return not config.get("needsAsync")
    found = [f for f in inspection["functions"] if f["name"] == config.get("function")]
    if not found or (config.get("needsAsync") and not found[0]["isAsync"]):
        return False
    return not found[0]["required"] or bool((config.get("args") or "").strip())


def _run_script(config, control):
    """The program as written: the file as __main__, every thread, process and task a worker."""
    import interleave_script
    control.write(dict(type="python", **python_info()))
    try:
        return interleave_script.run_main(config, control)
    except loader.LoadError as e:
        control.write(dict(type="badInput", **e.to_json()))
        return BAD_INPUT


def main(argv):
    if len(argv) >= 3 and argv[1] == "inspect":
        sys.stdout.write(json.dumps(inspect(argv[2], argv[3] if len(argv) > 3 else argv[2])) + "\n")
        return 0
    if len(argv) == 3 and argv[1] == "check-args":
        problem = loader.args_syntax_problem(argv[2])
        sys.stdout.write(json.dumps({"ok": problem is None, "problem": problem}) + "\n")
        return 0
    if len(argv) != 3 or argv[1] != "run":
        sys.stderr.write("usage: interleave_harness.py inspect SOURCE [FILE] | check-args EXPR | run CONFIG.json\n")
        return 2
    with open(argv[2], encoding="utf-8") as f:
        config = json.load(f)
    # Before anything of the user's runs: from here on this is the harness proper, and the first
    # process ends whatever the run leaves behind (see interleave_supervisor).
    supervisor.supervise(config.get("lifeline"), config["dir"])
    control = Control(config["dir"])
    if config.get("model") == "script":
        return _run_script(config, control)
    if config.get("inspect"):
        # the runner's first model: inspecting here saves it starting Python once more
        inspection = inspect(config["source"], config["file"])
        control.write(dict(type="inspection", **inspection))
        if not fit_to_run(inspection, config):
            return 0
    control.write(dict(type="python", **python_info()))
    capture.install(run_dir=config["dir"])
    locks.install(config, control)  # before the user's module makes its locks
    user_env.restore(config)  # before the user's module is imported
    try:
        run_model(config, control)
    except loader.LoadError as e:
        control.write(dict(type="badInput", **e.to_json()))
        return BAD_INPUT
    sys.stdout.flush()
    sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
