"""The wait registry and its records: which thread is blocked in which wait now (for the deadlock
watchdog), and the lock records (``L``, see interleave_recorder) that a contended wait writes to
its worker's event file — the wait began, then acquired (or gave up), then released: the hold.

Every wrapper of the user's objects (interleave_lock_wrappers, interleave_lock_classes,
interleave_mp_locks) records through ``waited`` (``begin`` … ``end``) and ``released``.
"""
import itertools
import os
import sys
import threading

import interleave_recorder as _rec
from interleave_capture import _task_recorder
from interleave_lock_state import state, waiting, lock_counts, original
from interleave_recorder import thread_state, clock_ns, user_line

KIND_LOCK = 76  # "L": see the record list in interleave_recorder
WAIT, ACQUIRED, RELEASED, GAVE_UP = 0, 1, 2, 3

_get_ident = threading.get_ident
_getframe = sys._getframe
_join = original.join
_ids = itertools.count(1)


class Wait(object):
    """A thread blocked in a wait: what on, since when, and whether it can end by itself."""
    __slots__ = ("id", "rec", "thread", "line", "since", "timed", "verb", "label", "joined", "shared")

    def __init__(self, rec, thread, line, timed, verb, label, joined=None, shared=False):
        self.id = None  # bytes: the id of its records
        self.rec = rec
        self.thread = thread
        self.line = line
        self.since = clock_ns()
        self.timed = timed
        self.verb = verb  # "waits for %s" …
        self.label = label  # … "b (line 6)"
        self.joined = joined  # the Thread (or multiprocessing Process) a join waits for
        # another process can end it (a multiprocessing object, a process's end): in a script run
        # the watchdog decides with the program's other processes (interleave_script_watch)
        self.shared = shared

    def words(self):
        """What it waits for, in the cycle's words: "waits for b (line 6)"."""
        return self.verb % self.label


def recorder():
    """The recorder of the worker running on this thread (or asyncio task), if it is this run's."""
    rec = thread_state.recorder
    if rec is None:
        rec = _task_recorder.get()
    if rec is None or rec.generation != _rec.recorder_generation:
        return None
    return rec


def _write(rec, phase, t, line, thread, payload):
    """One lock record into ``rec``, by the rules of its other writers (its lock once threads
    share it); never fails the user's code."""
    try:
        if rec.shared:
            with rec._lock:
                rec._record(KIND_LOCK, t, line, phase | thread << 2, payload)
        else:
            rec._record(KIND_LOCK, t, line, phase | thread << 2, payload)
    except (ValueError, OSError):  # its file was closed: a thread outliving its worker
        pass


_tails = {}  # (kind, name) -> the end of a wait record's payload, encoded once


def begin(label, kind, verb, timed, joined=None, line=None):
    """A wait begins on the current thread: noted for the watchdog, and written to the worker's
    file. Kept short: in a convoy (threads handing a lock to each other) every handoff is one."""
    rec = recorder()
    thread = thread_state.thread if rec is not None else 0
    if line is None:
        line = user_line(_getframe(2), state.user_file)
    wait = Wait(rec, thread, line, timed, verb, label, joined, kind in SHARED_KINDS or kind.startswith("multiprocessing."))
    if rec is not None:
        count = lock_counts.get(rec, 0)
        if count < rec.max_events:
            lock_counts[rec] = count + 1
            if state.id_pid != os.getpid():  # ids unique in the run: "pid.n"
                state.id_pid = os.getpid()
                state.id_prefix = b"%d." % state.id_pid
            wait.id = state.id_prefix + b"%d" % next(_ids)
            tail = _tails.get((kind, label))
            if tail is None:
                tail = _tails[(kind, label)] = ("\t%s\t%s" % (kind, label)).encode("utf-8", "backslashreplace")
            _write(rec, WAIT, wait.since, line, thread, wait.id + tail)
    waiting[_get_ident()] = wait
    return wait


def end(wait, ok):
    """The wait is over: acquired (``ok``) or given up. Returns its id for the hold, if recorded."""
    ident = _get_ident()
    if waiting.get(ident) is wait:
        del waiting[ident]
    if wait.id is not None:
        _write(wait.rec, ACQUIRED if ok else GAVE_UP, clock_ns(), wait.line, wait.thread, wait.id)
    return wait.id if ok else None


def waited(call, args, label, kind, verb, timed, true_is_ok=True):
    """``call(*args)``, a blocking wait on the user's ``label``, recorded from ``begin`` to ``end``:
    acquired when it returned a true value (``true_is_ok``) or returned at all, else given up.
    Returns its result and the hold's id (None unless acquired and recorded)."""
    wait = begin(label, kind, verb, timed)
    ok = False
    try:
        result = call(*args)
        ok = bool(result) if true_is_ok else True
    finally:
        hold = end(wait, ok)
    return result, hold


def released(hold):
    """The hold of a contended acquire ends: recorded by the releasing thread's worker."""
    rec = recorder() if hold is not None else None
    if rec is not None:
        _write(rec, RELEASED, clock_ns(), user_line(_getframe(2), state.user_file),
               thread_state.thread, hold)


THREAD_JOIN, PROCESS_JOIN = "Thread.join", "Process.join"  # the kinds of a join's wait records
SHARED_KINDS = (PROCESS_JOIN,)  # besides multiprocessing's objects: waits another process ends


def thread_join(self, timeout=None):
    """Thread.join: a wait on that thread — recorded (its lane waits for the thread to end, not
    "blocked elsewhere"; a join of one that ended already says who joined it, and when), and for
    the watchdog."""
    if self is threading.current_thread() or not self._started.is_set():
        return _join(self, timeout)  # the error join gives
    if timeout is not None and timeout <= 0:
        return _join(self, timeout)  # a poll (join(0) in a loop): no wait, and no record
    return joined(_join, self, timeout, THREAD_JOIN, "waits for its thread %s to end")


def joined(join, whom, timeout, kind, verb):
    """``join(whom, timeout)`` recorded as a wait on ``whom`` (a Thread or a multiprocessing
    Process) ending, from the user's line that called it (the standard library's on its behalf
    too: a pool's shutdown at the end of a ``with``). Ours — the harness joining a worker's
    threads — is only noted for the watchdog."""
    line = user_line(_getframe(2), state.user_file)
    if not line:
        return _noted(join, whom, timeout, kind, verb)
    wait = begin(whom.name, kind, verb, timeout is not None, whom, line)
    ended = False
    try:
        result = join(whom, timeout)
        ended = timeout is None or not whom.is_alive()
        return result
    finally:
        end(wait, ended)  # a timeout that ran out gave up


def _noted(join, whom, timeout, kind, verb):
    wait = Wait(recorder(), thread_state.thread, 0, timeout is not None, verb, whom.name, whom, kind in SHARED_KINDS)
    ident = _get_ident()
    waiting[ident] = wait
    try:
        return join(whom, timeout)
    finally:
        if waiting.get(ident) is wait:
            del waiting[ident]
