"""The user's environment for the user's code. The runner starts the harness with variables of its
own (src/runner/launch.ts, harnessEnv: PYTHONUTF8 for UTF-8 I/O, PYTHONPYCACHEPREFIX for our
bytecode cache) and says in the config how the user had them (``userEnv``: name -> value, None
for unset). They are put back in os.environ before the user's code runs — the function's module
is imported, the script's __main__ begins — so that the user's code and every child it starts see
the user's values. What the interpreter took from them at its start (sys.flags.utf8_mode,
sys.pycache_prefix) stays ours.

The harness's own worker processes (the process models) start with ours, as the harness did —
their start-up is a figure we show, and their flags and bytecode cache come from the environment
they start with — and put the user's back themselves.
"""
import contextlib
import os

_ours = {}  # name -> the harness's value (None: unset), for the variables put back


def _set(name, value):
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def restore(config):
    """os.environ as the user had it, for each variable the runner set for the harness."""
    for name, value in (config.get("userEnv") or {}).items():
        _ours.setdefault(name, os.environ.get(name))
        _set(name, value)


@contextlib.contextmanager
def ours():
    """While the harness starts its own worker processes: the environment it was started with.
    (A thread of the user's own running meanwhile in this process would see it too.)"""
    users = {name: os.environ.get(name) for name in _ours}
    for name, value in _ours.items():
        _set(name, value)
    try:
        yield
    finally:
        for name, value in users.items():
            _set(name, value)
