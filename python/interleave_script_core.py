"""The core of a traced script (interleave_script): a worker — one lane, its event file and its
``worker`` record — the run's control file, and which files are the program's. The hook families
(interleave_script_threads, interleave_script_processes, interleave_script_asyncio) make workers
through this module; it imports none of them.

Each worker writes its own event file (an interleave_recorder Recorder, ``s<pid>_<token>_<n>.trc``
in the run's folder) and announces itself with a ``worker`` record in ``control.jsonl``:

    {"type": "worker", "key": K, "file": F, "kind": "main|thread|process|task", "name": …,
     "parent": creator's key or null, "pid": …, "tid": …, "t": created (ns)}
    {"type": "spawned", "pid": …, "by": K, "name": …, "t": …}   a process this worker started
                                                                 (its own record may say no parent)
    {"type": "untraced", "pid": …, "by": K, "command": …, "reason": …}   a Python child we cannot follow

Output goes to the worker through a context variable (interleave_capture's task recorder), not a
thread-local: an asyncio task runs on its thread but is a worker of its own.
"""
import contextvars
import itertools
import json
import os
import threading
import time
import traceback

import interleave_capture as capture
import interleave_fds as fds
import interleave_locks as locks
import interleave_recorder as recorder_file
import interleave_script_below as below

clock_ns = time.perf_counter_ns
ENV_RUN = "INTERLEAVE_SCRIPT_RUN"  # the run's folder, for the program's Python children
SITE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "script_site")

settings = {"dir": None, "file": None, "maxEvents": 1000000, "source": None, "deadlockSeconds": 0, "mainPid": None}
current = contextvars.ContextVar("interleave_script_worker", default=None)
thread_worker = threading.local()  # .worker: the worker that is this thread (not a task on it)
thread_worker.worker = None
# numbers of this process's workers: next() of a count is one step, two threads never get the same
_counter = [itertools.count(1)]
_token = [None]


class Worker(object):
    """One lane: its recorder, its key, and how its body ended."""

    def __init__(self, kind, name, parent, created):
        n = next(_counter[0])
        key = "%d.%s.%d" % (os.getpid(), _token[0], n)
        name_of_file = "s%d_%s_%d.trc" % (os.getpid(), _token[0], n)
        self.key = key
        self.kind = kind
        self.name = name
        self.recorder = recorder_file.Recorder(os.path.join(settings["dir"], name_of_file),
                                               settings["file"], settings["maxEvents"])
        self.status = {"status": "ok"}
        self.ended = False
        self.cpu0 = 0
        control({"type": "worker", "key": key, "file": name_of_file, "kind": kind, "name": name,
                 "parent": parent, "pid": os.getpid(), "tid": threading.get_native_id(),
                 "t": created if created is not None else clock_ns()})

    def begin(self):
        if self.kind != "task":
            thread_worker.worker = self  # the thread's own, whatever context runs on it later
        current.set(self)
        capture.attach_task(self.recorder)
        self.cpu0 = time.thread_time_ns()
        # a seat for the deadlock watchdog, and its words for the lane ("Thread-1 (transfer) holds a …")
        locks.worker_began(self.recorder, self.key, self.name, task=self.kind == "task")
        self.recorder.begin()

    def end(self, status=None, cpu=True):
        if self.ended:
            return
        self.ended = True
        if status is not None:
            self.status = status
        if self.recorder.generation != recorder_file.recorder_generation:
            return  # inherited through a fork: the parent's to end
        locks.worker_ended(self.recorder)
        below.settle(self)  # a main thread's: C's output still in the pipe is on its lane
        # no flush of sys.stdout here: the program's output leaves when it would without us (and
        # what os._exit drops stays dropped); its lines are recorded as they are written
        self.recorder.end(time.thread_time_ns() - self.cpu0 if cpu else -1, self.status)


_control_fd = {}  # pid -> its descriptor of the control file (a forked child opens its own)


def control(record):
    """One line of the run's control file: one write, so lines of several processes never mix."""
    fd = _control_fd.get(os.getpid())
    if fd is None:
        fd = os.open(os.path.join(settings["dir"], "control.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        fds.own(fd)
        _control_fd[os.getpid()] = fd
    os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))


def control_while_running(record):
    """``control``, from a hook the program may still call after the run is over (its folder gone):
    then nothing, and the program goes on as without us."""
    try:
        control(record)
    except OSError:
        pass


def current_key():
    worker = current.get()
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


def setup(run_dir, file, max_events):
    """This process's part of the run: its settings, a token of its own, the program's files."""
    settings.update(dir=run_dir, file=file, maxEvents=max_events)
    recorder_file.program_file = _program_file
    _new_token()


class _Control(object):
    """The control file as the deadlock watchdog writes to it (interleave_harness's Control's shape)."""

    @staticmethod
    def write(record):
        control(record)


def watch_locks():
    """The program's locks instrumented in this process, and its deadlock watchdog started: a
    deadlock of this process's threads ends the program — a child's ends the main process too."""
    main = settings["mainPid"] in (None, os.getpid())
    locks.state.end_pids = () if main else (settings["mainPid"],)
    locks.install({"file": settings["file"], "source": settings["source"] or settings["file"], "model": "script",
                   "dir": settings["dir"], "workers": 0, "deadlockSeconds": settings["deadlockSeconds"]}, _Control)


def after_fork_in_child():
    """A forked child is a process of its own: its own token and numbers, and the parent's file
    indexes said again for its pid."""
    global _files_lock
    _new_token()
    _counter[0] = itertools.count(1)
    _files_lock = threading.Lock()  # another thread of the parent may have held it at the fork
    for name, index in list(_files.items()):
        if index:
            _declare_file(index, name)


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
            folder = os.path.dirname(settings["file"] or "") + os.sep
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

