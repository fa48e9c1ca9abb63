"""threading.Lock and RLock made by the user's file: wrappers (the C lock types cannot be
subclassed) whose uncontended acquire is a non-blocking try and the owner noted for the watchdog,
and whose contended acquire records its wait and hold (interleave_lock_waits).

Their acquire/__enter__ (and RLock's release/__exit__) are deliberately inlined copies of each
other: an uncontended pair must add at most ≈ 1 µs, and a call less is measurable there.
"""
import sys
import threading

from interleave_capture import _task_recorder
from interleave_lock_state import is_user_file, original, owned, user_label
from interleave_lock_waits import released, waited

_Lock = original.Lock
_RLock = original.RLock
_get_ident = threading.get_ident
_getframe = sys._getframe
# Who holds a lock: the thread; in the asyncio model the task too (tasks share the thread).
# A global of this module read by the fast paths; own_by_task rebinds it.
_owner = _get_ident


def _task_owner():
    return _get_ident(), _task_recorder.get()


def own_by_task():
    """In the asyncio model a lock is held by a task: tasks share their thread."""
    global _owner
    _owner = _task_owner


def owner():
    """Who would hold a lock this thread (task) takes now: see owner_key."""
    return _owner()


def owner_key(ident, rec):
    """What ``held_by`` takes for a thread (and, in the asyncio model, the task of ``rec``)."""
    return (ident, rec) if _owner is _task_owner else ident


class _UserLock(object):
    """A Lock made by the user's file. The fast path is a non-blocking acquire and the owner."""
    __slots__ = ("_lock", "owner", "hold", "label", "kind", "__weakref__")
    records_holds = True  # see holds_again

    def __init__(self, lock, label, kind="Lock"):
        self._lock = lock
        self.owner = None  # the thread that holds it (for the watchdog's words)
        self.hold = None  # the id of the contended acquire that holds it now
        self.label = label
        self.kind = kind
        owned.add(self)

    def acquire(self, blocking=True, timeout=-1):
        owner = _owner()  # before: a call while holding it is one more point where the GIL can pass
        if self._lock.acquire(False):
            self.owner = owner
            return True
        if not blocking:
            return False
        return _contended(self, timeout)

    def __enter__(self):
        owner = _owner()
        if self._lock.acquire(False):
            self.owner = owner
            return True
        return _contended(self, -1)

    def release(self):
        self.owner = None
        if self.hold is not None:
            hold, self.hold = self.hold, None
            released(hold)
        self._lock.release()

    def __exit__(self, t, v, tb):
        self.owner = None
        if self.hold is not None:
            hold, self.hold = self.hold, None
            released(hold)
        self._lock.release()

    def locked(self):
        return self._lock.locked()

    # Condition's protocol: its wait releases and takes the lock again, a wait of its own
    def _release_save(self):
        self.release()

    def _acquire_restore(self, _state_):
        self._lock.acquire()
        self.owner = _owner()

    def _is_owned(self):
        return self.owner == _owner()

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()
        self.owner = self.hold = None

    def __repr__(self):
        return "<%s %s>" % (self.kind, self.label)


def _contended(lock, timeout):
    ok, hold = waited(lock._lock.acquire, (True, timeout), lock.label, lock.kind, "waits for %s",
                      timeout is not None and timeout >= 0)
    if ok:
        lock.owner = _owner()
        lock.hold = hold
        if isinstance(lock, _UserRLock):
            lock.depth = 1
    return ok


class _UserRLock(_UserLock):
    """An RLock made by the user's file: re-entry by its owner succeeds at once (not a wait)."""
    __slots__ = ("depth",)

    def __init__(self, lock, label, kind="RLock"):
        _UserLock.__init__(self, lock, label, kind)
        self.depth = 0

    def acquire(self, blocking=True, timeout=-1):
        owner = _owner()
        if self._lock.acquire(False):
            self.owner = owner
            self.depth += 1
            return True
        if not blocking:
            return False
        return _contended(self, timeout)

    def __enter__(self):
        owner = _owner()
        if self._lock.acquire(False):
            self.owner = owner
            self.depth += 1
            return True
        return _contended(self, -1)

    def release(self):
        depth = self.depth
        if depth > 1:  # still held after this one
            self._lock.release()  # by its owner only: else this raises, as an RLock's does
            self.depth = depth - 1
            return
        owner, hold = self.owner, self.hold
        self.owner, self.depth, self.hold = None, 0, None  # before another thread can take it
        try:
            self._lock.release()
        except RuntimeError:  # not the owner's release: nothing changed
            self.owner, self.depth, self.hold = owner, depth, hold
            raise
        if hold is not None:
            released(hold)

    def __exit__(self, t, v, tb):  # release(), inlined: a with statement costs one call less
        depth = self.depth
        if depth > 1:
            self._lock.release()
            self.depth = depth - 1
            return
        owner, hold = self.owner, self.hold
        self.owner, self.depth, self.hold = None, 0, None
        try:
            self._lock.release()
        except RuntimeError:
            self.owner, self.depth, self.hold = owner, depth, hold
            raise
        if hold is not None:
            released(hold)

    def locked(self):
        return self.owner is not None

    def _release_save(self):
        depth, self.depth, self.owner = self.depth, 0, None
        if self.hold is not None:
            hold, self.hold = self.hold, None
            released(hold)
        return self._lock._release_save(), depth

    def _acquire_restore(self, saved):
        self._lock._acquire_restore(saved[0])
        self.owner = _owner()
        self.depth = saved[1]

    def _is_owned(self):
        return self._lock._is_owned()


def Lock():
    frame = _getframe(1)
    if not is_user_file(frame.f_code.co_filename):
        return _Lock()
    lock = _UserLock(_Lock(), None)
    lock.label = user_label(lock, "Lock", frame)
    return lock


def RLock(*args, **kwargs):
    frame = _getframe(1)
    if not is_user_file(frame.f_code.co_filename):
        return _RLock(*args, **kwargs)
    lock = _UserRLock(_RLock(), None)
    lock.label = user_label(lock, "RLock", frame)
    return lock


def condition_lock(name):
    """The own lock of a user's Condition: contention on it is contention on the Condition."""
    return _UserRLock(_RLock(), name, "Condition")


def holds_again(lock, hold):
    """A Condition's wait took ``lock`` again after a recorded wait: its hold lasts until the
    release, if the lock is one of ours (threading's or multiprocessing's) that records holds."""
    if getattr(lock, "records_holds", False):
        lock.hold = hold
