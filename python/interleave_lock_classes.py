"""threading's Condition, Semaphore, BoundedSemaphore, Event and Barrier and queue's Queue,
LifoQueue, PriorityQueue and SimpleQueue: subclasses that act as the originals unless the user's file made
them (decided by the frame that makes them). A wait inside a user's Queue or Event is a wait on
that Queue or Event, recorded through interleave_lock_waits; the standard library's own objects
(an Event's Condition, a Queue's mutex) stay plain.

Their __init__ calls the original explicitly: the originals call each other by module name
(3.9's BoundedSemaphore calls Semaphore.__init__), which is ours once installed.
"""
import queue as _queue
import sys
import threading

from interleave_lock_state import is_user_file, original, user_label
from interleave_lock_waits import released, waited
from interleave_lock_wrappers import condition_lock, holds_again

_get_ident = threading.get_ident
_getframe = sys._getframe


class ConditionWaits(object):
    """A user's Condition (threading's, or multiprocessing's: interleave_mp_locks): its wait is a
    wait to be notified on it; then it holds the lock again, until its release."""
    _ilv = None

    def wait(self, timeout=None):
        base = super(ConditionWaits, self)
        if self._ilv is None:
            return base.wait(timeout)
        ok, hold = waited(base.wait, (timeout,), self._ilv, self._kind, "waits to be notified on %s",
                          timeout is not None)
        if hold is not None:
            holds_again(self._lock, hold)
        return ok


class Condition(ConditionWaits, original.Condition):
    _kind = "Condition"

    def __init__(self, lock=None):
        label = user_label(self, "Condition", _getframe(1))
        if label is not None and lock is None:  # its own lock: contention on it is on the Condition
            lock = condition_lock(label)
        original.Condition.__init__(self, lock)
        self._ilv = label


class _SemaphoreWaits(object):
    """acquire/release of a user's Semaphore: a contended acquire is recorded, and its hold ends
    at that thread's next release."""
    _ilv = None
    _holds = None

    def acquire(self, blocking=True, timeout=None):
        base = super(_SemaphoreWaits, self)
        if self._ilv is None or not blocking:
            return base.acquire(blocking, timeout)
        if base.acquire(False):
            return True
        ok, hold = waited(base.acquire, (True, timeout), self._ilv, self._kind, "waits for %s",
                          timeout is not None)
        if hold is not None:
            if self._holds is None:
                self._holds = {}
            self._holds.setdefault(_get_ident(), []).append(hold)
        return ok

    __enter__ = acquire

    def release(self, n=1):
        if self._holds:
            mine = self._holds.get(_get_ident())
            if mine:
                released(mine.pop())
        return super(_SemaphoreWaits, self).release(n)

    def __exit__(self, t, v, tb):
        self.release()


class Semaphore(_SemaphoreWaits, original.Semaphore):
    _kind = "Semaphore"

    def __init__(self, value=1):
        original.Semaphore.__init__(self, value)
        self._ilv = user_label(self, "Semaphore", _getframe(1))


class BoundedSemaphore(Semaphore, original.BoundedSemaphore):  # still a threading.Semaphore
    _kind = "BoundedSemaphore"

    def __init__(self, value=1):
        original.BoundedSemaphore.__init__(self, value)
        self._ilv = user_label(self, "BoundedSemaphore", _getframe(1))


class EventWaits(object):
    """A user's Event (threading's or multiprocessing's): a wait while it is not set."""
    _ilv = None

    def wait(self, timeout=None):
        base = super(EventWaits, self)
        if self._ilv is None or self.is_set():
            return base.wait(timeout)
        return waited(base.wait, (timeout,), self._ilv, self._kind, "waits for %s to be set",
                      timeout is not None)[0]


class Event(EventWaits, original.Event):
    _kind = "Event"

    def __init__(self):
        original.Event.__init__(self)
        self._ilv = user_label(self, "Event", _getframe(1))


