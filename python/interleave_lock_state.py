"""What this process knows of the run for the user's locks, and the tables that the lock wrappers,
the wait records (interleave_lock_waits), the seats (interleave_locks) and the deadlock watchdog
share: one home for all of them, so that a forked child clears them in one place.
"""
import os
import queue
import threading
import weakref

import interleave_recorder


class original(object):
    """threading's and queue's own classes, taken when this module is first imported — before
    interleave_locks.install replaces them — for our wrappers to make and to call."""
    Lock = threading.Lock
    RLock = threading.RLock
    Condition = threading.Condition
    Semaphore = threading.Semaphore
    BoundedSemaphore = threading.BoundedSemaphore
    Event = threading.Event
    Barrier = threading.Barrier
    join = threading.Thread.join
    Queue = queue.Queue
    LifoQueue = queue.LifoQueue
    PriorityQueue = queue.PriorityQueue
    SimpleQueue = queue.SimpleQueue


class _State(object):
    """What this process knows of the run: whose file is the user's, and how it is watched."""
    user_file = None
    source = None
    lines = None  # the user's source, for names and stacks (see source_lines)
    model = None
    dir = None
    installed_pid = None
    watchdog_pid = None
    watch = None  # "here" (thread models), "files" (a process model's harness), "publish" (its workers)
    id_pid = None  # the process the wait ids' prefix was made in
    id_prefix = b""
    end_pids = ()  # a script's child process: the program's main process, ended with it at a deadlock


state = _State()
waiting = {}  # thread ident -> interleave_lock_waits.Wait: what that thread is blocked in now
seats = {}  # recorder -> interleave_locks.Seat: the workers of this process (live and ended)
owned = weakref.WeakSet()  # the user's locks, for the watchdog's "holds"
lock_counts = {}  # recorder -> lock waits recorded (capped like events)
published = {}  # worker -> the state last written to its w<i>.wait


def _after_fork_in_child():
    # the forked child's threads are gone, and with them their waits and workers
    waiting.clear()
    seats.clear()
    lock_counts.clear()
    published.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def is_user_file(name):
    """Whether code of file ``name`` is the user's: the traced file, or in a script run another
    file of the program (interleave_script_core decides which, for its events' lines too)."""
    if name == state.user_file:
        return True
    program_file = interleave_recorder.program_file
    return program_file is not None and program_file(name) > 0


def user_label(obj, kind, frame):
    """``name (line n)`` for an object made by a line of the user's file — ``name (helper.py,
    line n)`` by a line of another file of a script's program — else None (the standard library's
    own objects are not the user's). The name is found by interleave_lock_names."""
    if frame is None:
        return None
    import interleave_lock_names
    name = frame.f_code.co_filename
    if name == state.user_file:
        return interleave_lock_names.label(obj, kind, frame, name, source_lines())
    if not is_user_file(name):
        return None
    return interleave_lock_names.label(obj, kind, frame, name, file_lines(name), os.path.basename(name))


_file_lines = {}  # another file of a script's program -> its lines (one list each: names are parsed once per list)


def file_lines(name):
    """The lines of file ``name``: the traced file's as source_lines, another file's as read."""
    if name == state.user_file:
        return source_lines()
    lines = _file_lines.get(name)
    if lines is None:
        import linecache
        lines = _file_lines[name] = [line.rstrip("\r\n") for line in linecache.getlines(name)]
    return lines


def source_lines():
    """The user's file as lines (for names and stacks), read when first needed."""
    if state.lines is None:
        import interleave_loader as loader
        try:
            state.lines = loader.read_source(state.source, state.user_file).splitlines()
        except Exception:
            state.lines = []
    return state.lines
