"""A worker's life, wherever it runs: what it calls (Target), its body with capture and status
(run_worker), and the entry points of child processes (process_main, pool_task), which must be
importable by name for spawn and forkserver children.
"""
import os
import sys
import threading
import time
import traceback

import interleave_capture as capture
import interleave_started_threads as started_threads
import interleave_fds as fds
import interleave_loader as loader
import interleave_locks as locks
import interleave_recorder as recorder_file
import interleave_turnstile as turnstile
import interleave_user_env as user_env

BAD_INPUT = 3


class Target(object):
    """What a worker calls: the function with its arguments, or the snippet."""

    def __init__(self, config):
        self.config = config
        self.module, self.skipped = loader.load_module(config["source"], config["file"])
        snippet = config.get("snippet")
        if snippet:
            code = loader.compile_snippet(snippet["text"], snippet["line"], config["file"])
            namespace = self.module.__dict__
            self.call = lambda: exec(code, namespace)
            self.is_async = False
            return
        name = config["function"]
        function = self.module.__dict__.get(name)
        if not callable(function):
            raise loader.LoadError("function", "%s has no function %r" % (config["file"], name))
        args, kwargs = loader.parse_args(config.get("args") or "", self.module.__dict__)

        def call():
            result = function(*args, **kwargs)
            if hasattr(result, "__await__"):
                import asyncio
                asyncio.run(result)
        self.call = call
        self.call_async = lambda: function(*args, **kwargs)
        self.is_async = asyncio_function(function)


def asyncio_function(function):
    import inspect
    return inspect.iscoroutinefunction(function)


def _status_of(exc):
    if isinstance(exc, SystemExit):
        return {"status": "exited", "exitCode": exit_code(exc.code)}
    return {"status": "error",
            "error": {"type": type(exc).__name__, "message": str(exc), "traceback": _user_traceback(exc)}}


def exit_code(code):
    """The exit status Python's own exit makes of sys.exit(code) (pythonrun.c, handle_system_exit):
    None is 0; an int is that int as a C int (True is 1; a C long overflow is -1); anything else
    is 1, its message printed (see _say_exit_message)."""
    if code is None:
        return 0
    if not isinstance(code, int):
        return 1
    if not -(1 << 63) <= code < (1 << 63):
        return -1
    return (code + (1 << 31)) % (1 << 32) - (1 << 31)


def _say_exit_message(exc, user_file):
    """sys.exit(obj) with obj neither None nor an int: Python writes str(obj) and a newline to
    sys.stderr as it exits. That is output: written here, through whatever sys.stderr is, from the
    line of the sys.exit call (as if that frame were still there), so that it is the worker's
    event with that line."""
    code = exc.code if isinstance(exc, SystemExit) else None
    if code is None or isinstance(code, int):
        return
    try:
        text = str(code) + "\n"
        line = _exit_line(exc, user_file)
        if not line:
            sys.stderr.write(text)
            return
        at_line = compile("\n" * (line - 1) + "_stderr.write(_text)", user_file, "exec")
        exec(at_line, {"_stderr": sys.stderr, "_text": text})
    except Exception:  # Python ignores a failure to print it too
        pass


def _exit_line(exc, user_file):
    """The line of the innermost frame of the user's file in ``exc``'s traceback (0: none)."""
    line, tb = 0, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == user_file:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _user_traceback(exc):
    """The traceback from the first frame that is not the harness's own."""
    tb = exc.__traceback__
    here = os.path.dirname(os.path.abspath(__file__))
    while tb is not None and os.path.dirname(tb.tb_frame.f_code.co_filename) == here:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


# How long a worker waits at the start barrier (--align) for the others before it goes on alone:
# far longer than any start-up, so only a worker that died before it got there can trip it.
ALIGN_WAIT_S = 60.0


def wait_at(barrier):
    """With --align: wait until every worker of the run has started up. That wait is part of the
    worker's start-up: its begin (startNs) and CPU time come after it."""
    if barrier is None:
        return
    try:
        barrier.wait(ALIGN_WAIT_S)
    except threading.BrokenBarrierError:  # another worker failed before it: go on, unaligned
        pass


