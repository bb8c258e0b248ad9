"""Runs every block of docs/tutorials/*.md marked runnable (an HTML comment
`<!-- runnable -->` on the line before the ```sh or ```python fence), as a
reader would paste them: the blocks of one tutorial in order, in a fresh
directory of their own (so no leftover out.zarr can break them) that links
the repository's build/ and examples/. Shell blocks run with bash -e; a
Python block runs with /usr/bin/python3 (zarr-python) after the tutorial's
earlier Python blocks, as in one interpreter session, so its asserts and
names hold. A block that fails fails its tutorial's test, with the block and
its output."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.environ["TUTORIAL_TEST_REPOSITORY"]
BUILD = os.environ["TUTORIAL_TEST_BUILD"]
TUTORIALS = os.path.join(ROOT, "docs", "tutorials")
BLOCK = re.compile(r"<!-- runnable -->\n```(sh|python)\n(.*?)\n```", re.S)
PYTHON = "/usr/bin/python3"  # Debian's, with python3-zarr


def runnable_blocks(path):
    with open(path) as f:
        return BLOCK.findall(f.read())


class Tutorials(unittest.TestCase):
    def run_tutorial(self, name):
        blocks = runnable_blocks(os.path.join(TUTORIALS, name))
        self.assertTrue(blocks, f"{name} has no block marked <!-- runnable -->")
        directory = tempfile.mkdtemp(prefix="tutorial-")
        try:
            os.symlink(BUILD, os.path.join(directory, "build"))
            os.symlink(os.path.join(ROOT, "examples"), os.path.join(directory, "examples"))
            python_so_far = ""
            for number, (language, block) in enumerate(blocks, 1):
                if language == "sh":
                    command = ["bash", "-e", "-o", "pipefail", "-c", block]
                else:
                    python_so_far += block + "\n"
                    command = [PYTHON, "-c", python_so_far]
                result = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=240)
                self.assertEqual(result.returncode, 0,
                                 f"{name}, runnable block {number} failed:\n{block}\n{result.stdout}\n{result.stderr}")
                self.assertNotIn("ERROR", result.stderr, f"{name}, block {number}:\n{block}\n{result.stderr}")
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def test_every_tutorial_is_covered(self):
        names = sorted(n for n in os.listdir(TUTORIALS) if n.endswith(".md"))
        tested = sorted(n[len("test_"):].replace("_", "-") + ".md" for n in dir(self) if n.startswith("test_")
                        and n != "test_every_tutorial_is_covered")
        self.assertEqual(tested, names, "each tutorial needs its test here")

    def test_chunked(self):
        self.run_tutorial("chunked.md")

    def test_compressed(self):
        self.run_tutorial("compressed.md")

    def test_dimensions(self):
        self.run_tutorial("dimensions.md")

    def test_multiscale(self):
        self.run_tutorial("multiscale.md")


if __name__ == "__main__":
    unittest.main()
