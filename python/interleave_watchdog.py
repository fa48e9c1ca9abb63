"""The deadlock watchdog: a run whose live workers have all waited on each other for
``deadlockSeconds`` is ended early, each of those workers with its stack and the cycle in words.

A thread can still make progress unless it is blocked, without a time limit, in one of the
waits interleave_lock_waits notes (the user's locks, Conditions, Events, Barriers, Queues, and
Thread.join of a thread that is itself one of them). The threads that count: each live worker's
own, the threads workers started, and any other thread but ours and the standard library's own
machinery (a pool's idle threads, a Queue's feeder, the harness's main thread).

- Thread models (sequential, thread, thread-pool, asyncio): one watchdog thread in the harness
  decides, writes the ``deadlock`` control record and ``runEnd``, and ends the harness process
  (its workers' threads cannot be stopped otherwise); the runner then ends the process tree.
- Process models: each worker process's watchdog publishes its worker's state to
  ``w<i>.wait`` in the run's folder; the harness's decides from those (a worker whose process is
  gone does not count), kills the workers' processes and ends the same way.
"""
import json
import os
import signal
import sys
import threading
import time

import interleave_locks as locks
import interleave_lock_state as shared
from interleave_lock_wrappers import owner_key
from interleave_recorder import clock_ns


class Watchdog(object):
    """Looks at the run every locks.TICK from the watchdog's thread (started by interleave_locks)."""

    def __init__(self, limit_ns, config, control):
        self.limit_ns = limit_ns
        self.control = control
        self.workers = int(config["workers"])
        self.mode = shared.state.watch

    def watch(self):
        while True:
            try:
                self._look()
            except Exception:  # never the user's failure; look again next time
                pass
            time.sleep(locks.TICK)

    def _look(self):
        now = clock_ns()
        if self.mode == "publish":
            self._publish(analyse())
            return
        found = analyse() if self.mode == "here" else self._from_files()
        if shared.state.model == "script":  # another process may end a wait of this one's
            import interleave_script_watch
            found = interleave_script_watch.look(found, now, self.limit_ns)
        if found and found["blocked"] and now - found["since"] >= self.limit_ns:
            self._end_run(found, now)

    # -- worker processes: their state, for the harness -----------------------------------------

    def _publish(self, found):
        for seat in locks.seats():
            if not seat.live:
                continue
            if found and found["blocked"]:
                mine = [e for e in found["entries"] if e["worker"] == seat.worker]
                state = {"state": "blocked", "since": found["since"], "words": [e["words"] for e in mine],
                         "stack": found["stacks"].get(seat.worker, "")}
            else:
                state = {"state": "running"}
            locks.publish(seat.worker, state)

    # -- the harness of a process model: the workers' states -------------------------------------

    def _from_files(self):
        blocked = []
        for worker in range(self.workers):
            try:
                with open(os.path.join(shared.state.dir, "w%d.wait" % worker)) as f:  # this run's (repetition's)
                    state = json.load(f)
            except (OSError, ValueError):
                return None  # not started yet: it may still release what the others wait for
            if state["state"] == "ended" or not _alive(state["pid"]):
                continue
            if state["state"] != "blocked":
                return None
            blocked.append((worker, state))
        if not blocked:
            return None
        return {"blocked": True, "since": max(s["since"] for _, s in blocked),
                "entries": [{"worker": w, "thread": i, "words": words} for w, s in blocked for i, words in enumerate(s["words"])],
                "stacks": {w: s["stack"] for w, s in blocked}, "pids": [s["pid"] for _, s in blocked]}

    # -- the end of the run ----------------------------------------------------------------------

    def _end_run(self, found, now):
        pids = list(found.get("pids", [])) + list(shared.state.end_pids)
        # frozen first, as found: none moves on (a join returning) while another is being killed
        _signal_all(pids, getattr(signal, "SIGSTOP", None))
        try:
            self._say_deadlock(found, now)
        finally:  # the stopped ones are killed whatever happened
            _signal_all(pids, getattr(signal, "SIGKILL", signal.SIGTERM))
        os._exit(0)  # the deadlocked threads cannot be stopped: the runner ends what is left

    def _say_deadlock(self, found, now):
        """The deadlock and the run's end in the control file, and what the program wrote flushed."""
        entries = sorted(found["entries"], key=lambda e: (_order(e["worker"]), e["thread"]))
        workers = sorted(found["stacks"], key=_order)
        self.control.write({"type": "deadlock", "t": now, "seconds": self.limit_ns / 1e9,
                            "cycle": "; ".join(e["words"] for e in entries),
                            "workers": [{"worker": w, "stack": found["stacks"][w]} for w in workers]})
        self.control.write({"type": "runEnd", "t": clock_ns()})
        try:
            import interleave_capture
            sys.stdout.flush()
            sys.stderr.flush()
            interleave_capture.stop_below()
        except Exception:
            pass


def _signal_all(pids, sig):
    for pid in pids if sig is not None else ():
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def _order(worker):
    """Workers in order: a model run's by index, a script run's by key ("pid.token.n"), then a
    thread outside any worker."""
    if isinstance(worker, int):
        return (0, worker, 0)
    pid, _token, n = worker.split(".")
    return (1, int(pid), int(n))


