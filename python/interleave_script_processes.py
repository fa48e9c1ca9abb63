"""A traced script's processes (interleave_script): a forked child's thread becomes a process
worker (os.register_at_fork), os._exit writes the worker's end first, subprocess.Popen and
multiprocessing's start say who started a child (and which Python children cannot be followed),
multiprocessing's bootstrap and join say how a process ended.
"""
import os
import threading

import interleave_capture as capture
import interleave_script_below as below
import interleave_locks as locks
import interleave_script_children as children
from interleave_script_core import (ENV_RUN, Worker, after_fork_in_child, clock_ns, control, control_while_running,
                                    current, current_key, settings, status_of, watch_locks)

# Interpreter flags under which a Python child never imports our sitecustomize (-I, -E: no
# PYTHONPATH; -S: no site at all).
_BLIND_FLAGS = "IES"


def hook():
    hook_fork()
    hook_exit()
    hook_subprocess()
    hook_multiprocessing()


_threads_at_fork = [0]  # the program's other threads running when this process last forked


def _count_threads_at_fork():
    """Before a fork: how many of the program's threads besides this one run (ours left out). A
    lock one of them holds then — sys.stdout's, a logging handler's — stays held in the child."""
    me = threading.current_thread()
    _threads_at_fork[0] = sum(1 for t in threading.enumerate()
                              if t is not me and getattr(t, "_interleave_recorder", 0) is not None)


def hook_fork():
    def after_in_child():
        parent = current.get()
        after_fork_in_child()
        capture.install(below=False, run_dir=settings["dir"])
        watch_locks()  # threads (the watchdog's too) do not survive a fork
        if _threads_at_fork[0]:
            control({"type": "forked", "pid": os.getpid(), "threads": _threads_at_fork[0]})
        worker = Worker("process", "pid %d" % os.getpid(), parent.key if parent else None, None)
        worker.begin()
        below.start(worker)
        import atexit
        atexit.register(worker.end)
    os.register_at_fork(before=_count_threads_at_fork, after_in_child=after_in_child)


def hook_exit():
    real_exit = os._exit

    def _exit(code):
        worker = current.get()
        if worker is not None:
            worker.end({"status": "exited", "exitCode": code})
        real_exit(code)
    os._exit = _exit


def command_words(args):
    """Popen's ``args`` as words: a str, bytes or path is one (a command line for a shell, or a program alone)."""
    if isinstance(args, (str, bytes, os.PathLike)):
        return [os.fsdecode(args)]
    return [os.fsdecode(a) for a in args]


def blind(args):
    """Why a Python child started with ``args`` will not import our sitecustomize (else None)."""
    if isinstance(args, (str, bytes, os.PathLike)) or not args:
        return None
    words = command_words(args)
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


def hook_subprocess():
    import functools
    import subprocess
    original_init = subprocess.Popen.__init__

    @functools.wraps(original_init)  # its signature stays Popen's: popen_arguments reads it
    def init(self, args, *rest, **kwargs):
        created = clock_ns()
        original_init(self, args, *rest, **kwargs)
        by = current_key()
        command = " ".join(command_words(args))
        control({"type": "spawned", "pid": self.pid, "by": by, "name": "subprocess %s" % command[:80], "t": created})
        reason = blind(args)
        call = children.popen_arguments(self, args, rest, kwargs)
        env = call.arguments.get("env") if call is not None else None
        if reason is None and env is not None and ENV_RUN not in env:
            if "python" in os.path.basename(command.split(" ")[0]):
                reason = "started with an env= that leaves out Interleave's variables"
        if reason:
            control({"type": "untraced", "pid": self.pid, "by": by, "command": command[:200], "reason": reason})
    subprocess.Popen.__init__ = init
    for name in ("terminate", "kill"):
        setattr(subprocess.Popen, name, _ending(getattr(subprocess.Popen, name), name))
    children.hook_popen_exits(control_while_running)


def hook_multiprocessing():
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
            worker = current.get()
            if worker is not None:
                worker.status = status_of(e)
            raise

    def bootstrap(self, *args, **kwargs):
        worker = current.get()
        if worker is not None:
            locks.rename(worker.recorder, self.name)  # the cycle's words name it as the lane does: Process-1
        code = original_bootstrap(self, *args, **kwargs)
        worker = current.get()
        if worker is not None and worker.status["status"] == "ok" and code:
            worker.status = {"status": "exited", "exitCode": code}
        if worker is not None:
            worker.end()
        return code

    original_is_alive = process.BaseProcess.is_alive

    def join(self, timeout=None):
        original_join(self, timeout)
        say_exit(self)

    def is_alive(self):
        alive = original_is_alive(self)
        if not alive:
            say_exit(self)  # reaped here: a Pool's terminate joins only the workers still alive
        return alive

    def say_exit(self):
        # how it ended, for a process that could not say (a signal)
        popen = getattr(self, "_popen", None)
        children.report_exit(self, popen.returncode if popen is not None else None, control_while_running)

    process.BaseProcess.start = start
    process.BaseProcess.join = join
    process.BaseProcess.is_alive = is_alive
    for name in ("terminate", "kill"):
        setattr(process.BaseProcess, name, _ending(getattr(process.BaseProcess, name), name))
    process.BaseProcess.run = run
    process.BaseProcess._bootstrap = bootstrap



def _ending(method, name):
    """Process.terminate/kill, Popen.terminate/kill: the program ends one of its processes itself
    (a Pool's terminate() at the end of its ``with`` does): an ``ended`` record says who, so that
    the process killed by it is not taken for one that failed."""
    def ending(self, *args, **kwargs):
        popen = getattr(self, "_popen", self)  # a multiprocessing Process's, or the Popen itself
        if popen is not None and getattr(popen, "returncode", 0) is None and popen.poll() is None:  # not ended already
            control_while_running({"type": "ended", "pid": self.pid, "by": current_key(), "call": "%s()" % name})
        return method(self, *args, **kwargs)
    ending.__name__ = ending.__qualname__ = name
    ending.__doc__ = method.__doc__
    return ending
