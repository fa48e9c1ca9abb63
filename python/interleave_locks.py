"""Locks, exactly: which worker waited for which of the user's locks, from when to when, and the
deadlock watchdog that ends a run whose workers all wait on each other.

Installed when a run starts (never for ``inspect``), in every process that runs workers, before
the user's module is loaded:

- ``threading.Lock``/``RLock`` become factories, ``Condition``/``Semaphore``/``BoundedSemaphore``/
  ``Event``/``Barrier`` and ``queue.Queue``/``LifoQueue``/``PriorityQueue`` subclasses, and
  ``multiprocessing``'s ``Lock``/``RLock``/``Semaphore``/``BoundedSemaphore`` subclasses of its
  own. Only objects made by a line of the user's file are instrumented (decided by the frame that
  makes them): the standard library's own locks (an Event's Condition, a Queue's mutex,
  concurrent.futures) stay the plain ones, and a wait inside a user's Queue or Event is a wait on
  that Queue or Event. An object's name is what its line assigns it to and that line:
  ``counter_lock (line 3)``, or ``Lock (line 3)`` when the line assigns it to nothing.
- An uncontended acquire records nothing (a non-blocking try first, and the owner noted for the
  watchdog). A contended one writes lock records (``L``, see interleave_recorder) to the worker's
  event file: the wait began, then acquired (or gave up), then released — the hold.
- Every blocked wait (and ``Thread.join``) is also noted per thread for the watchdog, which ends
  the run when every thread that could still make progress has waited, without a time limit, for
  ``deadlockSeconds``. Thread models: it runs in the harness and decides there. Process models:
  each worker process publishes its state to ``w<i>.wait`` in the run's folder, and the harness
  decides from those.
"""
import itertools
import json
import os
import queue as _queue
import sys
import threading
import time
import weakref

import interleave_recorder as _rec
from interleave_capture import _task_recorder
from interleave_recorder import thread_state, clock_ns, user_line

KIND_LOCK = 76  # "L": see the record list in interleave_recorder
WAIT, ACQUIRED, RELEASED, GAVE_UP = 0, 1, 2, 3
_TICK = 0.05  # the watchdog's period (s): a deadlock ends ≈ this long after the limit

_get_ident = threading.get_ident
_getframe = sys._getframe
# Who holds a lock: the thread; in the asyncio model the task too (tasks share the thread).
_owner = _get_ident


def _task_owner():
    return _get_ident(), _task_recorder.get()


def owner_key(ident, rec):
    """What ``held_by`` takes for a thread (and, in the asyncio model, the task of ``rec``)."""
    return (ident, rec) if _owner is _task_owner else ident

# The originals, taken when this module is imported (before install replaces them).
_Lock = threading.Lock
_RLock = threading.RLock
_Condition = threading.Condition
_Semaphore = threading.Semaphore
_BoundedSemaphore = threading.BoundedSemaphore
_Event = threading.Event
_Barrier = threading.Barrier
_join = threading.Thread.join


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


_state = _State()
_waits = {}  # thread ident -> _Wait: what that thread is blocked in now
_seats = {}  # recorder -> _Seat: the workers of this process (live and ended)
_owned = weakref.WeakSet()  # the user's locks, for the watchdog's "holds"
_ids = itertools.count(1)
_lock_counts = {}  # recorder -> lock waits recorded (capped like events)
_published = {}  # worker -> the state last written to its w<i>.wait


def _after_fork_in_child():
    # the forked child's threads are gone, and with them their waits and workers
    _waits.clear()
    _seats.clear()
    _lock_counts.clear()
    _published.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _label(obj, kind, frame):
    """``name (line n)`` for an object made by a line of the user's file, else None (the standard
    library's own objects are not the user's). The name is found by interleave_lock_names."""
    if frame is None or frame.f_code.co_filename != _state.user_file:
        return None
    import interleave_lock_names
    return interleave_lock_names.label(obj, kind, frame, _state.user_file, source_lines())


# ---------------------------------------------------------------------------------------------
# Records and waits.

