"""multiprocessing's objects made by the user's file, as subclasses that record their waits like
interleave_lock_wrappers' and interleave_lock_classes' (a lock's owner is the thread of the process
that holds it):

- Lock, RLock, Semaphore, BoundedSemaphore: a contended acquire, and its hold;
- Condition (its own lock's contention too, as threading's), Event, Barrier: their waits;
- Queue, JoinableQueue: a get that finds it empty, a put that finds it full, a join.

They record in every process that uses them: under fork the objects the user's module made are
the parent's, shared by the workers; a spawned worker makes its own when it imports the module.
``install`` patches multiprocessing in when the user's code imports it; importing this module
imports no multiprocessing.
"""
import os
import sys
import threading

from interleave_lock_classes import BarrierWaits, ConditionWaits, EventWaits, QueueWaits
from interleave_lock_state import is_user_file, owned, user_label, waiting
from interleave_lock_waits import PROCESS_JOIN, joined, released, waited
from interleave_lock_wrappers import owner

_get_ident = threading.get_ident


class _SemLockWaits(object):
    """A user's Lock/RLock/Semaphore/BoundedSemaphore: a contended acquire and its hold."""
    _ilv = None
    owner = None
    hold = None
    depth = 0
    records_holds = True  # a Condition's wait gives it the hold (interleave_lock_wrappers.holds_again)

    def _make_methods(self):
        pass  # SemLock binds acquire/release to the C lock per instance: ours are the methods

    def acquire(self, block=True, timeout=None):
        if self._semlock.acquire(False):
            self.owner = owner()
            self.depth += 1
            return True
        if not block or self._ilv is None or _get_ident() in waiting:
            # (in a wait of ours already: a Condition's wait taking its lock again is part of it)
            return self._semlock.acquire(block, timeout) and self._took(None)
        ok, hold = waited(self._semlock.acquire, (True, timeout), self._ilv, self._kind, "waits for %s",
                          timeout is not None)
        return ok and self._took(hold)

    def _took(self, hold):
        self.owner = owner()
        self.depth += 1
        if hold is not None:
            self.hold = hold
        return True

    def release(self):
        if self.depth <= 1:
            self.owner, self.depth = None, 0
            if self.hold is not None:
                hold, self.hold = self.hold, None
                released(hold)
        else:
            self.depth -= 1
        self._semlock.release()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, t, v, tb):
        self.release()


class _JoinableQueueWaits(QueueWaits):
    """A user's JoinableQueue: a join with tasks left is a wait on it too."""

    def join(self):
        base = super(_JoinableQueueWaits, self)
        if self._ilv is None or self._unfinished_tasks._semlock._is_zero():
            return base.join()
        return self._wait(lambda b, t: base.join(), None, "waits for %s to be done")


class _KeepsItsName(object):
    """Sent to a spawned child (pickled: its class's __getstate__ keeps the C handles, not our
    attributes) with its name and kind, so that its waits there are recorded and named too."""

    def __getstate__(self):
        names = {k: self.__dict__[k] for k in _NAMES if k in self.__dict__}
        return _Pickled(super(_KeepsItsName, self).__getstate__(), names)

    def __setstate__(self, state):
        if not isinstance(state, _Pickled):  # multiprocessing's own use (Barrier.__init__ sets its state)
            return super(_KeepsItsName, self).__setstate__(state)
        super(_KeepsItsName, self).__setstate__(state.base)
        self.__dict__.update(state.names)
        if "label" in state.names:
            owned.add(self)


class _Pickled(object):
    """One of ours as pickled: its class's state and our names."""

    def __init__(self, base, names):
        self.base = base
        self.names = names


_NAMES = ("_ilv", "label", "_kind")  # what _user_object gives one of ours


# multiprocessing's name -> (the module of its class, what ours adds): see _made
_MIXINS = {
    "Lock": ("synchronize", _SemLockWaits), "RLock": ("synchronize", _SemLockWaits),
    "Semaphore": ("synchronize", _SemLockWaits), "BoundedSemaphore": ("synchronize", _SemLockWaits),
    "Condition": ("synchronize", ConditionWaits), "Event": ("synchronize", EventWaits),
    "Barrier": ("synchronize", BarrierWaits),
    "Queue": ("queues", QueueWaits), "JoinableQueue": ("queues", _JoinableQueueWaits),
}
_LOCKS = ("Lock", "RLock", "Semaphore", "BoundedSemaphore")  # they are held: the watchdog's "holds"


