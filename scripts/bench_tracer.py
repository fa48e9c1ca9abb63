"""Tracer cost per output line: the same print loop bare and traced, in one process, stdout a pipe."""
import builtins
import io
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import interleave_capture as capture  # noqa: E402
import interleave_recorder as recorder_file  # noqa: E402


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
    capture.install()
    proxy = sys.stdout
    # the user's program without us: CPython's own text layer over the real stdout (ours holds
    # its text in chunks of its own, see interleave_capture._pass_through)
    real = io.TextIOWrapper(io.open(capture._real_fds.get(1, 1), "wb", closefd=False), encoding=proxy.encoding,
                            errors=proxy.errors, write_through=proxy.write_through)
    raw, bare, traced = [], [], []
    # Interleaved rounds, so that a machine that speeds up or slows down weighs on all three alike.
    for r in range(rounds):
        # the builtin print to the real stdout: what the user's program costs without us
        sys.stdout = real
        builtins.print = capture._builtin_print
        raw.append(timed(n))
        sys.stdout = proxy
        builtins.print = capture._print
        bare.append(timed(n))  # no recorder attached: pass-through only
        path = os.path.join(folder, "w%d.trc" % r)
        rec = recorder_file.Recorder(path, __file__, n + 10)
        capture.attach(rec)
        traced.append(timed(n))
        capture.detach()
        rec.close()
        os.unlink(path)
    med = lambda xs: sorted(xs)[len(xs) // 2]
    result = {"lines": n, "rounds": rounds, "rawNsPerLine": med(raw) / n, "proxyNsPerLine": med(bare) / n,
              "tracedNsPerLine": med(traced) / n,
              "addedNsPerLine": med([t - b for t, b in zip(traced, raw)]) / n,
              "ratio": med([t / b for t, b in zip(traced, raw)])}
    sys.stderr.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
