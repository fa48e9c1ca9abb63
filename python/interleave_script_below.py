"""Output below Python in a traced script (``interleave script``): C's ``printf``, ``os.system``,
a non-Python child that shares stdout. As in the function runs (interleave_below), fds 1 and 2 of
every traced process are a pipe whose reader passes what arrives on unchanged and records it,
approximate, on the lane of that process's main thread — the writing thread is not known, and a
non-Python child's bytes cannot be told from its parent's own C output in one pipe (giving each
child a pipe of its own would change the order the user sees its lines in).

A Python child started with subprocess, spawn or forkserver inherits its parent's pipe as its
fds 1 and 2. Its own lines, which it records exactly, must not go into that pipe, or its parent
would record them a second time: it writes them to its parent's real stdout/stderr instead. Those
descriptors are passed down (inheritable, added to ``pass_fds``) and named in ``ENV``: for each
pipe of a traced process, the descriptor that stands for its real destination and what that is.
A child whose stdout was redirected (a file, ``stdout=PIPE``) is not reading a pipe of ours, and
keeps its own.
"""
import os
import sys

import interleave_capture as capture
import interleave_fds as fds

ENV = "INTERLEAVE_SCRIPT_BELOW"  # "pipe=fd:real,…": pipe and real as "device:inode"
_lane = [None]  # the worker of this process's main thread: below-Python output goes to its lane
_reading = [None]  # the pid that reads its fds 1 and 2 below Python
_prepared = [False]  # this process's real fds 1 and 2 are known (and passed to its children)


def _identity(fd):
    st = os.fstat(fd)
    return "%d:%d" % (st.st_dev, st.st_ino)


def _passed():
    """What the environment says: a traced ancestor's pipe -> (its real descriptor, what that is)."""
    found = {}
    for entry in os.environ.get(ENV, "").split(","):
        pipe, _, real = entry.partition("=")
        fd, _, identity = real.partition(":")
        if pipe and fd.isdigit():
            found[pipe] = (int(fd), identity)
    return found


def _reachable(ancestor):
    fd, identity = ancestor
    try:
        return _identity(fd) == identity
    except OSError:
        return False


def prepare():
    """Before the capture makes sys.stdout/sys.stderr over them: this process's real fds 1 and 2
    (a traced ancestor's, when ours are its pipe). False when below Python cannot be read here."""
    if sys.platform == "win32" or not hasattr(os, "set_inheritable"):
        return False
    passed = _passed()
    real = {}
    try:
        for fd in (1, 2):
            ancestor = passed.get(_identity(fd))
            if ancestor is None:
                real[fd] = os.dup(fd)
            elif _reachable(ancestor):
                real[fd] = ancestor[0]
            else:  # not passed down to us (a Popen we could not add it to): its reader records our lines
                return False
    except OSError:  # no stdout or stderr: nothing to read below Python
        return False
    for fd, r in real.items():
        fds.own(r)
        os.set_inheritable(r, True)  # os.system, close_fds=False, exec: our children get it
        capture._real_fds[fd] = r
    _prepared[0] = True
    return True


def start(worker):
    """``worker`` is this process's main thread: read fds 1/2 below Python onto its lane, and tell
    the Python children it starts where their own lines go."""
    _lane[0] = worker
    if not _prepared[0] or not capture.start_below(_lane_recorder):
        return
    _reading[0] = os.getpid()
    import atexit
    atexit.register(capture.stop_below, until_idle=True)  # before the capture's own (a join)
    entries = ["%s=%d:%s" % (_identity(fd), capture._real_fds[fd], _identity(capture._real_fds[fd])) for fd in (1, 2)]
    os.environ[ENV] = ",".join(entries)


def _lane_recorder():
    worker = _lane[0]
    if worker is None or worker.recorder.generation != _generation():
        return None
    return worker.recorder.side()


def _generation():
    import interleave_recorder
    return interleave_recorder.recorder_generation


def settle(worker):
    """Before ``worker`` (a main thread's) ends: what is in the pipes now is on its lane."""
    if worker is _lane[0] and _reading[0] == os.getpid():
        capture.settle_below()


def real_fds():
    """Ours to pass to a child that closes the others (subprocess's close_fds, multiprocessing)."""
    return tuple(capture._real_fds.values()) if _prepared[0] else ()


def hook_children():
    """subprocess.Popen and multiprocessing's spawn and forkserver close every descriptor but the
    ones they pass: pass ours too."""
    import functools
    import subprocess
    from multiprocessing import util
    from interleave_script_children import popen_arguments
    original_init = subprocess.Popen.__init__
    original_spawn = util.spawnv_passfds

    @functools.wraps(original_init)
    def init(self, args, *rest, **kwargs):
        ours = real_fds()
        call = popen_arguments(self, args, rest, kwargs) if ours else None
        # close_fds=False: the child inherits them anyway (adding pass_fds would only warn)
        if call is None or call.arguments.get("close_fds", True) is False:
            return original_init(self, args, *rest, **kwargs)
        call.arguments["pass_fds"] = tuple(call.arguments.get("pass_fds", ())) + ours
        original_init(*call.args, **call.kwargs)

    def spawnv_passfds(path, args, passfds):
        return original_spawn(path, args, list(passfds) + list(real_fds()))

    subprocess.Popen.__init__ = init
    util.spawnv_passfds = spawnv_passfds
