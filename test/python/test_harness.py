"""The harness's own tests (stdlib unittest): loading without the script part, argument parsing,
and the event recorder, including events surviving a writer that dies."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

import interleave_capture as capture  # noqa: E402
import interleave_loader as loader  # noqa: E402
import interleave_recorder as recorder_file  # noqa: E402

HARNESS = os.path.join(ROOT, "python", "interleave_harness.py")


def read_records(path):
    """The records of an event file as lists of strings, in the fields the tests compare:
    B [kind, t, pid, tid]; O [kind, t, stream, line, text, thread, below]; S [kind, thread, name, tid];
    E [kind, t, cpuNs, status json]; T [kind, t]; L [kind, t, phase, line, thread, id(, lock kind, name)]."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == recorder_file.MAGIC
    out, pos = [], recorder_file.HEADER
    while pos + recorder_file.HEAD_SIZE <= len(data):
        kind = data[pos]
        if kind == 0:
            break
        n, t, a, b = recorder_file.HEAD.unpack_from(data, pos + 1)
        payload = data[pos + recorder_file.HEAD_SIZE:pos + recorder_file.HEAD_SIZE + n].decode("utf-8")
        pos += recorder_file.HEAD_SIZE + n
        k = chr(kind)
        if k == "O":
            text = payload[:-1] if payload.endswith("\n") else payload
            out.append(["O", str(t), str(b & 3), str(a), text, str(b >> 3), str((b >> 2) & 1)])
        elif k == "B":
            out.append(["B", str(t), str(a), str(b)])
        elif k == "S":
            out.append(["S", str(a), payload, str(b)])
        elif k == "L":
            phase = ("wait", "acquired", "released", "gave up")[b & 3]
            out.append(["L", str(t), phase, str(a), str(b >> 2)] + payload.split("\t"))
        elif k == "E":
            end = json.loads(payload)
            out.append(["E", str(t), str(end["cpuNs"]), json.dumps(end["status"])])
        else:
            out.append([k, str(t)])
    return out