class BarrierWaits(object):
    """A user's Barrier (threading's or multiprocessing's, which is a threading.Barrier): a wait
    there unless it is the last to arrive. It calls threading's own wait by name: multiprocessing's
    Barrier, defined once installed, inherits ours, and would record the wait twice."""
    _ilv = None

    def wait(self, timeout=None):
        if self._ilv is None or self.n_waiting + 1 >= self.parties:  # the last one does not wait
            return original.Barrier.wait(self, timeout)
        timed = timeout is not None or self._timeout is not None
        return waited(original.Barrier.wait, (self, timeout), self._ilv, self._kind, "waits at %s", timed, False)[0]


class Barrier(BarrierWaits, original.Barrier):
    _kind = "Barrier"

    def __init__(self, parties, action=None, timeout=None):
        original.Barrier.__init__(self, parties, action, timeout)
        self._ilv = user_label(self, "Barrier", _getframe(1))


class _GetWaits(object):
    """A get that finds the user's queue empty is a wait on the queue (its own locks and
    Conditions are the standard library's)."""
    _ilv = None

    def get(self, block=True, timeout=None):
        base = super(_GetWaits, self)
        if self._ilv is None or not block:
            return base.get(block, timeout)
        try:
            return base.get(False)
        except _queue.Empty:
            pass
        return self._wait(base.get, timeout, "waits for an item from %s")

    def _wait(self, call, timeout, what):
        return waited(call, (True, timeout), self._ilv, self._kind, what, timeout is not None, False)[0]


class QueueWaits(_GetWaits):
    """A user's queue (queue's, or multiprocessing's: interleave_mp_locks): a get that finds it
    empty and a put that finds it full are waits on it."""

    def put(self, item, block=True, timeout=None):
        base = super(QueueWaits, self)
        if self._ilv is None or not block:
            return base.put(item, block, timeout)
        try:
            return base.put(item, False)
        except _queue.Full:
            pass
        return self._wait(lambda b, t: base.put(item, b, t), timeout, "waits for room in %s")


class _QueueJoinWaits(QueueWaits):
    """queue's Queue made by the user's file; a join with tasks left is a wait on it too."""

    def __init__(self, maxsize=0):
        super(_QueueJoinWaits, self).__init__(maxsize)
        self._ilv = user_label(self, self._kind, _getframe(1))

    def join(self):
        base = super(_QueueJoinWaits, self)
        if self._ilv is None or not self.unfinished_tasks:
            return base.join()
        return self._wait(lambda b, t: base.join(), None, "waits for %s to be done")


Queue = type("Queue", (_QueueJoinWaits, original.Queue), {"_kind": "Queue", "__module__": "queue"})
# still instances of queue.Queue, as the originals are
LifoQueue, PriorityQueue = (type(q.__name__, (Queue, q), {"_kind": q.__name__, "__module__": "queue"})
                            for q in (original.LifoQueue, original.PriorityQueue))


class _SimpleQueueType(type):
    """The standard library's SimpleQueues stay plain C objects (a thread pool takes every task
    from one): ``isinstance``/``issubclass`` with queue.SimpleQueue still hold for them."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, original.SimpleQueue) if cls is SimpleQueue else type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, original.SimpleQueue) if cls is SimpleQueue else type.__subclasscheck__(cls, sub)


class SimpleQueue(_GetWaits, original.SimpleQueue, metaclass=_SimpleQueueType):
    """queue.SimpleQueue (a C type, but one that can be subclassed): its put never blocks."""
    _kind = "SimpleQueue"
    __module__ = "queue"

    def __new__(cls):
        if cls is SimpleQueue and not is_user_file(_getframe(1).f_code.co_filename):
            return original.SimpleQueue()  # not the user's: plain (and its __init__ is not called)
        return original.SimpleQueue.__new__(cls)

    def __init__(self):
        self._ilv = user_label(self, "SimpleQueue", _getframe(1))