class _Wait(object):
    """A thread blocked in a wait: what on, since when, and whether it can end by itself."""
    __slots__ = ("id", "rec", "thread", "line", "since", "timed", "verb", "label", "joined")

    def __init__(self, rec, thread, line, timed, verb, label, joined=None):
        self.id = None  # bytes: the id of its records
        self.rec = rec
        self.thread = thread
        self.line = line
        self.since = clock_ns()
        self.timed = timed
        self.verb = verb  # "waits for %s" …
        self.label = label  # … "b (line 6)"
        self.joined = joined  # the Thread a join waits for

    def words(self):
        """What it waits for, in the cycle's words: "waits for b (line 6)"."""
        return self.verb % self.label


def _recorder():
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


def _begin(label, kind, verb, timed):
    """A wait begins on the current thread: noted for the watchdog, and written to the worker's
    file. Kept short: in a convoy (threads handing a lock to each other) every handoff is one."""
    rec = _recorder()
    thread = thread_state.thread if rec is not None else 0
    line = user_line(_getframe(2), _state.user_file)
    wait = _Wait(rec, thread, line, timed, verb, label)
    if rec is not None:
        count = _lock_counts.get(rec, 0)
        if count < rec.max_events:
            _lock_counts[rec] = count + 1
            if _state.id_pid != os.getpid():  # ids unique in the run: "pid.n"
                _state.id_pid = os.getpid()
                _state.id_prefix = b"%d." % _state.id_pid
            wait.id = _state.id_prefix + b"%d" % next(_ids)
            tail = _tails.get((kind, label))
            if tail is None:
                tail = _tails[(kind, label)] = ("\t%s\t%s" % (kind, label)).encode("utf-8", "backslashreplace")
            _write(rec, WAIT, wait.since, line, thread, wait.id + tail)
    _waits[_get_ident()] = wait
    return wait


def _end(wait, ok):
    """The wait is over: acquired (``ok``) or given up. Returns its id for the hold, if recorded."""
    ident = _get_ident()
    if _waits.get(ident) is wait:
        del _waits[ident]
    if wait.id is not None:
        _write(wait.rec, ACQUIRED if ok else GAVE_UP, clock_ns(), wait.line, wait.thread, wait.id)
    return wait.id if ok else None


def _released(hold):
    """The hold of a contended acquire ends: recorded by the releasing thread's worker."""
    rec = _recorder() if hold is not None else None
    if rec is not None:
        _write(rec, RELEASED, clock_ns(), user_line(_getframe(2), _state.user_file),
               thread_state.thread, hold)


# ---------------------------------------------------------------------------------------------
# threading.Lock and RLock: wrappers (the C lock types cannot be subclassed).

class _UserLock(object):
    """A Lock made by the user's file. The fast path is a non-blocking acquire and the owner."""
    __slots__ = ("_lock", "owner", "hold", "label", "kind", "__weakref__")

    def __init__(self, lock, label, kind="Lock"):
        self._lock = lock
        self.owner = None  # the thread that holds it (for the watchdog's words)
        self.hold = None  # the id of the contended acquire that holds it now
        self.label = label
        self.kind = kind
        _owned.add(self)

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
            _released(hold)
        self._lock.release()

    def __exit__(self, t, v, tb):
        self.owner = None
        if self.hold is not None:
            hold, self.hold = self.hold, None
            _released(hold)
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
    wait = _begin(lock.label, lock.kind, "waits for %s", timeout is not None and timeout >= 0)
    ok = False
    try:
        ok = lock._lock.acquire(True, timeout)
    finally:
        hold = _end(wait, ok)
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
            _released(hold)

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
            _released(hold)

    def locked(self):
        return self.owner is not None

    def _release_save(self):
        depth, self.depth, self.owner = self.depth, 0, None
        if self.hold is not None:
            hold, self.hold = self.hold, None
            _released(hold)
        return self._lock._release_save(), depth

    def _acquire_restore(self, saved):
        self._lock._acquire_restore(saved[0])
        self.owner = _owner()
        self.depth = saved[1]

    def _is_owned(self):
        return self._lock._is_owned()


