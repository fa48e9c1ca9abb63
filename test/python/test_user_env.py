"""The user's environment for the user's code (interleave_user_env): the variables the runner set
for the harness put back as the user had them; the harness's again while it starts its processes."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "python"))

import interleave_user_env as user_env  # noqa: E402

NAMES = ("INTERLEAVE_TEST_SET", "INTERLEAVE_TEST_UNSET")


class UserEnvironment(unittest.TestCase):
    def setUp(self):
        self.saved = {name: os.environ.get(name) for name in NAMES}
        os.environ.update({name: "harness" for name in NAMES})  # as the runner starts the harness
        user_env._ours.clear()

    def tearDown(self):
        for name, value in self.saved.items():
            user_env._set(name, value)
        user_env._ours.clear()

    def test_put_back_as_the_user_had_them_and_the_harness_own_while_it_starts_processes(self):
        user_env.restore({"userEnv": {"INTERLEAVE_TEST_SET": "mine", "INTERLEAVE_TEST_UNSET": None}})
        self.assertEqual(os.environ.get("INTERLEAVE_TEST_SET"), "mine")
        self.assertNotIn("INTERLEAVE_TEST_UNSET", os.environ)
        with user_env.ours():
            self.assertEqual([os.environ.get(name) for name in NAMES], ["harness", "harness"])
        self.assertEqual([os.environ.get(name) for name in NAMES], ["mine", None])

    def test_twice_as_a_child_does_keeps_the_harness_values(self):
        config = {"userEnv": {"INTERLEAVE_TEST_SET": "mine"}}
        user_env.restore(config)
        user_env.restore(config)
        with user_env.ours():
            self.assertEqual(os.environ.get("INTERLEAVE_TEST_SET"), "harness")

    def test_no_user_env_in_the_config_changes_nothing(self):
        user_env.restore({})
        self.assertEqual([os.environ.get(name) for name in NAMES], ["harness", "harness"])


if __name__ == "__main__":
    unittest.main()
