"""The turnstile of --order: the harness makes the workers take turns at their prints in the
chosen order, in the thread and process models (and pools), and never waits for a worker that
has ended."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)

import interleave_turnstile as turnstile  # noqa: E402
from test_harness import read_records  # noqa: E402

HARNESS = os.path.join(ROOT, "python", "interleave_harness.py")

# Two workers, five lines each, with nothing between them: left alone, the first worker prints
# all of its lines before the second has started (start-up ≫ work).
PRINTS = """\
    def print_numbers():
        for i in range(5):
            print("Number:", i)

    def prints_unevenly():
        import threading
        for i in range(2 if threading.current_thread().name == "Thread-1" else 5):
            print("line", i)
    """


class TurnstileTest(unittest.TestCase):
    """The turnstile by itself, with threads."""

    def test_threads_take_turns_in_the_order(self):
        order = [1, 0, 0, 1, 1, 0]
        turn = turnstile.Turnstile(order, threading.Condition(), [0, 0, 0])
        seen = []

        def worker(w):
            for _ in range(3):
                turn.enter(w, None)
                seen.append(w)
                turn.moved(1)
            turn.moved(0, ended=w)

        threads = [threading.Thread(target=worker, args=(w,)) for w in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        self.assertEqual(seen, order)

    def test_slots_of_an_ended_worker_are_skipped(self):
        turn = turnstile.Turnstile([1, 1, 0, 1, 0], threading.Condition(), [0, 0, 0])
        turn.moved(0, ended=1)  # worker 1 ended without printing
        turn.enter(0, None)  # would wait for ever if its slots were not skipped
        turn.moved(1)
        turn.enter(0, None)
        self.assertEqual(turn.state[0], 4)
        turn.moved(1)
        self.assertTrue(turn.free, "past the order's end every worker runs free")


class ForcedRunTest(unittest.TestCase):
    """The harness with an order: the events' times put the lines in exactly that order."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.path = os.path.join(self.dir, "prints.py")
        with open(self.path, "w") as f:
            f.write(textwrap.dedent(PRINTS))

    def tearDown(self):
        self._tmp.cleanup()

    def run_forced(self, model, order, function="print_numbers", workers=2):
        config = {"file": self.path, "source": self.path, "function": function, "model": model,
                  "workers": workers, "dir": self.dir, "order": order, "deadlockSeconds": 0}
        config_path = os.path.join(self.dir, "config.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        out = subprocess.run([sys.executable, HARNESS, "run", config_path], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        events = []
        for w in range(workers):
            events += [(int(r[1]), w) for r in read_records(os.path.join(self.dir, "w%d.trc" % w)) if r[0] == "O"]
        with open(os.path.join(self.dir, "control.jsonl")) as f:
            start = [json.loads(line) for line in f if '"runStart"' in line][0]
        return [w for _, w in sorted(events)], start, out.stdout

    def test_each_model_follows_the_order(self):
        order = [1, 0, 1, 0, 0, 1, 1, 0, 1, 0]
        for model in turnstile.TURN_MODELS:
            with self.subTest(model=model):
                signature, start, stdout = self.run_forced(model, order)
                self.assertEqual(signature, order)
                self.assertTrue(start.get("forced"))
                self.assertEqual(stdout.count("Number:"), 10)

    def test_a_worker_that_ends_early_does_not_hold_the_others(self):
        # worker 0 prints twice where the order gives it four turns: its last two are skipped
        signature, _, _ = self.run_forced("thread", [1, 0, 0, 0, 0, 1, 1, 1, 1], "prints_unevenly")
        self.assertEqual(signature, [1, 0, 0, 1, 1, 1, 1])

    def test_the_sequential_model_is_not_forced(self):
        signature, start, _ = self.run_forced("sequential", [1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
        self.assertEqual(signature, [0] * 5 + [1] * 5)
        self.assertNotIn("forced", start)


if __name__ == "__main__":
    unittest.main()
