"""Tracer cost per output line: the same print loop bare and traced, in one process, stdout a pipe."""
import builtins
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import interleave_capture as capture  # noqa: E402


def loop(n):
    for i in range(n):
        print("Number:", i)


def timed(n):
    sys.stdout.flush()
    t0 = time.perf_counter_ns()
    loop(n)
    sys.stdout.flush()
    return time.perf_counter_ns() - t0


def main():
    n = int(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    folder = tempfile.mkdtemp()
    bare, traced = [], []
    capture.install()
    for r in range(rounds):
        bare.append(timed(n))  # no recorder attached: pass-through only
        rec = capture.Recorder(os.path.join(folder, "w%d.trc" % r), __file__, n + 10)
        capture.attach(rec)
        traced.append(timed(n))
        capture.detach()
        rec.close()
    # the builtin print to the real stdout: what the user's program costs without us
    proxy = sys.stdout
    sys.stdout = proxy._original
    builtins.print = capture._builtin_print
    raw = [timed(n) for _ in range(rounds)]
    builtins.print = capture._print
    sys.stdout = proxy
    med = lambda xs: sorted(xs)[len(xs) // 2]
    result = {"lines": n, "rawNsPerLine": med(raw) / n, "proxyNsPerLine": med(bare) / n, "tracedNsPerLine": med(traced) / n}
    sys.stderr.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
