"""The program as written (``interleave script``): run a user's file as ``__main__`` and record
every thread, process and asyncio task it makes as a worker of its own.

The parts: interleave_script_core (a worker, its event file and ``worker`` record, the control
file — the record list is there — and the program's files), and the hooks installed in every
process of the program, one family each: interleave_script_threads (threading.Thread: each
thread a worker), interleave_script_processes (os.register_at_fork, multiprocessing's process
start, bootstrap and join, subprocess.Popen, os._exit) and interleave_script_asyncio (asyncio's
Task: each task a worker, its recorder in the task's context). Children that Python starts afresh
(spawn, forkserver, subprocess) find us through ``PYTHONPATH``: script_site/sitecustomize.py
calls ``start_child`` and then the user's own sitecustomize, if there is one.
"""
import json
import os
import sys
import threading
import traceback

import interleave_capture as capture
import interleave_script_below as below
import interleave_script_asyncio as asyncio_hooks
import interleave_script_core as core
import interleave_script_processes as process_hooks
import interleave_script_threads as thread_hooks
import interleave_user_env as user_env
from interleave_script_core import ENV_RUN, SITE_DIR, Worker, clock_ns, status_of

__all__ = ["ENV_RUN", "SITE_DIR", "run_main", "start_child"]


def _setup(run_dir, file, source, max_events, deadlock_seconds, main_pid):
    """This process's hooks, before any of the program's code runs. Each process of the program
    has its deadlock watchdog, which looks at that process's threads."""
    core.setup(run_dir, file, max_events)
    core.settings.update(source=source, deadlockSeconds=deadlock_seconds, mainPid=main_pid)
    thread_hooks.take_originals()
    below.prepare()  # before the capture makes sys.stdout over fds 1 and 2
    capture.install(below=False, run_dir=run_dir)
    core.watch_locks()  # the program's locks, as a function run's; its threads (and tasks) are the workers
    thread_hooks.hook()
    process_hooks.hook()
    below.hook_children()  # over the subprocess hook: a Python child gets the real stdout
    asyncio_hooks.hook()


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
    user_env.restore(config)  # the harness's own settings undone: the program gets the user's
    env_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = SITE_DIR + (os.pathsep + env_path if env_path else "")
    os.environ[ENV_RUN] = run_dir
    with open(os.path.join(run_dir, "script.json"), "w", encoding="utf-8") as f:
        json.dump({"file": file, "source": config["source"], "maxEvents": int(config.get("maxEvents") or 1000000),
                   "deadlockSeconds": float(config.get("deadlockSeconds") or 0), "mainPid": os.getpid(),
                   "harness": os.path.dirname(os.path.abspath(__file__)),
                   "pycache": getattr(sys, "pycache_prefix", None)}, f)  # where our bytecode is cached
    _setup(run_dir, file, config["source"], int(config.get("maxEvents") or 1000000),
           float(config.get("deadlockSeconds") or 0), os.getpid())
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
    _setup(run_dir, settings["file"], settings.get("source", settings["file"]), settings["maxEvents"],
           settings.get("deadlockSeconds", 0), settings.get("mainPid"))
    if _machinery_process():
        import interleave_script_watch
        interleave_script_watch.machinery()  # not a process that could release a wait of the user's
        return  # multiprocessing's forkserver or resource tracker: what it forks is traced
    worker = Worker("process", _process_name(), None, None)
    worker.begin()
    below.start(worker)
    import atexit
    import interleave_script_children as children
    children.hook_uncaught(worker, status_of)
    atexit.register(worker.end)


def _command_line():
    """How this process was started: sys.orig_argv (3.10+); before it, /proc/self/cmdline where
    there is one — sys.argv of ``python -c CODE`` is only ["-c"], which hid multiprocessing's
    resource tracker and forkserver on 3.9 (each became a lane of its own)."""
    argv = getattr(sys, "orig_argv", None)
    if argv:
        return list(argv)
    try:
        with open("/proc/self/cmdline", "rb") as f:
            return [os.fsdecode(a) for a in f.read().split(b"\0") if a]
    except OSError:
        return list(sys.argv)


def _machinery_process():
    command = " ".join(_command_line())
    return "multiprocessing.forkserver import main" in command or "multiprocessing.resource_tracker import main" in command


def _process_name():
    command = " ".join(os.path.basename(a) if i < 2 else a for i, a in enumerate(_command_line()))
    return command[:80] or "pid %d" % os.getpid()
