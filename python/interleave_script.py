"""The program as written (``interleave script``): run a user's file as ``__main__`` and record
every thread, process and asyncio task it makes as a worker of its own.

Each worker writes its own event file (an interleave_recorder Recorder, ``s<pid>_<token>_<n>.trc``
in the run's folder) and announces itself with a ``worker`` record in ``control.jsonl``:

    {"type": "worker", "key": K, "file": F, "kind": "main|thread|process|task", "name": …,
     "parent": creator's key or null, "pid": …, "tid": …, "t": created (ns)}
    {"type": "spawned", "pid": …, "by": K, "name": …, "t": …}   a process this worker started
                                                                 (its own record may say no parent)
    {"type": "untraced", "pid": …, "by": K, "command": …, "reason": …}   a Python child we cannot follow

The hooks, installed in every process of the program: threading.Thread (each thread a worker),
asyncio's Task (each task a worker, its recorder in the task's context), os.register_at_fork (a
forked child's thread a process worker), multiprocessing's process start and bootstrap (names,
exit status), subprocess.Popen (who started a child), os._exit (the worker's end is written
first). Children that Python starts afresh (spawn, forkserver, subprocess) find us through
``PYTHONPATH``: script_site/sitecustomize.py calls ``start_child`` and then the user's own
sitecustomize, if there is one.

Output goes to the worker through a context variable (interleave_capture's task recorder), not a
thread-local: an asyncio task runs on its thread but is a worker of its own.
"""
import contextvars
import itertools
import json
import os
import sys
import threading
import time
import traceback

import interleave_capture as capture
import interleave_fds as fds
import interleave_recorder as recorder_file
import interleave_script_below as below

clock_ns = time.perf_counter_ns
ENV_RUN = "INTERLEAVE_SCRIPT_RUN"  # the run's folder, for the program's Python children
SITE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "script_site")
# Interpreter flags under which a Python child never imports our sitecustomize (-I, -E: no
# PYTHONPATH; -S: no site at all).
_BLIND_FLAGS = "IES"
# Threads of the standard library's own machinery: their output (a Pool's callbacks) goes on a
# sub-lane of the worker that made them, not on a lane of their own.
_MACHINERY = ("multiprocessing.", "concurrent.futures.process")

_settings = {"dir": None, "file": None, "maxEvents": 1000000}
_worker = contextvars.ContextVar("interleave_script_worker", default=None)
_thread_worker = threading.local()  # .worker: the worker that is this thread (not a task on it)
_thread_worker.worker = None
# numbers of this process's workers: next() of a count is one step, two threads never get the same
_counter = [itertools.count(1)]
_token = [None]
_original = {}


class Worker(object):
    """One lane: its recorder, its key, and how its body ended."""

    def __init__(self, kind, name, parent, created):
        n = next(_counter[0])
        key = "%d.%s.%d" % (os.getpid(), _token[0], n)
        name_of_file = "s%d_%s_%d.trc" % (os.getpid(), _token[0], n)
        self.key = key
        self.kind = kind
        self.recorder = recorder_file.Recorder(os.path.join(_settings["dir"], name_of_file),
                                               _settings["file"], _settings["maxEvents"])
        self.status = {"status": "ok"}
        self.ended = False
        self.cpu0 = 0
        control({"type": "worker", "key": key, "file": name_of_file, "kind": kind, "name": name,
                 "parent": parent, "pid": os.getpid(), "tid": threading.get_native_id(),
                 "t": created if created is not None else clock_ns()})

    def begin(self):
        if self.kind != "task":
            _thread_worker.worker = self  # the thread's own, whatever context runs on it later
        _worker.set(self)
        capture.attach_task(self.recorder)
        self.cpu0 = time.thread_time_ns()
        self.recorder.begin()

    def end(self, status=None, cpu=True):
        if self.ended:
            return
        self.ended = True
        if status is not None:
            self.status = status
        if self.recorder.generation != recorder_file.recorder_generation:
            return  # inherited through a fork: the parent's to end
        below.settle(self)  # a main thread's: C's output still in the pipe is on its lane
        # no flush of sys.stdout here: the program's output leaves when it would without us (and
        # what os._exit drops stays dropped); its lines are recorded as they are written
        self.recorder.end(time.thread_time_ns() - self.cpu0 if cpu else -1, self.status)