def proc_stat(pid):
    """A process's state letter and parent pid, from /proc/<pid>/stat (OSError: gone, or no /proc)."""
    with open("/proc/%s/stat" % pid, "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return fields[0].decode(), int(fields[1])


def _alive(pid):
    """Whether process ``pid`` still runs (a zombie does not: it waits to be joined)."""
    try:
        return proc_stat(pid)[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:
        pass
    if sys.platform == "win32":  # signal 0 is CTRL_C_EVENT there: never send it
        return True
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def _participants(live):
    """Thread ident -> the seat it works for (None: a thread outside any worker), of every thread
    that could still make progress for the run."""
    by_rec = {seat.rec: seat for seat in locks.seats()}
    out = {seat.ident: seat for seat in live}
    for seat in live:  # a thread's own worker, not an asyncio task on it (a script run's tasks)
        if seat.task is None:
            out[seat.ident] = seat
    names = {}
    for thread in threading.enumerate():
        names[thread.ident] = thread.name
        if thread.ident in out:
            continue
        rec = getattr(thread, "_interleave_recorder", None)
        if rec is not None:
            out[thread.ident] = by_rec.get(rec)
        elif not _machinery(thread):
            out[thread.ident] = None
    return out, names, by_rec


def analyse():
    """This process's workers now: None when none is live; else whether every thread that could
    make progress is blocked (since when, who waits for what in words, each worker's stack)."""
    live = [seat for seat in locks.seats() if seat.live]
    if not live:
        return None
    parts, names, by_rec = _participants(live)
    waits = locks.waits()
    found = []
    for ident, seat in parts.items():
        wait = waits.get(ident)
        if wait is None or wait.timed or _may_end(wait, parts):
            return {"blocked": False}
        found.append((ident, by_rec.get(wait.rec) or seat, wait))
    frames = sys._current_frames()
    entries, stacks = [], {}
    for ident, seat, wait in found:
        entries.append({"worker": seat.worker if seat else 1 << 20, "thread": wait.thread,
                        "words": _words(ident, seat, wait, names)})
        if seat is not None:
            stack = _user_stack(frames.get(ident))
            own = ident == seat.ident and wait.thread == 0
            stacks[seat.worker] = (stack + stacks.get(seat.worker, "")) if own else \
                stacks.get(seat.worker, "") + "Its thread %s:\n%s" % (names.get(ident, "?"), stack)
    for seat in live:  # an asyncio task behind the one that blocks the event loop
        if seat.worker not in stacks:
            stacks[seat.worker] = _format_frames(_awaiting(seat.task.get_coro())) if seat.task else ""
            held = locks.held_by(owner_key(seat.ident, seat.rec))
            entries.append({"worker": seat.worker, "thread": 0, "words": "%s %scannot run: the event loop it shares is blocked"
                            % (seat.label, "holds %s and " % " and ".join(held) if held else "")})
    return {"blocked": True, "since": max(w.since for _, _, w in found), "entries": entries, "stacks": stacks,
            "shared": any(w.shared for _, _, w in found), "sig": sorted([i, w.since] for i, _, w in found)}


def _may_end(wait, parts):
    """Whether a join's wait can end without the threads that count here: a thread of another
    kind that still runs; a process that still runs, unless this is a script run, whose processes
    are all watched (interleave_script_watch decides with them)."""
    joined = wait.joined
    if joined is None:
        return False
    if wait.shared:
        return shared.state.model != "script" and _alive(joined.pid)
    return joined.ident not in parts and joined.is_alive()


def _awaiting(coro):
    """A suspended coroutine's frames, outermost first: it and what it awaits, down the chain."""
    frames = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            frames.append(frame)
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return frames


def _words(ident, seat, wait, names):
    """'Thread 1 holds a (line 5) and waits for b (line 6)'."""
    if seat is None:
        who = "thread %s" % names.get(ident, "?")
    elif ident == seat.ident and wait.thread == 0:
        who = seat.label
    else:
        who = "%s's thread %s" % (seat.label, names.get(ident, "?"))
    held = locks.held_by(owner_key(ident, wait.rec))
    if held:
        return "%s holds %s and %s" % (who, " and ".join(held), wait.words())
    return "%s %s" % (who, wait.words())


_MACHINERY = ("concurrent.futures", "multiprocessing", "asyncio", "interleave_")


def _machinery(thread):
    """Ours, or the standard library's own machinery (a pool's idle thread, a Queue's feeder),
    which cannot release the user's locks by itself; anything else may (a Timer a worker's
    library started, a thread the module's set-up started). A multiprocessing Queue's feeder with
    an item in hand is not idle machinery: it is sending what a get() elsewhere waits for."""
    if thread is threading.main_thread() or thread.name in ("interleave-watchdog", "interleave-below"):
        return True
    target = getattr(thread, "_target", None)
    module = getattr(target, "__module__", None) or type(thread).__module__ or ""
    if thread.name == "QueueFeederThread" and _feeding(thread):
        return False
    return module.startswith(_MACHINERY)


def _feeding(feeder):
    """Whether a Queue's feeder thread has work: items in its buffer, or one being pickled and
    written (anywhere but its idle Condition.wait)."""
    args = getattr(feeder, "_args", ())
    if args and len(args[0]):
        return True
    frame = sys._current_frames().get(feeder.ident)
    return frame is not None and not (frame.f_code.co_name == "wait" and frame.f_code.co_filename == threading.__file__)


def _user_stack(frame):
    """The user's frames of a thread's stack, outermost first, as a traceback shows them."""
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return _format_frames(reversed(frames))


def _format_frames(frames):
    """Those of ``frames`` (outermost first) that are the user's file's (in a script run, also
    another file of the program's), as a traceback shows them."""
    out = []
    for f in frames:
        name = f.f_code.co_filename
        if not shared.is_user_file(name):
            continue
        lines = shared.file_lines(name)
        line = f.f_lineno
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        out.append('  File "%s", line %d, in %s\n%s' % (name, line, f.f_code.co_name,
                                                      "    %s\n" % text if text else ""))
    return "".join(out)
