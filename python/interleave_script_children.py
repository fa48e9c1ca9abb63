"""A ``subprocess`` child of a traced script (``interleave script``): how it was started (Popen's
arguments by name, however they were passed) and how it ended.

A Python child started with subprocess cannot know its own exit status: ``sys.exit(3)`` or
``raise SystemExit(3)`` at its top level ends it inside the interpreter, after our last hook. Its
parent can: ``Popen.wait``/``poll`` (which ``subprocess.run``, ``communicate`` and ``with Popen``
all go through) set ``returncode``; we write it as a ``processExit`` record, as a
``multiprocessing`` join does, and the assembly prefers it to a child's own "ok". A child's
uncaught exception goes through ``sys.excepthook`` before its exit: that child says it itself.
"""
import sys

_popen_signature = []  # subprocess.Popen.__init__'s own, once


def popen_arguments(self, args, rest, kwargs):
    """The arguments of ``Popen.__init__(self, args, *rest, **kwargs)`` by name — its parameters
    after ``args`` can all be passed by position (bufsize, executable, stdin, …, env, …, pass_fds),
    in every version — as an ``inspect.BoundArguments`` to change and call with; None when they do
    not fit (Popen raises the user's TypeError itself). Our hooks wrap Popen.__init__ with
    functools.wraps: the signature is that of the one they wrap."""
    if not _popen_signature:
        import inspect
        import subprocess
        _popen_signature.append(inspect.signature(subprocess.Popen.__init__))
    try:
        return _popen_signature[0].bind(self, args, *rest, **kwargs)
    except TypeError:
        return None


def hook_popen_exits(control):
    """Each Popen's exit status, once, as soon as its parent has seen it."""
    import subprocess
    for name in ("wait", "poll"):
        original = getattr(subprocess.Popen, name, None)
        if original is not None:
            setattr(subprocess.Popen, name, _reporting(original, control))


def _reporting(method, control):
    def reported(self, *args, **kwargs):
        code = method(self, *args, **kwargs)
        _report(self, control)
        return code
    reported.__name__ = reported.__qualname__ = method.__name__
    reported.__doc__ = method.__doc__
    return reported


def _report(popen, control):
    report_exit(popen, getattr(popen, "returncode", None), control)


def report_exit(process, code, control):
    """A child's exit status as its parent saw it (a Popen's, a multiprocessing Process's), once."""
    if code is None or getattr(process, "_interleave_exit", False):
        return
    process._interleave_exit = True
    control({"type": "processExit", "pid": process.pid, "exitCode": code})


def hook_uncaught(worker, status_of):
    """This process's main thread ends on an uncaught exception: ``worker``'s status says so."""
    original = sys.excepthook

    def excepthook(exc_type, exc, tb):
        if not worker.ended:
            worker.status = status_of(exc if exc is not None else exc_type())
        original(exc_type, exc, tb)
    sys.excepthook = excepthook