def Lock():
    frame = _getframe(1)
    if frame.f_code.co_filename != _state.user_file:
        return _Lock()
    lock = _UserLock(_Lock(), None)
    lock.label = _label(lock, "Lock", frame)
    return lock


def RLock(*args, **kwargs):
    frame = _getframe(1)
    if frame.f_code.co_filename != _state.user_file:
        return _RLock(*args, **kwargs)
    lock = _UserRLock(_RLock(), None)
    lock.label = _label(lock, "RLock", frame)
    return lock


# ---------------------------------------------------------------------------------------------
# The Python classes: subclasses that act as the originals unless the user's file made them.
# Their __init__ calls the original explicitly: the originals call each other by module name
# (3.9's BoundedSemaphore calls Semaphore.__init__), which is ours once installed.

class Condition(_Condition):
    _ilv = None

    def __init__(self, lock=None):
        label = _label(self, "Condition", _getframe(1))
        if label is not None and lock is None:  # its own lock: contention on it is on the Condition
            lock = _UserRLock(_RLock(), label, "Condition")
        _Condition.__init__(self, lock)
        self._ilv = label

    def wait(self, timeout=None):
        if self._ilv is None:
            return _Condition.wait(self, timeout)
        wait = _begin(self._ilv, "Condition", "waits to be notified on %s", timeout is not None)
        ok = False
        try:
            ok = _Condition.wait(self, timeout)
        finally:
            hold = _end(wait, ok)
        if hold is not None and isinstance(self._lock, _UserLock):
            self._lock.hold = hold  # it holds the lock again: until its release
        return ok


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
        wait = _begin(self._ilv, self._kind, "waits for %s", timeout is not None)
        ok = False
        try:
            ok = base.acquire(True, timeout)
        finally:
            hold = _end(wait, ok)
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
                _released(mine.pop())
        return super(_SemaphoreWaits, self).release(n)

    def __exit__(self, t, v, tb):
        self.release()


class Semaphore(_SemaphoreWaits, _Semaphore):
    _kind = "Semaphore"

    def __init__(self, value=1):
        _Semaphore.__init__(self, value)
        self._ilv = _label(self, "Semaphore", _getframe(1))


class BoundedSemaphore(Semaphore, _BoundedSemaphore):  # still a threading.Semaphore
    _kind = "BoundedSemaphore"

    def __init__(self, value=1):
        _BoundedSemaphore.__init__(self, value)
        self._ilv = _label(self, "BoundedSemaphore", _getframe(1))


class Event(_Event):
    _ilv = None

    def __init__(self):
        _Event.__init__(self)
        self._ilv = _label(self, "Event", _getframe(1))

    def wait(self, timeout=None):
        if self._ilv is None or self.is_set():
            return _Event.wait(self, timeout)
        wait = _begin(self._ilv, "Event", "waits for %s to be set", timeout is not None)
        ok = False
        try:
            ok = _Event.wait(self, timeout)
        finally:
            _end(wait, ok)
        return ok


class Barrier(_Barrier):
    _ilv = None

    def __init__(self, parties, action=None, timeout=None):
        _Barrier.__init__(self, parties, action, timeout)
        self._ilv = _label(self, "Barrier", _getframe(1))

    def wait(self, timeout=None):
        if self._ilv is None or self.n_waiting + 1 >= self.parties:  # the last one does not wait
            return _Barrier.wait(self, timeout)
        timed = timeout is not None or self._timeout is not None
        wait = _begin(self._ilv, "Barrier", "waits at %s", timed)
        ok = False
        try:
            index = _Barrier.wait(self, timeout)
            ok = True
            return index
        finally:
            _end(wait, ok)


