"""The turnstile of --order ("be the scheduler"): the workers take turns at the lines they
print, in the order the student chose (the trace's order signature: worker indices in global
order).

Before a worker's line begins, the worker waits until the order's next slot is its own; once the
line is recorded, the turn moves on by the lines it recorded. The slots of a worker that has
ended are skipped (that order could not happen: the runner says so); past the order's end every
worker runs free. A line written in pieces keeps the turn until it is complete.

Thread models share one Condition in the harness; process models a multiprocessing Condition and
a shared array, made before the workers start and handed to them as they are created.

The wait is not the user's: it writes no lock record (it is no lock wait in the thread states),
but the deadlock watchdog sees it as a wait, so an order that has a worker wait for one blocked
on the user's lock ends as a deadlock in words rather than at the time limit.
"""
import builtins
import os
import sys
import threading

import interleave_capture as capture
import interleave_lock_state as lock_state
import interleave_locks as locks
from interleave_lock_waits import Wait
from interleave_recorder import thread_state, user_line

# The models whose workers can take turns: several run at once, each can wait for another.
TURN_MODELS = ("thread", "thread-pool", "process", "process-pool")
THREAD_TURN_MODELS = ("thread", "thread-pool")


class Turnstile(object):
    """The order and how far the run is in it: ``state[0]`` is the next slot, ``state[1 + w]`` is 1
    once worker w has ended; ``cond`` guards ``state`` (a list, or a shared array between
    processes). Picklable while processes are being started (the pool's initializer)."""

    def __init__(self, order, cond, state):
        self.order = list(order)
        self.cond = cond
        self.state = state
        self.free = False  # this process saw the order end: no more waiting, no more locking

    def _next(self):
        """The next slot, past those of workers that have ended (``cond`` held)."""
        order, state = self.order, self.state
        pos = state[0]
        while pos < len(order) and state[1 + order[pos]]:
            pos += 1
        state[0] = pos
        if pos >= len(order):
            self.free = True
        return pos

    def _mine(self, worker):
        pos = self._next()
        return pos >= len(self.order) or self.order[pos] == worker

    def enter(self, worker, rec):
        """Wait until the next line is ``worker``'s to print (or the order is over)."""
        with self.cond:
            if self._mine(worker):
                return
            wait = _noted_wait(rec, self.order[self.state[0]])
            try:
                while not self._mine(worker):
                    self.cond.wait()
            finally:
                _end_noted(wait)

    def moved(self, lines, ended=None):
        """``lines`` lines were recorded (by the worker whose turn it was); ``ended``: a worker
        that has ended, whose slots are skipped from now."""
        if lines <= 0 and ended is None:
            return
        with self.cond:
            if ended is not None:
                self.state[1 + ended] = 1
            self.state[0] = min(len(self.order), self.state[0] + max(lines, 0))
            self._next()
            self.cond.notify_all()


def make(config, context=None):
    """The run's turnstile when ``config`` has an order and its model takes turns, else None.
    ``context``: a process model's multiprocessing context (its primitives cross processes)."""
    order = config.get("order")
    if not order or config["model"] not in TURN_MODELS:
        return None
    workers = int(config["workers"])
    if context is None:
        return Turnstile(order, lock_state.original.Condition(lock_state.original.Lock()), [0] * (1 + workers))
    return Turnstile(order, context.Condition(context.Lock()), context.Array("i", 1 + workers, lock=False))


def watch_processes(turnstile, processes):
    """A process model's harness: a worker whose process ends without saying so (os._exit, a
    signal: no finally of ours runs) has its slots skipped too, at once, so that the others do not
    wait for its turns until the watchdog or the time limit ends the run."""
    from multiprocessing.connection import wait

    def watch():
        left = {process.sentinel: i for i, process in enumerate(processes)}
        while left:
            for sentinel in wait(list(left)):
                turnstile.moved(0, ended=left.pop(sentinel))

    thread = threading.Thread(target=watch, name="interleave-turnstile", daemon=True)
    thread._interleave_recorder = None  # ours, not a worker's
    thread.start()


# -- this process's workers ------------------------------------------------------------------

_current = None  # the turnstile of the run going on in this process
_workers = {}  # recorder -> [worker index, its lines the turnstile has counted]
_installed = False


class _Inside(threading.local):
    depth = 0  # in a gated call: the writes it makes are part of the same line


_inside = _Inside()


def start(turnstile):
    """From now, this process's workers take turns at ``turnstile`` (None: they do not). Also the
    process pool's initializer."""
    global _current
    _current = turnstile


def active():
    return _current is not None


def stop():
    global _current
    _current = None
    _workers.clear()


def _index(rec):
    name = os.path.basename(rec.path)  # w<i>.trc: see interleave_worker.recorder_for
    return int(name[1:name.index(".")])


def worker_began(rec):
    """``rec``'s worker prints through the turnstile (a hook of run_worker)."""
    if _current is not None:
        _install()  # here, not in start: after the capture's own print (a spawned child installs it late)
        _workers[rec] = [_index(rec), rec.count]


def worker_ended(rec):
    """After ``rec``'s end: the line it still held is counted, and its slots left are skipped —
    also for a worker that never began (its child could not import the file)."""
    seat = _workers.pop(rec, None) or [_index(rec), rec.count]
    if _current is not None:
        _current.moved(rec.count - seat[1], ended=seat[0])


def _install():
    """Gate what writes a worker's lines: print, sys.stdout/stderr (and their .buffer), os.write
    to fds 1 and 2. Once per process (a forked child has its parent's)."""
    global _installed
    if _installed:
        return
    _installed = True
    builtins.print = _gate(builtins.print, _print_is_ours)
    capture.CapturedStream.write = _gate(capture.CapturedStream.write)
    capture.CapturedBuffer.write = _gate(capture.CapturedBuffer.write)
    os.write = _gate(os.write, lambda args, kwargs: bool(args) and args[0] in (1, 2))


def _print_is_ours(args, kwargs):
    out = kwargs.get("file")
    try:
        return out is None or out in capture._direct
    except TypeError:  # an unhashable file: not one of ours
        return False


def _gate(call, ours=None):
    """``call`` made to wait for the worker's turn first and to hand the turn on after."""
    def gated(*args, **kwargs):
        turnstile = _current
        if turnstile is None or turnstile.free or _inside.depth:
            return call(*args, **kwargs)
        rec = thread_state.recorder
        seat = _workers.get(rec) if rec is not None else None
        if seat is None or (ours is not None and not ours(args, kwargs)):
            return call(*args, **kwargs)
        turnstile.enter(seat[0], rec)
        _inside.depth = 1
        try:
            return call(*args, **kwargs)
        finally:
            _inside.depth = 0
            lines = rec.count - seat[1]
            seat[1] = rec.count
            turnstile.moved(lines)
    return gated


def _noted_wait(rec, next_worker):
    """The turnstile's wait, for the deadlock watchdog only (no record: not a lock wait)."""
    label = "its turn to print (the chosen order gives the next line to %s)" % locks.lane_label(
        lock_state.state.model, next_worker)
    line = user_line(sys._getframe(3), rec.user_file) if rec is not None else 0
    wait = Wait(rec, thread_state.thread, line, False, "waits for %s", label)
    lock_state.waiting[threading.get_ident()] = wait
    return wait


def _end_noted(wait):
    ident = threading.get_ident()
    if lock_state.waiting.get(ident) is wait:
        del lock_state.waiting[ident]