class TempDir(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
        return path


class LoaderTest(TempDir):
    def test_script_part_is_not_run(self):
        path = self.write("scripty.py", """
            import threading
            ran = []
            X = 1
            def f():
                return X
            class C:
                pass
            ran.append("top-level call")
            for i in range(3):
                ran.append(i)
            with open(__file__) as fh:
                ran.append("with")
            if __name__ == "__main__":
                ran.append("main")
            else:
                Y = 2
            try:
                import json
            except ImportError:
                json = None
            """)
        module, skipped = loader.load_module(path, path)
        try:
            self.assertEqual(module.ran, [])
            self.assertEqual(module.f(), 1)
            self.assertEqual(module.Y, 2)
            self.assertIsNotNone(module.json)
            self.assertEqual(module.__name__, "scripty")
            self.assertEqual(skipped, [9, 10, 12, 14])
        finally:
            sys.modules.pop("scripty", None)

    def test_set_up_calls_at_top_level_are_kept(self):
        path = self.write("setup.py", """\
            import logging, random, sys
            logging.basicConfig(level=logging.INFO)
            log = logging.getLogger("x")
            log.setLevel(logging.DEBUG)
            sys.path.insert(0, "/nowhere")
            random.seed(4)
            main()
            print("script")
            """)
        module, skipped = loader.load_module(path, path)
        self.assertEqual(skipped, [7, 8])
        self.assertEqual(module.log.level, 10)
        self.assertIn("/nowhere", sys.path)
        sys.path.remove("/nowhere")

    def test_reversed_main_guard_is_recognised(self):
        path = self.write("rev.py", """
            hits = []
            if "__main__" == __name__:
                hits.append(1)
            """)
        module, _ = loader.load_module(path, path)
        sys.modules.pop("rev", None)
        self.assertEqual(module.hits, [])

    def test_syntax_error_has_line_and_column(self):
        with self.assertRaises(loader.LoadError) as cm:
            loader.parse("def f(:\n    pass\n", "bad.py")
        self.assertEqual(cm.exception.kind, "syntax")
        self.assertEqual(cm.exception.line, 1)
        self.assertIn("bad.py:1:", cm.exception.message)

    def test_import_error_is_reported_as_the_users(self):
        path = self.write("imp.py", "import interleave_missing_module_q\n")
        with self.assertRaises(loader.LoadError) as cm:
            loader.load_module(path, path)
        self.assertEqual(cm.exception.kind, "import")
        self.assertIn("ModuleNotFoundError", cm.exception.message)
        self.assertEqual(cm.exception.line, 1)

    def test_list_functions_reports_required_parameters(self):
        tree = loader.parse(textwrap.dedent("""
            @decorator
            def a(x, y=1, *args, z, w=2, **kw):
                pass
            async def b():
                pass
            class K:
                def m(self):
                    pass
            """), "f.py")
        fns = loader.list_functions(tree)
        self.assertEqual([f["name"] for f in fns], ["a", "b"])
        self.assertEqual(fns[0]["required"], ["x", "z"])
        self.assertEqual(fns[0]["startLine"], 2)
        self.assertEqual(fns[0]["line"], 3)
        self.assertTrue(fns[1]["isAsync"])

    def test_parse_args(self):
        self.assertEqual(loader.parse_args('"bob", times=3', {}), (("bob",), {"times": 3}))
        self.assertEqual(loader.parse_args("", {}), ((), {}))
        self.assertEqual(loader.parse_args("N * 2", {"N": 21}), ((42,), {}))
        for bad in ['"bob", times=', "1), print('x'", "*"]:
            with self.assertRaises(loader.LoadError, msg=bad):
                loader.parse_args(bad, {"y": []})

    def test_args_syntax_problem_only_parses(self):
        self.assertIsNone(loader.args_syntax_problem('"bob", times=3'))
        self.assertIsNone(loader.args_syntax_problem("undefined_name, *xs, k=1, **kw"))  # nothing evaluated
        self.assertIn("(column ", loader.args_syntax_problem('"bob", times='))
        self.assertIsNotNone(loader.args_syntax_problem("[1, 2"))
        self.assertIn("positional argument follows keyword argument", loader.args_syntax_problem("x=1, 2"))
        # brackets that would close ours and call the result: not one list of arguments
        for bad in ["a)(b", "1), print('x'", "a)[0"]:
            self.assertIsNotNone(loader.args_syntax_problem(bad), bad)
        with self.assertRaises(loader.LoadError) as caught:
            loader.parse_args("a)(b", {"a": print, "b": 1})
        self.assertEqual(caught.exception.problem, "the brackets do not hold one list of arguments")
        with self.assertRaises(loader.LoadError) as caught:
            loader.parse_args("bob", {})
        self.assertEqual(caught.exception.problem, "NameError: name 'bob' is not defined")

    def test_check_args_verb_answers_json(self):
        harness = os.path.join(os.path.dirname(loader.__file__), "interleave_harness.py")
        out = subprocess.run([sys.executable, "-S", harness, "check-args", '"bob", times='],
                             stdout=subprocess.PIPE, check=True).stdout
        reply = json.loads(out)
        self.assertFalse(reply["ok"])
        self.assertIn("(column ", reply["problem"])  # the words are Python's own: they vary by version

    def test_parse_args_takes_only_the_arguments_of_one_call(self):
        # each closes our call and goes on with code of its own, or nests past the parser's limits
        for bad in ["1).__class__(", "1)(2", "1)+_(2", "[" * 100000, "-" * 100000 + "1",
                    "a." * 100000 + "b", "x=1, x=2"]:
            with self.assertRaises(loader.LoadError, msg=bad[:20]) as caught:
                loader.parse_args(bad, {})
            self.assertEqual(caught.exception.kind, "args")
            self.assertIn("--args is not valid call-argument syntax", caught.exception.message)
            self.assertLess(len(caught.exception.message), 300, "the message shows a short part of the text")
        self.assertEqual(loader.parse_args("*[1, 2], k=3, **{'m': 4}  # a comment", {}), ((1, 2), {"k": 3, "m": 4}))
        with self.assertRaises(loader.LoadError) as caught:
            loader.parse_args("exit(3)", {"exit": sys.exit})
        self.assertIn("evaluating --args 'exit(3)' failed: SystemExit", caught.exception.message)

    def test_read_source_decodes_a_file_as_python_does(self):
        cases = {
            "latin-1 coding line": b'# -*- coding: latin-1 -*-\nx = "caf\xe9"\n',
            "coding line 2, after a shebang": b'#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = "\x80"\n',
            "BOM": b'\xef\xbb\xbfx = "caf\xc3\xa9"\n',
            "BOM and a utf-8 coding line": b'\xef\xbb\xbf# coding: utf-8\nx = "caf\xc3\xa9"\n',
            "UTF-8": 'x = "caf\u00e9"\n'.encode("utf-8"),
            "a coding comment past line 2": b'x = 1\ny = 2\n# coding: latin-1\nz = "caf\xc3\xa9"\n',
            # Python refuses these too
            "latin-1 without a coding line": b'x = "caf\xe9"\n',
            "an unknown encoding": b'# coding: klingon\nx = 1\n',
            "a BOM and a latin-1 coding line": b'\xef\xbb\xbf# coding: latin-1\nx = 1\n',
        }
        with tempfile.TemporaryDirectory() as d:
            for case, data in cases.items():
                path = os.path.join(d, "m.py")
                with open(path, "wb") as f:
                    f.write(data)
                try:
                    python_code = compile(data, path, "exec")
                except SyntaxError:
                    with self.assertRaises(loader.LoadError, msg=case) as caught:
                        loader.read_source(path, path)
                    self.assertEqual(caught.exception.kind, "encoding", case)
                    self.assertIn("m.py", caught.exception.message)
                    continue
                ours, python = {}, {}
                exec(compile(loader.read_source(path, path), path, "exec"), ours)
                exec(python_code, python)
                self.assertEqual({k: v for k, v in ours.items() if k != "__builtins__"},
                                 {k: v for k, v in python.items() if k != "__builtins__"}, case)

    def test_read_source_takes_a_copy_of_editor_text_as_utf8(self):
        # the editor decoded the file already: its coding line no longer describes the copy's bytes
        with tempfile.TemporaryDirectory() as d:
            copy = os.path.join(d, "source.py")
            with open(copy, "wb") as f:
                f.write('# -*- coding: latin-1 -*-\nx = "caf\u00e9"\n'.encode("utf-8"))
            self.assertIn('"caf\u00e9"', loader.read_source(copy, os.path.join(d, "real.py")))

    def test_snippet_keeps_file_line_numbers(self):
        code = loader.compile_snippet("    x = 1\n    print(x)\n", 10, "f.py")
        lines = sorted({i[2] for i in code.co_lines() if i[2]}) if hasattr(code, "co_lines") else [10]
        self.assertEqual(lines[0], 10)


class RecorderTest(TempDir):
    def recorder(self, name="w0.trc", max_events=1000000):
        return recorder_file.Recorder(os.path.join(self.dir, name), __file__, max_events)

    def test_lines_pieces_and_streams(self):
        rec = self.recorder()
        rec.begin()
        rec.feed(1, "a")
        rec.feed(1, "b")
        rec.feed(1, "\n")
        rec.feed(1, "one\ntwo\nthr")
        rec.feed(2, "err\n")
        rec.feed(1, "ee")
        rec.end(123, {"status": "ok"})
        rec.close()
        records = read_records(os.path.join(self.dir, "w0.trc"))
        self.assertEqual([r[0] for r in records], ["B", "O", "O", "O", "O", "O", "E"])
        outputs = [(r[2], r[4]) for r in records if r[0] == "O"]
        self.assertEqual(outputs, [("1", "ab"), ("1", "one"), ("1", "two"), ("2", "err"), ("1", "three")])
        self.assertEqual(json.loads(records[-1][3]), {"status": "ok"})

    def test_begin_says_which_thread_runs_the_worker(self):
        import threading
        rec = self.recorder()
        rec.begin()
        rec.end(0, {"status": "ok"})
        rec.close()
        begin = read_records(os.path.join(self.dir, "w0.trc"))[0]
        self.assertEqual(begin[2:], [str(os.getpid()), str(threading.get_native_id())])

    def test_a_helper_threads_pieces_do_not_mix_with_the_workers(self):
        import threading
        rec = self.recorder()
        rec.feed(1, "a")  # the worker's own line, still pending
        name = []

        def helper():
            capture.thread_state.thread = rec.add_thread("helper-x")
            rec.feed(1, "x")
            rec.feed(1, "y\n")
            name.append(capture.thread_state.thread)
        thread = threading.Thread(target=helper)
        thread.start()
        thread.join()
        rec.feed(1, "b\n")
        rec.end(0, {"status": "ok"})
        rec.close()
        records = read_records(os.path.join(self.dir, "w0.trc"))
        self.assertEqual(records[0], ["S", "1", "helper-x", str(thread.native_id)],
                         "the helper's native thread id: the runner samples its state by it")
        self.assertEqual([(r[4], r[5]) for r in records if r[0] == "O"], [("xy", "1"), ("ab", "0")])
        self.assertEqual(name, [1])

    def test_the_first_region_is_prepared_before_the_worker_begins(self):
        # preparing it costs ≈ 2 ms on a fresh file: that is not the worker's time or CPU
        import interleave_recorder
        rec = self.recorder()
        self.assertEqual(rec._cap, interleave_recorder.HEADER + interleave_recorder._REGION)
        prepared = rec._cap
        rec.begin()
        rec.feed(1, "a line\n")
        self.assertEqual(rec._cap, prepared, "begin and the first line write into the prepared region")
        rec.close()

    def test_grows_past_the_initial_mapping(self):
        rec = self.recorder()
        for i in range(20000):
            rec.feed(1, "line %d with some padding to fill the file\n" % i)
        rec.close()
        records = read_records(os.path.join(self.dir, "w0.trc"))
        self.assertEqual(len(records), 20000)
        self.assertEqual(records[-1][4], "line 19999 with some padding to fill the file")

    def test_event_cap_writes_one_truncation_marker(self):
        rec = self.recorder(max_events=3)
        for i in range(10):
            rec.feed(1, "%d\n" % i)
        rec.close()
        kinds = [r[0] for r in read_records(os.path.join(self.dir, "w0.trc"))]
        self.assertEqual(kinds, ["O", "O", "O", "T"])

    def test_events_survive_os_exit_of_the_writer(self):
        path = os.path.join(self.dir, "dies.trc")
        script = textwrap.dedent("""
            import os, sys
            sys.path.insert(0, %r)
            import interleave_capture as c
            import interleave_recorder
            rec = interleave_recorder.Recorder(%r, "x", 100)
            rec.begin()
            for i in range(5):
                rec.feed(1, "before exit %%d\\n" %% i)
            os._exit(9)
            """ % (os.path.join(ROOT, "python"), path))
        code = subprocess.call([sys.executable, "-c", script])
        self.assertEqual(code, 9)
        records = read_records(path)
        self.assertEqual([r[4] for r in records if r[0] == "O"], ["before exit %d" % i for i in range(5)])


    def test_writes_from_c_with_no_python_frame_still_reach_the_user(self):
        # an uncaught exception's traceback is written by C code: no Python frame is above write()
        script = textwrap.dedent("""
            import os, sys
            sys.path.insert(0, %r)
            import interleave_capture as c
            c.install()
            import interleave_recorder
            c.attach(interleave_recorder.Recorder(%r, "x", 100))
            raise ValueError("shown to the user")
            """ % (os.path.join(ROOT, "python"), os.path.join(self.dir, "w.trc")))
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        self.assertEqual(out.returncode, 1)
        self.assertIn("ValueError: shown to the user", out.stderr)


class ExitCodeTest(unittest.TestCase):
    def test_sys_exit_s_argument_becomes_the_status_python_would_exit_with(self):
        from interleave_worker import exit_code
        cases = [(None, 0), (True, 1), (False, 0), (0, 0), (3, 3), (256, 256), (-1, -1),
                 ((1 << 40) + 5, 5), (10 ** 30, -1), ("a message", 1), (1.5, 1), ([2], 1)]
        for code, expected in cases:
            self.assertIs(type(exit_code(code)), int, repr(code))
            self.assertEqual(exit_code(code), expected, repr(code))


class HarnessCommandTest(TempDir):
    def test_inspect_reports_functions_and_python(self):
        path = self.write("m.py", "def f(a):\n    pass\n")
        out = subprocess.check_output([sys.executable, HARNESS, "inspect", path, path])
        reply = json.loads(out)
        self.assertTrue(reply["ok"])
        self.assertEqual(reply["functions"][0]["required"], ["a"])
        self.assertIn(reply["python"]["gil"], (True, False))

    def run_harness(self, path, function, model, workers):
        config = {"file": path, "source": path, "function": function, "model": model,
                  "workers": workers, "dir": self.dir}
        config_path = os.path.join(self.dir, "config.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        out = subprocess.run([sys.executable, HARNESS, "run", config_path], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out

    def test_output_below_python_is_recorded_apart_and_still_passes_through(self):
        path = self.write("low.py", """\
            import os, sys, subprocess

            def low():
                os.write(1, b"os.write line\\n")
                subprocess.run(["sh", "-c", "echo from a shell; echo shell err >&2"])
                print("done")
            """)
        out = self.run_harness(path, "low", "sequential", 1)
        self.assertEqual(out.stdout.count("os.write line\n"), 1)
        self.assertEqual(out.stdout.count("from a shell\n"), 1)
        self.assertEqual(out.stderr.count("shell err\n"), 1)
        records = read_records(os.path.join(self.dir, "w0.trc"))
        # os.write from Python: the caller's line and time, in the worker's own file, marked as
        # written below sys.stdout
        self.assertEqual([(r[3], r[4], r[6]) for r in records if r[0] == "O"],
                         [("4", "os.write line", "1"), ("6", "done", "0")])
        side = read_records(os.path.join(self.dir, "w0.trc.a"))
        self.assertEqual(sorted((r[2], r[3], r[4]) for r in side), [("1", "0", "from a shell"), ("2", "0", "shell err")])

    def test_run_thread_model_records_both_workers(self):
        path = self.write("p.py", "def p():\n    for i in range(3):\n        print('n', i)\n")
        out = self.run_harness(path, "p", "thread", 2)
        # print("n", i) is four writes; the two threads' pieces may interleave on the raw stream
        self.assertEqual(out.stdout.count("n"), 6, "the user's output passes through")
        for w in (0, 1):
            texts = [r[4] for r in read_records(os.path.join(self.dir, "w%d.trc" % w)) if r[0] == "O"]
            self.assertEqual(texts, ["n 0", "n 1", "n 2"])
        with open(os.path.join(self.dir, "control.jsonl")) as f:
            types = [json.loads(line)["type"] for line in f]
        self.assertEqual(types[0], "python")
        self.assertIn("runStart", types)
        self.assertEqual(types[-1], "runEnd")

    def test_a_thread_left_running_is_waited_for_and_its_lines_are_the_worker_s(self):
        path = self.write("late.py", """\
            import threading, time

            def f():
                threading.Thread(target=lambda: (time.sleep(0.1), print("late"))).start()
                print("returned")
            """)
        for model in ("sequential", "thread"):
            out = self.run_harness(path, "f", model, 1)
            self.assertNotIn("Error", out.stderr, model)
            records = read_records(os.path.join(self.dir, "w0.trc"))
            self.assertEqual([r[4] for r in records if r[0] == "O"], ["returned", "late"], model)
            self.assertEqual([r[5] for r in records if r[0] == "O"], ["0", "1"], model)
            self.assertEqual(records[-1][0], "E", "%s: the worker ends after its thread's line" % model)

    def test_each_line_is_its_print_call_s_line_across_functions(self):
        # the caller's line is remembered per instruction offset of the last code printed from:
        # alternating functions and several print() calls in one must still get their own lines
        path = self.write("lines.py", """\
            def helper(i):
                print("helper", i)

            def p():
                for i in range(3):
                    print("a", i)
                    helper(i)
                    print("b", i); print("c")
            """)
        self.run_harness(path, "p", "sequential", 1)
        records = [r for r in read_records(os.path.join(self.dir, "w0.trc")) if r[0] == "O"]
        self.assertEqual([(r[4].split()[0], r[3]) for r in records], [("a", "6"), ("helper", "2"), ("b", "8"), ("c", "8")] * 3)


# Closes every descriptor from 3 up after protect(), as a worker may, then goes on recording past
# the initial mapping (which needs the event file's descriptors); prints what it found.
CLOSES_ALL = textwrap.dedent("""\
    import errno, os, sys
    sys.path.insert(0, %(python)r)
    import interleave_fds, interleave_recorder
    rec = interleave_recorder.Recorder(sys.argv[1], "x.py", 1000000)
    users = os.open(sys.argv[1] + ".user", os.O_WRONLY | os.O_CREAT)
    interleave_fds.protect()
    child = os.fork()
    if child == 0:  # a process the user forks closes what it likes
        os.closerange(3, 4096)
        try:
            os.fstat(rec._fd)
            os._exit(1)
        except OSError:
            os._exit(0)
    print("in a forked child, closed:", os.waitpid(child, 0)[1] == 0)
    os.closerange(3, 4096)
    try:
        os.fstat(users)
        print("user's descriptor open")
    except OSError:
        print("user's descriptor closed")
    try:
        os.close(rec._fd)
    except OSError as e:
        print("ours refused:", errno.errorcode[e.errno])
    for i in range(40000):
        rec.feed(1, "line %%d with some padding to fill the file\\n" %% i)
    rec.close()
    print("recorded")
    """)


class OwnDescriptorsTest(TempDir):
    def test_the_users_closerange_leaves_ours_open(self):
        script = self.write("closes.py", CLOSES_ALL % {"python": os.path.join(ROOT, "python")})
        path = os.path.join(self.dir, "w0.trc")
        out = subprocess.run([sys.executable, script, path], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.splitlines(), ["in a forked child, closed: True", "user's descriptor closed",
                                                  "ours refused: EBADF", "recorded"])
        records = read_records(path)
        self.assertEqual(len(records), 40000)  # past 1 MiB: the file grew through our descriptors
        self.assertEqual(records[-1][4], "line 39999 with some padding to fill the file")


def _running(pid):
    """Whether ``pid`` has not ended (a zombie has)."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:stat.rfind(b")") + 3] not in (b"Z", b"X")


def _gone(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not any(_running(p) for p in pids)


# A process supervised as the harness is, whose child (the harness proper) starts a daemon in a
# session of its own whose parent is gone (a double fork), writes its pid, then ends as told.
SUPERVISED = textwrap.dedent("""\
    import os, signal, sys, time
    sys.path.insert(0, %(python)r)
    import interleave_supervisor
    lifeline = int(sys.argv[3]) if len(sys.argv) > 3 else None
    interleave_supervisor.supervise(lifeline, sys.argv[4] if len(sys.argv) > 4 else None)
    if os.fork() == 0:
        os.setsid()
        daemon = os.fork()
        if daemon == 0:
            time.sleep(60)
            os._exit(0)
        with open(sys.argv[1], "w") as f:
            f.write("%%d %%d" %% (daemon, os.getppid()))
        os._exit(0)
    os.wait()
    how = sys.argv[2]
    if how == "hang":
        time.sleep(60)
    if how == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    os._exit(int(how))
    """)


@unittest.skipUnless(os.path.isdir("/proc/self") and hasattr(os, "fork"), "needs /proc and fork")
class SupervisorTest(TempDir):
    def start(self, how, *extra, **kwargs):
        script = self.write("supervised.py", SUPERVISED % {"python": os.path.join(ROOT, "python")})
        pid_file = os.path.join(self.dir, "pids")
        proc = subprocess.Popen([sys.executable, script, pid_file, how] + [str(e) for e in extra],
                                stderr=subprocess.PIPE, **kwargs)
        return proc, pid_file

    def daemon(self, pid_file):
        deadline = time.monotonic() + 30
        while not (os.path.exists(pid_file) and os.path.getsize(pid_file)) and time.monotonic() < deadline:
            time.sleep(0.02)
        with open(pid_file) as f:
            return int(f.read().split()[0])

    def tearDown(self):
        try:  # a failed test must not leave its daemon for a minute
            os.kill(self.daemon(os.path.join(self.dir, "pids")), signal.SIGKILL)
        except (OSError, ValueError):
            pass
        super().tearDown()

    def test_a_daemon_in_another_session_ends_with_the_harness_whose_exit_code_is_kept(self):
        proc, pid_file = self.start("5")
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 5, err)
        self.assertTrue(_gone([self.daemon(pid_file)]), "the daemon outlived the run")

    def test_a_harness_killed_by_a_signal_is_reported_so(self):
        proc, pid_file = self.start("segv")
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGSEGV, err)
        self.assertTrue(_gone([self.daemon(pid_file)]))

    def test_when_the_runner_goes_the_run_goes_with_it(self):
        read_end, write_end = os.pipe()
        run_dir = os.path.join(self.dir, "run")
        os.mkdir(run_dir)
        proc, pid_file = self.start("hang", read_end, run_dir, pass_fds=(read_end,))
        os.close(read_end)
        daemon = self.daemon(pid_file)
        self.assertTrue(_running(daemon))
        os.close(write_end)  # the runner has gone, however
        proc.communicate(timeout=30)
        self.assertTrue(_gone([daemon]))
        self.assertFalse(os.path.exists(run_dir), "the run's folder is removed")

    def test_descendants_are_found_in_any_session(self):
        proc, pid_file = self.start("hang")
        try:
            daemon = self.daemon(pid_file)
            import interleave_supervisor as supervisor
            listed = supervisor._CHILDREN_LISTED
            try:
                for supervisor._CHILDREN_LISTED in (listed, False):  # each thread's list; every /proc/*/stat
                    self.assertIn(daemon, supervisor.descendants(proc.pid))
            finally:
                supervisor._CHILDREN_LISTED = listed
        finally:
            proc.kill()  # the supervisor only: the daemon, holding stderr too, goes in tearDown
            proc.wait()
            proc.stderr.close()


if __name__ == "__main__":
    unittest.main()