def _made(name):
    """Our subclass of multiprocessing's ``name``, made when first needed (importing
    multiprocessing costs a thread-model run for nothing until then); a global of this module,
    ``_Mp<name>``, so that a spawned child can unpickle one by name."""
    made = globals().get("_Mp" + name)
    if made is None:
        import importlib
        home, mixin = _MIXINS[name]
        base = getattr(importlib.import_module("multiprocessing." + home), name)
        # multiprocessing's Barrier is a threading.Barrier: ours once it is defined after install
        bases = (base,) if issubclass(base, mixin) else (mixin, base)
        if "__getstate__" in _defined(base):  # its own pickling, which drops our attributes
            bases = (_KeepsItsName,) + bases
        made = type(name, bases, {"_kind": "multiprocessing." + name, "__module__": __name__,
                                  "__qualname__": "_Mp" + name})
        globals()["_Mp" + name] = made
    return made


def _defined(cls):
    """The names the classes of ``cls``'s MRO define, object's left out."""
    return {name for klass in cls.__mro__ if klass is not object for name in vars(klass)}


def __getattr__(name):
    """_MpLock & co. on demand: a spawn child unpickling one of the user's objects imports this
    module by name before anything is installed there."""
    if name.startswith("_Mp") and name[3:] in _MIXINS:
        return _made(name[3:])
    raise AttributeError(name)


def _user_object(name, context, frame, args, kwargs):
    """One of ours for the line ``frame`` of the user's file, named after it."""
    ctx, own = context.get_context(), None
    if name == "Condition" and args[:1] in ((), (None,)) and "lock" not in kwargs:
        own = _made("RLock")(ctx=ctx)  # its own lock: contention on it is on the Condition
        args = (own,) + tuple(args[1:])
    made = _made(name)(*args, ctx=ctx, **kwargs)
    made._ilv = user_label(made, name, frame)
    if name in _LOCKS:
        made.label = made._ilv
        owned.add(made)
    if own is not None:
        own._ilv = own.label = made._ilv
        own._kind = "multiprocessing.Condition"
        owned.add(own)
    return made


def patch_context(context):
    """multiprocessing's contexts make the user's Lock … JoinableQueue ours."""
    try:
        _patch_context(context)
    except Exception:  # no working multiprocessing here (no sem_open): threading is covered
        pass


def _patch_join():
    """Process.join: a wait on that process's end, recorded like Thread.join's (a wait another
    process ends, for the watchdog)."""
    from multiprocessing import process
    join = process.BaseProcess.join
    if getattr(join, "_interleave", False):
        return

    def process_join(self, timeout=None):
        if self._parent_pid != os.getpid() or getattr(self, "_popen", None) is None:
            return join(self, timeout)  # not started, closed, or not ours: the error join gives
        if timeout is not None and timeout <= 0:
            return join(self, timeout)  # a poll: no wait, and no record
        return joined(join, self, timeout, PROCESS_JOIN, "waits for its process %s to end")
    process_join._interleave = True
    process.BaseProcess.join = process_join


def _patch_context(context):
    _patch_join()
    originals = {name: getattr(context.BaseContext, name) for name in _MIXINS}

    def factory(name):
        original = originals[name]

        def make(self, *args, **kwargs):
            frame = sys._getframe(1)
            if not is_user_file(frame.f_code.co_filename):
                return original(self, *args, **kwargs)  # multiprocessing's own (a Queue's lock)
            return _user_object(name, self, frame, args, kwargs)
        make.__name__ = name
        return make

    for name in _MIXINS:
        setattr(context.BaseContext, name, factory(name))
    package = sys.modules.get("multiprocessing")
    if package is not None and hasattr(package, "Lock"):  # bound when it was imported: again
        for name in _MIXINS:
            setattr(package, name, getattr(context._default_context, name))


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
            patch_context(module)
        spec.loader.exec_module = exec_module
        return spec


def install():
    """Patches multiprocessing now if the user's code has imported it already, else when it does."""
    context = sys.modules.get("multiprocessing.context")
    if context is not None:
        patch_context(context)
    else:
        sys.meta_path.insert(0, _PatchOnImport())
