"""Nothing a run starts may outlive it: not a process that moved to a session of its own
(``os.setsid``), not one whose parent has gone (a double fork), and not the run itself when the
runner that started it dies without ending it.

``supervise`` splits the harness in two at start-up. The first process — the one the runner
started, leader of the run's process group — makes itself the run's child subreaper (Linux: orphans
of the run are given to it, not to init, so they stay findable), forks the harness proper, and
waits. When the harness ends, or when the runner goes away (the lifeline pipe only the runner
writes to reads end-of-file), it ends every process still below it, found by their parents in
/proc, and leaves with the harness's own status (its exit code, or the signal that ended it): to
the runner it is the harness. Where there is no /proc, the process group is what is ended.
"""
import os
import signal
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
# What is still running when the harness has ended gets this long to end by itself
# (multiprocessing's resource tracker and forkserver do, once the harness's pipes close).
GRACE_S = 0.2
# Held by whichever ends the run — the harness having ended, or the runner having gone — for
# good: the other must not leave (nor end the process) halfway through.
_ending = threading.Lock()


def become_subreaper():
    """Orphans of this process's descendants become its children (Linux 3.4+); False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (ImportError, OSError, AttributeError):
        return False


def _children_by_parent():
    """parent pid -> pids of its live children, from every /proc/<pid>/stat; None where there is
    no /proc."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return None
    children = {}
    for name in names:
        if name.isdigit():
            state, parent = _state_and_parent(int(name))
            if state is not None and state not in b"ZX":  # a dead one has nothing to end, nor children
                children.setdefault(parent, []).append(int(name))
    return children


def _state_and_parent(pid):
    """(state, parent pid) of ``pid`` from /proc; (None, None) when it has ended."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read()
    except OSError:
        return None, None
    # "pid (comm) state ppid …": the command name may hold spaces and parentheses
    fields = stat[stat.rfind(b")") + 2:].split()
    return (fields[0], int(fields[1])) if len(fields) > 1 else (None, None)


def _children(pid):
    """The live children of ``pid`` from its threads' /proc children lists (read only the run's
    processes, not every process of the machine, at the end of every run)."""
    found = []
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return found  # it has ended
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid), "rb") as f:
                found.extend(int(child) for child in f.read().split())
        except OSError:
            pass  # that thread has ended
    return [child for child in found if _state_and_parent(child)[0] not in (None, b"Z", b"X")]


# Linux 3.5+ built with CONFIG_PROC_CHILDREN lists each thread's children.
_CHILDREN_LISTED = os.path.exists("/proc/%d/task/%d/children" % (os.getpid(), os.getpid()))


def descendants(root):
    """Every live process below ``root``; None where /proc cannot say."""
    children = _children
    if not _CHILDREN_LISTED:
        by_parent = _children_by_parent()
        if by_parent is None:
            return None
        children = by_parent.get
    found, todo = [], [root]
    while todo:
        for child in children(todo.pop()) or ():
            found.append(child)
            todo.append(child)
    return found


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except OSError:
        pass  # gone already, or not ours to signal


def _reap(until=None):
    """Collect our children that have died (orphans given to us would stay zombies until we exit);
    until the monotonic time ``until``, wait for all of them to."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # no children left
        if pid == 0:
            if until is None or time.monotonic() >= until:
                return
            time.sleep(0.002)


def end_descendants(root, grace=0.0):
    """Ends every process below ``root``: after ``grace`` seconds for them to end by themselves,
    each is frozen (SIGSTOP: none can fork or be reparented away while we look further), then all
    are killed. Returns False where /proc cannot say what is below ``root``."""
    deadline = time.monotonic() + grace
    found = descendants(root)
    while found and time.monotonic() < deadline:
        time.sleep(0.005)
        _reap()
        found = descendants(root)
    if found is None:
        return False
    frozen = set()
    for _ in range(100):  # a process we may not stop could fork for ever: not a reason to hang
        fresh = [pid for pid in found if pid not in frozen]
        if not fresh:
            break
        for pid in fresh:
            _signal(pid, signal.SIGSTOP)
            frozen.add(pid)
        found = descendants(root) or []
    for pid in frozen:
        _signal(pid, signal.SIGKILL)
    _reap(until=time.monotonic() + 1.0)  # killed ones are reparented to us as they die
    return True


def _end_run(run_dir):
    """The runner is gone: end everything of the run, this process last, and remove the run's
    folder (the runner made it for this run, and cannot remove it now)."""
    end_descendants(os.getpid())
    if run_dir:
        import shutil
        shutil.rmtree(run_dir, ignore_errors=True)
    if os.getpgrp() == os.getpid():  # the runner made the run a group of its own: end it all
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(1)


def _watch(lifeline, run_dir):
    """Blocks until the runner's end of the lifeline closes — the runner has ended, however."""
    try:
        while os.read(lifeline, 512):
            pass  # nothing is ever sent; whatever is, is not the end
    except OSError:
        pass
    _ending.acquire()
    _end_run(run_dir)


def _leave_as(status):
    """Exit as the harness did: with its exit code, or killed by the same signal."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the harness's crash, not a core of ours
        except (ImportError, ValueError, OSError):
            pass
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL: ends us whatever is set
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)  # a signal that does not end a process by default
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def supervise(lifeline=None, run_dir=None):
    """Called first in the harness. Returns in the harness proper (a child process); in the
    supervisor it waits for that child, ends what the run left, and exits with the child's status.
    ``lifeline``: a descriptor whose other end the runner holds, or None; ``run_dir``: the run's
    folder, removed if the runner goes away."""
    if not hasattr(os, "fork"):
        return  # Windows: the runner ends the run's processes itself
    become_subreaper()
    sys.stdout.flush()
    sys.stderr.flush()
    harness = os.fork()
    if harness == 0:
        if lifeline is not None:
            os.close(lifeline)  # only the supervisor holds it: the user's code never sees it
        return
    if lifeline is not None:
        threading.Thread(target=_watch, args=(lifeline, run_dir), name="interleave-lifeline", daemon=True).start()
    while True:  # orphans given to us are collected as they die, the harness's status kept
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:  # cannot happen while the harness is our child: leave as a failure
            status = 1 << 8
            break
        if pid == harness:
            break
    _ending.acquire()  # blocks for good when the runner is gone: then _end_run ends this process
    end_descendants(os.getpid(), GRACE_S)
    _leave_as(status)