_control_fd = {}  # pid -> its descriptor of the control file (a forked child opens its own)


def control(record):
    """One line of the run's control file: one write, so lines of several processes never mix."""
    fd = _control_fd.get(os.getpid())
    if fd is None:
        fd = os.open(os.path.join(_settings["dir"], "control.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        fds.own(fd)
        _control_fd[os.getpid()] = fd
    os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))


def current_key():
    worker = _worker.get()
    if worker is None or worker.recorder.generation != recorder_file.recorder_generation:
        return None
    return worker.key


def status_of(exc):
    """An uncaught exception as a worker's status (SystemExit: exited, with Python's exit code)."""
    from interleave_worker import exit_code
    if isinstance(exc, SystemExit):
        return {"status": "exited", "exitCode": exit_code(exc.code)}
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {"status": "error", "error": {"type": type(exc).__name__, "message": str(exc), "traceback": text}}


def _new_token():
    _token[0] = "%x" % (int.from_bytes(os.urandom(3), "little"))


def _setup(run_dir, file, max_events):
    _settings.update(dir=run_dir, file=file, maxEvents=max_events)
    recorder_file.program_file = _program_file
    _new_token()
    # threading's own, before the capture makes a thread a sub-lane of its creator: here each is a worker
    _original.setdefault("init", threading.Thread.__init__)
    _original.setdefault("bootstrap", threading.Thread._bootstrap_inner)
    below.prepare()  # before the capture makes sys.stdout over fds 1 and 2
    capture.install(below=False, run_dir=run_dir)
    _hook_threads()
    _hook_fork()
    _hook_exit()
    _hook_subprocess()
    below.hook_children()
    _hook_asyncio()
    _hook_multiprocessing()


# --- the program's other files ----------------------------------------------------------------

_files = {}  # code file name -> its index for the recorder (0: not a file of the program)
_files_lock = threading.Lock()


def _program_file(name):
    """recorder_file.program_file: a file in the traced file's folder (or below it) other than
    the traced file, not a library's (site-packages) nor ours, gets an index, declared in the
    control file for this process before any line of it is recorded."""
    index = _files.get(name)
    if index is not None:
        return index
    with _files_lock:
        index = _files.get(name)
        if index is None:
            index = 0
            folder = os.path.dirname(_settings["file"] or "") + os.sep
            if (name.startswith(folder) and "site-packages" not in name
                    and not name.startswith(os.path.dirname(SITE_DIR) + os.sep)):
                index = len([i for i in _files.values() if i]) + 1
                if index < recorder_file.MAX_FILES:
                    _declare_file(index, name)
                else:
                    index = 0
            _files[name] = index
    return index


def _declare_file(index, name):
    control({"type": "sourceFile", "pid": os.getpid(), "index": index, "path": name})


# --- threads ------------------------------------------------------------------------------------

def _machinery(thread):
    target = getattr(thread, "_target", None)
    module = getattr(target, "__module__", None) or type(thread).__module__ or ""
    return module.startswith(_MACHINERY)


def _hook_threads():
    original_init = _original["init"]
    original_bootstrap = _original["bootstrap"]
    original_excepthook = threading.excepthook

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self._interleave_parent = _worker.get()
        self._interleave_created = clock_ns()
        if isinstance(getattr(self, "_started", None), threading.Event):
            self._started = _Started(self)

    def bootstrap_inner(self):
        if getattr(self, "_interleave_ours", False):  # the pipe reader of interleave_script_below
            original_bootstrap(self)
            return
        parent = getattr(self, "_interleave_parent", None)
        if parent is not None and parent.recorder.generation != recorder_file.recorder_generation:
            parent = None
        if _machinery(self):
            _run_as_helper(self, parent, original_bootstrap)
            return
        self._interleave_worker_of = parent and parent.key
        if not isinstance(getattr(self, "_started", None), _Started):
            _Started.begin_worker(self)  # a Python whose threads start otherwise: here, then
        try:
            original_bootstrap(self)  # its excepthook's traceback is still the worker's
        finally:
            worker = getattr(self, "_interleave_worker", None)
            if worker is not None:
                worker.end()

    def excepthook(args):
        worker = _worker.get()
        if worker is not None and args.thread is threading.current_thread() and args.exc_type is not SystemExit:
            worker.status = status_of(args.exc_value if args.exc_value is not None else args.exc_type())
        original_excepthook(args)

    threading.Thread.__init__ = init
    threading.Thread._bootstrap_inner = bootstrap_inner
    threading.excepthook = excepthook


