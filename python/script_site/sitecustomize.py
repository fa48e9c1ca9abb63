"""Interleave's hook in every Python child of a traced script (``interleave script``): this
folder is first on the child's PYTHONPATH. Records the child as a worker of the run
(interleave_script.start_child), then runs the user's own sitecustomize, if there is one, as
Python would have without us. Does nothing outside a traced run.
"""
import os
import sys


def _trace_this_process():
    run = os.environ.get("INTERLEAVE_SCRIPT_RUN")
    if not run or not os.path.isdir(run):
        return  # not in a traced run (or one that is over): nothing of ours is imported
    harness = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if harness not in sys.path:
        sys.path.append(harness)  # after the user's folders: our modules are all named interleave_*
    _use_our_bytecode_cache(run)
    try:
        import interleave_script
        interleave_script.start_child()
    except Exception as e:  # never the reason a user's program fails to start
        sys.stderr.write("interleave: this process is not traced (%s: %s)\n" % (type(e).__name__, e))


def _use_our_bytecode_cache(run):
    """The main process's bytecode cache for this child too (as the harness's main process has it):
    its environment is the user's, without our PYTHONPYCACHEPREFIX, so our modules would be
    compiled into the extension's own folder — or, where that is read-only, on every start."""
    if getattr(sys, "pycache_prefix", None) is not None:
        return  # the user's own setting
    try:
        import json
        with open(os.path.join(run, "script.json"), encoding="utf-8") as f:
            prefix = json.load(f).get("pycache")
        if prefix:
            sys.pycache_prefix = prefix
    except (OSError, ValueError, AttributeError):
        pass


def _chain_to_users_sitecustomize():
    """Import the next sitecustomize on sys.path (ours left out), as `sitecustomize`."""
    import importlib.machinery
    import importlib.util
    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_trace_this_process()
_chain_to_users_sitecustomize()
# the program sees the import path it would have seen without us
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
