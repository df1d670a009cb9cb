"""`corebot module new NAME` writes a skeleton that works: its own test passes against the real
binary and the sandbox.
"""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT  # noqa: E402


class ModuleNewTest(unittest.TestCase):
    def test_the_skeleton_and_its_test_work(self):
        with tempfile.TemporaryDirectory() as d:
            out = subprocess.run([COREBOT, "module", "new", "hello", "--dir", d],
                                 capture_output=True, text=True, check=True).stdout
            self.assertIn("module.toml, main.lua, test_hello.py", out)
            env = dict(os.environ, COREBOT_HARNESS=os.path.dirname(os.path.abspath(__file__)))
            run = subprocess.run([sys.executable, os.path.join(d, "hello", "test_hello.py")],
                                 capture_output=True, text=True, env=env)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            again = subprocess.run([COREBOT, "module", "new", "hello", "--dir", d],
                                   capture_output=True, text=True)
            self.assertEqual(again.returncode, 2)
            self.assertIn("exists already", again.stderr)
            bad = subprocess.run([COREBOT, "module", "new", "Bad-Name", "--dir", d],
                                 capture_output=True, text=True)
            self.assertEqual(bad.returncode, 2)


if __name__ == "__main__":
    unittest.main()
