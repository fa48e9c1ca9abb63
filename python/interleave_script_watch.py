"""A traced script's deadlock across its processes (interleave script): a wait that another process
can end — on a multiprocessing Lock, Queue, Event…, or a Process.join — does not make a process
stuck by itself. Each process whose threads are all blocked, one of them in such a wait, says so in
``p<pid>.wait`` in the run's folder, again at every look of its watchdog; the program is
deadlocked when every live process of it says so, with the same waits, for the limit.

- A live process of the program that says nothing (a process not traced, a C program, one that
  has just started) may still make progress: no deadlock. multiprocessing's own forkserver and
  resource tracker say ``machinery`` once: they release nothing of the user's.
- The program's processes: the main one, those that have said something, and every descendant of
  them (/proc; elsewhere the program-wide decision is not made: the time limit ends the run).
- Two looks a watchdog period apart must agree — the same waits, each process's word written after
  the first look — so that a process that moved and blocked again in between is not taken stuck.
- The first watchdog to decide claims the decision (``deadlock.claim``, made exclusively) and ends
  the run as a process's own deadlock ends it (interleave_watchdog).
"""
import json
import os

import interleave_fds as fds
import interleave_lock_state as shared
import interleave_locks as locks
from interleave_script_core import settings

_said = {}  # this process's last word (its text): written again only when it changed, or when blocked
_candidate = {}  # "since": when the previous look found the program stuck, "sigs": pid -> its waits


def _path(pid):
    return os.path.join(shared.state.dir, "p%d.wait" % pid)


def _say(word, always=False):
    text = json.dumps(word)
    if not always and _said.get(os.getpid()) == text:
        return
    if locks.write_whole(_path(os.getpid()), text):
        _said[os.getpid()] = text  # else said again at the next look


def machinery():
    """multiprocessing's forkserver or resource tracker: it cannot release what the user's
    processes wait for, and its own waits are not the user's."""
    if shared.state.dir:
        _say({"state": "machinery", "pid": os.getpid()})


def look(found, now, limit_ns):
    """This process's state (interleave_watchdog.analyse) as the program-wide decision needs it:
    ``found`` itself when nothing waits on another process (this process alone decides), else the
    program's state when every process of it has been blocked for the limit (None: not stuck)."""
    if not found or not found["blocked"]:
        _say({"state": "running", "pid": os.getpid()})
        return found
    if not found.get("shared"):
        _say({"state": "alone", "pid": os.getpid()})  # deadlocked by itself: it ends the program at its limit
        return found
    _say({"state": "blocked", "pid": os.getpid(), "since": found["since"], "t": now, "sig": found["sig"],
          "entries": found["entries"], "stacks": found["stacks"]}, always=True)
    program = _program(now, limit_ns)
    if program is None:
        _candidate.clear()
        return None
    sigs = {pid: word["sig"] for pid, word in program.items()}
    agreed = _candidate.get("sigs") == sigs and all(w["t"] >= _candidate["since"] for w in program.values())
    if not agreed:
        _candidate.update(since=now, sigs=sigs)
        return None
    if not _claim():
        return None  # another process's watchdog decided: it ends this one too
    return _found(program)


def _program(now, limit_ns):
    """Every live process of the program, by pid, with its word — when each says it is blocked
    since at least the limit; else None."""
    words = _words()
    if words is None or any(_moving(pid, word, now, limit_ns) for pid, word in words.items()):
        return None  # decided without listing /proc (≈ 17 µs a process on the machine)
    stuck = {}
    for pid in _processes(set(words)):
        word = words.get(pid)
        if word is None:
            return None  # alive and silent: it may still make progress
        if word["state"] == "machinery":
            continue
        if word["state"] != "blocked" or now - word["since"] < limit_ns:
            return None
        stuck[pid] = word
    return stuck or None


def _moving(pid, word, now, limit_ns):
    """A process that said it is not blocked (or not for the limit yet), and is alive: not stuck."""
    if word["state"] == "machinery" or (word["state"] == "blocked" and now - word["since"] >= limit_ns):
        return False
    from interleave_watchdog import _alive
    return _alive(pid)


def _words():
    """What each process has said, by pid (None when the folder cannot be read)."""
    words = {}
    try:
        names = os.listdir(shared.state.dir)
    except OSError:
        return None
    for name in names:
        if not (name.startswith("p") and name.endswith(".wait")):
            continue
        try:
            with open(os.path.join(shared.state.dir, name)) as f:
                word = json.load(f)
            words[int(word["pid"])] = word
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being replaced: read again next time
    return words


def _processes(said):
    """The program's live processes: the main one, those that said something, their descendants.
    Without /proc none can be known: an empty set, so that nothing is decided."""
    roots = set(said)
    if settings.get("mainPid"):
        roots.add(int(settings["mainPid"]))
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return set()
    parents, live = {}, set()
    for entry in entries:
        stat = _stat(entry)
        if stat is None:
            continue
        state, ppid = stat
        if state not in ("Z", "X"):
            live.add(int(entry))
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = set(), [pid for pid in roots if pid in live]
    while todo:
        pid = todo.pop()
        if pid in out:
            continue
        out.add(pid)
        todo.extend(child for child in parents.get(pid, ()) if child in live)
    return out


def _stat(pid):
    """A process's state letter and parent pid (None: gone)."""
    from interleave_watchdog import proc_stat
    try:
        return proc_stat(pid)
    except (OSError, IndexError, ValueError):
        return None


def _claim():
    try:
        fd = os.open(os.path.join(shared.state.dir, "deadlock.claim"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    fds.close(fd)  # os.close keeps the run's files open (interleave_fds)
    return True


def _found(program):
    """The program's processes' states as one (interleave_watchdog.analyse's shape)."""
    me = os.getpid()
    entries, stacks = [], {}
    for word in program.values():
        entries.extend(word["entries"])
        stacks.update(word["stacks"])
    return {"blocked": True, "since": max(w["since"] for w in program.values()), "entries": entries,
            "stacks": stacks, "pids": [pid for pid in program if pid != me]}