class _QueueWaits(object):
    """A user's Queue: a get that finds it empty, a put that finds it full, a join with tasks
    left are waits on the Queue (its own mutex and Conditions are the standard library's)."""
    _ilv = None

    def __init__(self, maxsize=0):
        super(_QueueWaits, self).__init__(maxsize)
        self._ilv = _label(self, self._kind, _getframe(1))

    def get(self, block=True, timeout=None):
        base = super(_QueueWaits, self)
        if self._ilv is None or not block:
            return base.get(block, timeout)
        try:
            return base.get(False)
        except _queue.Empty:
            pass
        return self._wait(base.get, timeout, "waits for an item from %s")

    def put(self, item, block=True, timeout=None):
        base = super(_QueueWaits, self)
        if self._ilv is None or not block:
            return base.put(item, block, timeout)
        try:
            return base.put(item, False)
        except _queue.Full:
            pass
        return self._wait(lambda b, t: base.put(item, b, t), timeout, "waits for room in %s")

    def join(self):
        base = super(_QueueWaits, self)
        if self._ilv is None or not self.unfinished_tasks:
            return base.join()
        return self._wait(lambda b, t: base.join(), None, "waits for %s to be done")

    def _wait(self, call, timeout, what):
        wait = _begin(self._ilv, self._kind, what, timeout is not None)
        ok = False
        try:
            result = call(True, timeout)
            ok = True
            return result
        finally:
            _end(wait, ok)


Queue = type("Queue", (_QueueWaits, _queue.Queue), {"_kind": "Queue", "__module__": "queue"})
# still instances of queue.Queue, as the originals are
LifoQueue, PriorityQueue = (type(q.__name__, (Queue, q), {"_kind": q.__name__, "__module__": "queue"})
                            for q in (_queue.LifoQueue, _queue.PriorityQueue))


def _thread_join(self, timeout=None):
    """Thread.join: a wait on that thread, for the watchdog (not a lock: not recorded)."""
    if timeout is not None or self is threading.current_thread() or not self.is_alive():
        return _join(self, timeout)
    wait = _Wait(_recorder(), thread_state.thread, user_line(_getframe(1), _state.user_file), False,
                 "waits for its thread %s to end", self.name, joined=self)
    ident = _get_ident()
    _waits[ident] = wait
    try:
        return _join(self, timeout)
    finally:
        if _waits.get(ident) is wait:
            del _waits[ident]


# ---------------------------------------------------------------------------------------------
# multiprocessing: its Lock, RLock, Semaphore, BoundedSemaphore made by the user's file are ours
# (interleave_mp_locks), patched in when the user's code imports multiprocessing.

class _PatchOnImport(object):
    """Patches multiprocessing when the user's code first imports it: importing it here would
    cost every run of a thread model ≈ 16 ms."""

    def find_spec(self, name, path=None, target=None):
        if name != "multiprocessing.context":
            return None
        sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            _patch_context(module)
        spec.loader.exec_module = exec_module
        return spec


def _patch_context(context):
    try:
        import interleave_mp_locks
        interleave_mp_locks.patch_context(context)
    except Exception:  # no working multiprocessing here (no sem_open): threading is covered
        pass


def _install_multiprocessing():
    context = sys.modules.get("multiprocessing.context")
    if context is not None:
        _patch_context(context)
    else:
        sys.meta_path.insert(0, _PatchOnImport())


# ---------------------------------------------------------------------------------------------
# Installing, and the workers of this process.

class _Seat(object):
    """A worker running in this process: its recorder, index, lane label and thread."""
    __slots__ = ("rec", "worker", "label", "ident", "live", "task")

    def __init__(self, rec, worker):
        self.rec = rec
        self.worker = worker
        self.label = lane_label(_state.model, worker)
        self.ident = _get_ident()
        self.live = True
        self.task = None  # the asyncio task it runs as: its stack when it is suspended
        if _state.model == "asyncio":
            import asyncio
            try:
                self.task = asyncio.current_task()
            except RuntimeError:
                pass


# The lanes' labels, as the panel names them (webview-ui/src/timeline/model.ts, laneLabel).
_LANES = {"process": "Process", "process-pool": "Pool task", "thread": "Thread", "thread-pool": "Pool thread",
          "asyncio": "Task", "interpreter": "Interpreter"}


def lane_label(model, worker):
    return "%s %d" % (_LANES.get(model, "Call"), worker + 1)