class _Started(threading.Event):
    """A thread's "started" event: once the new thread has set it (its creator's start() returns),
    the thread becomes a worker, before its run() — so the creator does not wait for our event
    file (≈ 1.6 ms) and no frame of ours is in the thread's traceback."""

    def __init__(self, thread):
        threading.Event.__init__(self)
        self._thread = thread

    def set(self):
        threading.Event.set(self)
        thread, self._thread = self._thread, None
        # by ident: the thread is not in threading's table yet (current_thread() would make a dummy)
        if thread is not None and threading.get_ident() == thread.ident and hasattr(thread, "_interleave_worker_of"):
            _Started.begin_worker(thread)

    @staticmethod
    def begin_worker(thread):
        worker = Worker("thread", thread.name, thread._interleave_worker_of, getattr(thread, "_interleave_created", None))
        thread._interleave_worker = worker
        worker.begin()


def _run_as_helper(thread, parent, original_bootstrap):
    """A thread of the standard library's machinery: a sub-lane of its creator, if any."""
    if parent is None or parent.recorder.closed:
        original_bootstrap(thread)
        return
    parent.recorder.shared = True
    capture.thread_state.thread = parent.recorder.add_thread(thread.name)
    capture.thread_state.recorder = parent.recorder
    try:
        original_bootstrap(thread)
    finally:
        capture.thread_state.recorder = None
        capture.thread_state.thread = 0


# --- processes ----------------------------------------------------------------------------------

def _hook_fork():
    def after_in_child():
        global _files_lock
        parent = _worker.get()
        _new_token()
        _counter[0] = itertools.count(1)
        _files_lock = threading.Lock()  # another thread of the parent may have held it at the fork
        for name, index in list(_files.items()):  # the parent's indexes, said again for this pid
            if index:
                _declare_file(index, name)
        capture.install(below=False, run_dir=_settings["dir"])
        worker = Worker("process", "pid %d" % os.getpid(), parent.key if parent else None, None)
        worker.begin()
        below.start(worker)
        import atexit
        atexit.register(worker.end)
    os.register_at_fork(after_in_child=after_in_child)


def _hook_exit():
    real_exit = os._exit

    def _exit(code):
        worker = _worker.get()
        if worker is not None:
            worker.end({"status": "exited", "exitCode": code})
        real_exit(code)
    os._exit = _exit


def _blind(args):
    """Why a Python child started with ``args`` will not import our sitecustomize (else None)."""
    if isinstance(args, (str, bytes)) or not args:
        return None
    words = [a if isinstance(a, str) else os.fsdecode(a) for a in args]
    if "python" not in os.path.basename(words[0]):
        return None
    for word in words[1:]:
        if not word.startswith("-") or word in ("-", "--") or word.startswith("--"):
            return None
        if word in ("-c", "-m"):
            return None
        flags = set(word[1:]) & set(_BLIND_FLAGS)
        if flags and word[1:].isalpha():
            return "started with -%s" % "".join(sorted(flags))
    return None


def _hook_subprocess():
    import subprocess
    original_init = subprocess.Popen.__init__

    def init(self, args, *rest, **kwargs):
        created = clock_ns()
        original_init(self, args, *rest, **kwargs)
        by = current_key()
        command = args if isinstance(args, str) else " ".join(os.fsdecode(a) for a in args)
        control({"type": "spawned", "pid": self.pid, "by": by, "name": "subprocess %s" % command[:80], "t": created})
        reason = _blind(args)
        if reason is None and kwargs.get("env") is not None and ENV_RUN not in kwargs["env"]:
            if "python" in os.path.basename(command.split(" ")[0]):
                reason = "started with an env= that leaves out Interleave's variables"
        if reason:
            control({"type": "untraced", "pid": self.pid, "by": by, "command": command[:200], "reason": reason})
    subprocess.Popen.__init__ = init
    import interleave_script_children as children
    children.hook_popen_exits(control)


