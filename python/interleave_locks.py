"""Locks, exactly: which worker waited for which of the user's locks, from when to when, and the
deadlock watchdog that ends a run whose workers all wait on each other.

Installed when a run starts (never for ``inspect``), in every process that runs workers, before
the user's module is loaded:

- ``threading.Lock``/``RLock`` become factories, ``Condition``/``Semaphore``/``BoundedSemaphore``/
  ``Event``/``Barrier`` and ``queue.Queue``/``LifoQueue``/``PriorityQueue``/``SimpleQueue``
  subclasses, and multiprocessing's ``Lock`` … ``BoundedSemaphore``, ``Condition``, ``Event``,
  ``Barrier``, ``Queue`` and ``JoinableQueue`` subclasses of its own (interleave_mp_locks). Only objects made by a line of the user's file are instrumented (decided by the frame that
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

This module installs all that and keeps the workers' seats for the watchdog. The parts:
interleave_lock_state (what this process knows, the tables they share), interleave_lock_waits
(the wait registry and its records), interleave_lock_wrappers (Lock, RLock),
interleave_lock_classes (Condition … Queue), interleave_mp_locks (multiprocessing's) and
interleave_watchdog (the deadlock's decision and words).
"""
import json
import os
import queue as _queue
import threading
import time

import interleave_lock_classes as classes
import interleave_lock_wrappers as wrappers
import interleave_mp_locks as mp_locks
from interleave_lock_state import state, waiting, seats as _seats, owned, published
from interleave_lock_waits import thread_join
from interleave_recorder import clock_ns

TICK = 0.05  # the watchdog's period (s): a deadlock ends ≈ this long after the limit
_get_ident = threading.get_ident


class Seat(object):
    """A worker running in this process: its recorder, index, lane label and thread."""
    __slots__ = ("rec", "worker", "label", "ident", "live", "task")

    def __init__(self, rec, worker, label=None, task=False):
        self.rec = rec
        self.worker = worker  # a model run's index; a script run's worker key ("pid.token.n")
        self.label = label or lane_label(state.model, worker)
        self.ident = _get_ident()
        self.live = True
        self.task = None  # the asyncio task it runs as: its stack when it is suspended
        if state.model == "asyncio" or task:
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
    if state.installed_pid is None:
        state.user_file = config["file"]
        state.source = config["source"]
        state.model = config["model"]
        threading.Lock, threading.RLock = wrappers.Lock, wrappers.RLock
        threading.Condition, threading.Event, threading.Barrier = classes.Condition, classes.Event, classes.Barrier
        threading.Semaphore, threading.BoundedSemaphore = classes.Semaphore, classes.BoundedSemaphore
        threading.Thread.join = thread_join
        _queue.Queue, _queue.LifoQueue, _queue.PriorityQueue = classes.Queue, classes.LifoQueue, classes.PriorityQueue
        _queue.SimpleQueue = classes.SimpleQueue
        mp_locks.install()
        if config["model"] == "asyncio":
            wrappers.own_by_task()
    state.installed_pid = os.getpid()
    state.dir = config["dir"]  # a worker process's run (with --repeat, a repetition's folder)
    seconds = float(config.get("deadlockSeconds") or 0)
    if seconds > 0 and state.watchdog_pid != os.getpid() and config["model"] != "interpreter":
        state.watchdog_pid = os.getpid()
        in_children = config["model"] in ("process", "process-pool")
        # a worker process publishes its state; the harness of a process model reads them
        state.watch = "publish" if control is None else ("files" if in_children else "here")
        thread = threading.Thread(target=_watch, args=(int(seconds * 1e9), config, control),
                                  name="interleave-watchdog", daemon=True)
        thread._interleave_recorder = None  # ours, not a worker's
        thread.start()


def new_run(run_dir):
    """With --repeat, each repetition has a folder of its own: the worker processes' states
    (``w<i>.wait``) go there, so the watchdog never reads those of a run before."""
    state.dir = run_dir


def _watch(limit_ns, config, control):
    """The watchdog's thread: it looks closely (interleave_watchdog) only once something may be
    stuck — a wait as old as the limit, a worker process that says it is blocked."""
    while not _may_be_stuck(limit_ns, int(config["workers"])):
        time.sleep(TICK)
    from interleave_watchdog import Watchdog
    Watchdog(limit_ns, config, control).watch()


def _may_be_stuck(limit_ns, workers):
    if state.watch == "files":
        for worker in range(workers):
            try:
                with open(os.path.join(state.dir, "w%d.wait" % worker)) as f:
                    if '"blocked"' in f.read():
                        return True
            except OSError:
                pass
        return False
    now = clock_ns()
    try:
        return any(not w.timed and now - w.since >= limit_ns for w in list(waiting.values()))
    except RuntimeError:  # changed while read (no GIL): look again next time
        return False


def publish(worker, worker_state):
    """A worker process's state for the harness's watchdog (``w<i>.wait``), when it changed."""
    worker_state["pid"] = os.getpid()
    text = json.dumps(worker_state)
    if published.get(worker) == text:
        return
    published[worker] = text
    write_whole(os.path.join(state.dir, "w%d.wait" % worker), text)


def write_whole(path, text):
    """A state file of the run, replaced whole: its reader sees the old text or the new, never part.
    Whether it was written."""
    try:
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        return True
    except OSError:
        return False


def worker_began(rec, key=None, label=None, task=False):
    """``rec``'s worker runs on this thread from now (a hook of run_worker and task_worker; a
    script run's workers, named by their ``key`` and ``label``, from interleave_script_core)."""
    if state.installed_pid is None:
        return
    if key is None:
        name = os.path.basename(rec.path)  # w<i>.trc: see interleave_worker.recorder_for
        key = int(name[1:name.index(".")])
    seat = _seats[rec] = Seat(rec, key, label, task)
    if state.watch == "publish":
        publish(seat.worker, {"state": "running"})


def rename(rec, label):
    """``rec``'s worker has a name now (a script's process child, named by multiprocessing)."""
    seat = _seats.get(rec)
    if seat is not None:
        seat.label = label


def worker_ended(rec):
    seat = _seats.get(rec)
    if seat is not None:
        seat.live = False
        if state.watch == "publish":
            publish(seat.worker, {"state": "ended"})


def seats():
    return list(_seats.values())


def waits():
    return dict(waiting)


def held_by(key):
    """The user's locks the thread (task) ``key`` (see interleave_lock_wrappers.owner_key) holds
    now, by name."""
    return [lock.label for lock in list(owned) if lock.owner == key and lock.label]