def install(config, control=None):
    """Instrument the user's locks in this process (once per process; a forked child has the
    parent's) and start the watchdog that ``config`` asks for. ``control``: the harness's, for the
    watchdog's records; a worker process has none."""
    if _state.installed_pid is None:
        _state.user_file = config["file"]
        _state.source = config["source"]
        _state.model = config["model"]
        threading.Lock, threading.RLock = Lock, RLock
        threading.Condition, threading.Semaphore, threading.BoundedSemaphore = Condition, Semaphore, BoundedSemaphore
        threading.Event, threading.Barrier = Event, Barrier
        threading.Thread.join = _thread_join
        _queue.Queue, _queue.LifoQueue, _queue.PriorityQueue = Queue, LifoQueue, PriorityQueue
        _install_multiprocessing()
        if config["model"] == "asyncio":
            global _owner
            _owner = _task_owner
    _state.installed_pid = os.getpid()
    _state.dir = config["dir"]  # a worker process's run (with --repeat, a repetition's folder)
    seconds = float(config.get("deadlockSeconds") or 0)
    if seconds > 0 and _state.watchdog_pid != os.getpid() and config["model"] != "interpreter":
        _state.watchdog_pid = os.getpid()
        in_children = config["model"] in ("process", "process-pool")
        # a worker process publishes its state; the harness of a process model reads them
        _state.watch = "publish" if control is None else ("files" if in_children else "here")
        thread = threading.Thread(target=_watch, args=(int(seconds * 1e9), config, control),
                                  name="interleave-watchdog", daemon=True)
        thread._interleave_recorder = None  # ours, not a worker's
        thread.start()


def new_run(run_dir):
    """With --repeat, each repetition has a folder of its own: the worker processes' states
    (``w<i>.wait``) go there, so the watchdog never reads those of a run before."""
    _state.dir = run_dir


def source_lines():
    """The user's file as lines (for names and stacks), read when first needed."""
    if _state.lines is None:
        import interleave_loader as loader
        try:
            _state.lines = loader.read_source(_state.source, _state.user_file).splitlines()
        except Exception:
            _state.lines = []
    return _state.lines


def _watch(limit_ns, config, control):
    """The watchdog's thread: it looks closely (interleave_watchdog) only once something may be
    stuck — a wait as old as the limit, a worker process that says it is blocked."""
    while not _may_be_stuck(limit_ns, int(config["workers"])):
        time.sleep(_TICK)
    from interleave_watchdog import Watchdog
    Watchdog(limit_ns, config, control).watch()


def _may_be_stuck(limit_ns, workers):
    if _state.watch == "files":
        for worker in range(workers):
            try:
                with open(os.path.join(_state.dir, "w%d.wait" % worker)) as f:
                    if '"blocked"' in f.read():
                        return True
            except OSError:
                pass
        return False
    now = clock_ns()
    try:
        return any(not w.timed and now - w.since >= limit_ns for w in list(_waits.values()))
    except RuntimeError:  # changed while read (no GIL): look again next time
        return False


def publish(worker, state):
    """A worker process's state for the harness's watchdog (``w<i>.wait``), when it changed."""
    state["pid"] = os.getpid()
    text = json.dumps(state)
    if _published.get(worker) == text:
        return
    _published[worker] = text
    path = os.path.join(_state.dir, "w%d.wait" % worker)
    try:
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)  # read whole or not at all
    except OSError:
        pass


def worker_began(rec):
    """``rec``'s worker runs on this thread from now (a hook of run_worker and task_worker)."""
    if _state.installed_pid is None:
        return
    name = os.path.basename(rec.path)  # w<i>.trc: see interleave_worker.recorder_for
    seat = _seats[rec] = _Seat(rec, int(name[1:name.index(".")]))
    if _state.watch == "publish":
        publish(seat.worker, {"state": "running"})


def worker_ended(rec):
    seat = _seats.get(rec)
    if seat is not None:
        seat.live = False
        if _state.watch == "publish":
            publish(seat.worker, {"state": "ended"})


def seats():
    return list(_seats.values())


def waits():
    return dict(_waits)


def held_by(key):
    """The user's locks the thread (task) ``key`` (see owner_key) holds now, by name."""
    return [lock.label for lock in list(_owned) if lock.owner == key and lock.label]