def _hook_multiprocessing():
    from multiprocessing import process
    original_start = process.BaseProcess.start
    original_bootstrap = process.BaseProcess._bootstrap
    original_run = process.BaseProcess.run
    original_join = process.BaseProcess.join

    def start(self):
        created = clock_ns()
        original_start(self)
        control({"type": "spawned", "pid": self.pid, "by": current_key(), "name": self.name, "t": created})

    def run(self):
        try:
            original_run(self)
        except BaseException as e:
            worker = _worker.get()
            if worker is not None:
                worker.status = status_of(e)
            raise

    def bootstrap(self, *args, **kwargs):
        code = original_bootstrap(self, *args, **kwargs)
        worker = _worker.get()
        if worker is not None and worker.status["status"] == "ok" and code:
            worker.status = {"status": "exited", "exitCode": code}
        if worker is not None:
            worker.end()
        return code

    def join(self, timeout=None):
        original_join(self, timeout)
        code = self.exitcode
        if code is not None and not getattr(self, "_interleave_exit", False):
            self._interleave_exit = True  # how it ended, for a process that could not say (a signal)
            control({"type": "processExit", "pid": self.pid, "exitCode": code})

    process.BaseProcess.start = start
    process.BaseProcess.join = join
    process.BaseProcess.run = run
    process.BaseProcess._bootstrap = bootstrap


# --- asyncio ------------------------------------------------------------------------------------

def _hook_asyncio():
    for name, patch in (("asyncio.tasks", _patch_tasks), ("asyncio.threads", _patch_to_thread)):
        if name in sys.modules:
            patch(sys.modules[name])
        else:
            sys.meta_path.insert(0, _AfterImport(name, patch))


def _patch_to_thread(threads):
    """asyncio.to_thread runs the function in a pool thread but in a copy of the calling task's
    context, where the worker is the task: there its lines are the pool thread's, who wrote them."""
    to_thread = getattr(threads, "to_thread", None)
    if to_thread is None:
        return

    async def traced_to_thread(func, *args, **kwargs):
        def in_its_own_lane(*a, **k):
            own = _thread_worker.worker
            if own is not None:
                _worker.set(own)
                capture.attach_task(own.recorder)
            return func(*a, **k)
        return await to_thread(in_its_own_lane, *args, **kwargs)

    traced_to_thread.__name__ = traced_to_thread.__qualname__ = "to_thread"
    traced_to_thread.__doc__ = to_thread.__doc__
    threads.to_thread = traced_to_thread


class _AfterImport(object):
    """Patches a module right after it is executed, before anyone imports names from it."""

    def __init__(self, name, patch):
        self.name = name
        self.patch = patch

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module
        patch = self.patch

        def patched(module):
            exec_module(module)
            patch(module)
        spec.loader.exec_module = patched
        return spec


def _patch_tasks(tasks):
    from asyncio.coroutines import iscoroutine
    base = tasks.Task

    class Task(base):
        def __init__(self, coro, *args, **kwargs):
            if iscoroutine(coro) and not _asyncio_own(coro):
                coro = _task_body(coro, _worker.get(), clock_ns())
            base.__init__(self, coro, *args, **kwargs)

    Task.__name__ = Task.__qualname__ = "Task"
    Task.__module__ = base.__module__
    tasks.Task = Task


def _asyncio_own(coro):
    """A coroutine of asyncio's machinery (asyncio.run's shutdown_asyncgens, …): not a task of the
    program's; what it prints is its creator's."""
    frame = getattr(coro, "cr_frame", None)
    return frame is not None and frame.f_globals.get("__name__", "").startswith("asyncio.")


async def _task_body(coro, parent, created):
    """A task's coroutine as a worker: its recorder in the task's own context."""
    import asyncio
    task = asyncio.current_task()
    name = task.get_name() if task is not None else "Task"
    qualname = getattr(coro, "__qualname__", None)
    if qualname:
        name = "%s %s()" % (name, qualname)
    key = parent.key if parent is not None and parent.recorder.generation == recorder_file.recorder_generation else None
    worker = Worker("task", name, key, created)
    # its context can reach another thread (asyncio.to_thread runs the function in a copy of it):
    # the recorder's writes then take its lock, as for a worker whose threads write to it
    worker.recorder.shared = True
    worker.begin()
    try:
        return await coro
    except BaseException as e:
        worker.status = status_of(e) if not isinstance(e, asyncio.CancelledError) else {
            "status": "error", "error": {"type": "CancelledError", "message": "cancelled", "traceback": ""}}
        raise
    finally:
        worker.end(cpu=False)  # tasks share a thread: their own CPU time is not known