def run_worker(target, recorder, cpu_clock, barrier=None):
    """One worker's body on the current thread: begin, call, end — never raises."""
    capture.attach(recorder)
    locks.worker_began(recorder)  # before the worker's clocks start: a worker process says so in a file
    turnstile.worker_began(recorder)
    wait_at(barrier)
    cpu0 = cpu_clock()
    recorder.begin()
    status = {"status": "ok"}
    try:
        target.call()
    except BaseException as e:  # the worker's failure is data
        status = _status_of(e)
        _say_exit_message(e, recorder.user_file)
    finally:
        started_threads.join_started_threads(recorder)  # as Python waits for them before it exits
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        capture.settle_below()
        recorder.end(cpu_clock() - cpu0, status)
        turnstile.worker_ended(recorder)  # its slots left are skipped: the others need not wait for it
        locks.worker_ended(recorder)
        capture.detach()
    return status


def recorder_for(config, worker):
    """The event file of worker ``worker`` of this run."""
    return recorder_file.Recorder(os.path.join(config["dir"], "w%d.trc" % worker), config["file"],
                            int(config.get("maxEvents") or 1000000))


def child_worker(config, worker, cpu_clock, last=True, barrier=None):
    """A worker in a child process (Process or pool task) or a subinterpreter: load the module
    there, run, record. ``last``: the process ends after this worker (a pool's process lives on)."""
    # a subinterpreter shares the process's fds: the main interpreter reads them, and they are
    # ours here too
    for fd in config.get("ownedFds") or ():
        fds.own(fd)
    capture.install(below=config["model"] != "interpreter", run_dir=config["dir"])
    locks.install(config)
    recorder = recorder_for(config, worker)
    user_env.restore(config)  # started with the harness's, as the harness was
    try:
        target = Target(config)
    except loader.LoadError as e:  # the module loads in the parent; this is a child's own failure
        if barrier is not None:
            barrier.abort()  # the others begin now: this one never will
        recorder.end(0, {"status": "error", "error": _child_load_error(e, config)})
        turnstile.worker_ended(recorder)  # with --order: the others do not wait for its turns
        recorder.close()
        return None
    status = run_worker(target, recorder, cpu_clock, barrier)
    if last:
        capture.stop_below()
    started_threads.release(recorder)
    sys.stdout.flush()
    sys.stderr.flush()
    return status


def _child_load_error(e, config):
    """The module loaded in the harness but not in this child (or subinterpreter): say why that
    can happen."""
    if config["model"] == "interpreter":
        message = e.message
        if "subinterpreter" in message:
            message += (". Subinterpreters can only load extension modules built for them; "
                        "use the thread or process model for this code")
        return {"type": "LoadError", "message": message, "traceback": e.traceback_text or ""}
    method = config.get("startMethod") or "spawn"
    if method == "fork" or e.kind != "import":
        return {"type": "LoadError", "message": e.message, "traceback": e.traceback_text or ""}
    where = " (line %d)" % e.line if e.line else ""
    name = os.path.basename(config["file"])
    message = ("%s could not be imported again in this %s child%s: %s. It loaded in the first "
               "process, but under %s every process imports the file anew and runs its top-level "
               "code again. Fix: move that code into the function or under "
               "if __name__ == \"__main__\":, or use the fork start method (--start-method fork, "
               "setting interleave.startMethod)."
               % (name, method, where, e.message.split(": ", 1)[-1], method))
    return {"type": "NotReimportable", "message": message, "traceback": e.traceback_text or ""}


def process_main(config, worker, barrier=None, turn=None):
    """Entry point of a process worker (picklable for spawn/forkserver); ``barrier``: --align's;
    ``turn``: --order's turnstile."""
    turnstile.start(turn)
    status = child_worker(config, worker, time.process_time_ns, barrier=barrier)
    if status is None:
        os._exit(BAD_INPUT)
    if status["status"] == "exited":
        os._exit(status["exitCode"])


def pool_task(config, worker):
    """A task of the process pool: like process_main, but the pool's process lives on."""
    child_worker(config, worker, time.thread_time_ns, last=False)


async def task_worker(target, recorder):
    """One asyncio task: its recorder travels in the task's context, not on the thread."""
    capture.attach_task(recorder)
    locks.worker_began(recorder)
    recorder.begin()
    status = {"status": "ok"}
    try:
        result = target.call_async()
        if hasattr(result, "__await__"):
            await result
    except BaseException as e:  # the worker's failure is data
        status = _status_of(e)
        _say_exit_message(e, recorder.user_file)
    finally:
        await started_threads.join_started_threads_async(recorder)
        recorder.end(-1, status)  # tasks share a thread: their own CPU time is not known
        locks.worker_ended(recorder)