# --- entry points -------------------------------------------------------------------------------

def run_main(config, control_file):
    """The harness's main process runs the file as __main__; returns the exit status Python would."""
    import interleave_loader as loader
    file = config["file"]
    text = loader.read_source(config["source"], file)
    try:
        code = compile(text, file, "exec", dont_inherit=True)
    except SyntaxError as e:
        loader.parse(text, file)  # the same message as the function runs give
        raise loader.LoadError("syntax", "%s:%s:%s: SyntaxError: %s" % (file, e.lineno, e.offset, e.msg),
                               line=e.lineno, col=e.offset)
    run_dir = config["dir"]
    for name, value in (config.get("userEnv") or {}).items():  # the harness's own settings undone
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    env_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = SITE_DIR + (os.pathsep + env_path if env_path else "")
    os.environ[ENV_RUN] = run_dir
    with open(os.path.join(run_dir, "script.json"), "w", encoding="utf-8") as f:
        json.dump({"file": file, "maxEvents": int(config.get("maxEvents") or 1000000),
                   "harness": os.path.dirname(os.path.abspath(__file__))}, f)
    _setup(run_dir, file, int(config.get("maxEvents") or 1000000))
    import atexit
    atexit.register(lambda: control_file.write({"type": "runEnd", "t": clock_ns()}))  # first in: runs last
    return _exec_main(code, file, config.get("argv") or [], control_file)


def _exec_main(code, file, argv, control_file):
    import types
    here = sys.path[0]
    sys.path[0] = os.path.dirname(file)  # as `python FILE` has it
    if here not in sys.path:
        sys.path.append(here)  # our own modules, imported late
    sys.argv = [file] + list(argv)
    module = types.ModuleType("__main__")
    module.__dict__.update({"__file__": file, "__builtins__": __builtins__, "__cached__": None})
    harness_main = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    control_file.write({"type": "runStart", "t": clock_ns()})  # the run's 0: the main thread is made then
    worker = Worker("main", threading.current_thread().name, None, None)
    worker.begin()
    below.start(worker)
    status, returned = {"status": "ok"}, 0
    try:
        exec(code, module.__dict__)
    except BaseException as e:  # the program's failure is data, shown as Python shows it
        status, returned = status_of(e), _say_as_python(e, file)
    finally:
        worker.end(status)
        module.__dict__.setdefault("__interleave_harness__", harness_main)
    return returned


def _say_as_python(exc, file):
    """What Python writes when ``exc`` ends the program, and the exit status it gives."""
    from interleave_worker import exit_code, _say_exit_message
    if isinstance(exc, SystemExit):
        _say_exit_message(exc, file)
        return exit_code(exc.code)
    traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)  # from the file's own frame
    return 130 if isinstance(exc, KeyboardInterrupt) else 1
    return 0


def start_child():
    """In a Python child of the program (from sitecustomize): record it as a worker of its own."""
    run_dir = os.environ.get(ENV_RUN)
    if not run_dir or not os.path.isdir(run_dir):
        return
    with open(os.path.join(run_dir, "script.json"), encoding="utf-8") as f:
        settings = json.load(f)
    _setup(run_dir, settings["file"], settings["maxEvents"])
    if _machinery_process():
        return  # multiprocessing's forkserver or resource tracker: what it forks is traced
    worker = Worker("process", _process_name(), None, None)
    worker.begin()
    below.start(worker)
    import atexit
    import interleave_script_children as children
    children.hook_uncaught(worker, status_of)
    atexit.register(worker.end)


def _machinery_process():
    argv = getattr(sys, "orig_argv", None) or []
    command = " ".join(argv)
    return "multiprocessing.forkserver import main" in command or "multiprocessing.resource_tracker import main" in command


def _process_name():
    argv = getattr(sys, "orig_argv", None) or sys.argv
    command = " ".join(os.path.basename(a) if i < 2 else a for i, a in enumerate(argv))
    return command[:80] or "pid %d" % os.getpid()
