"""scripts/setup.sh, run by both commands of the README: while another
package manager holds its lock (a fresh machine's automatic upgrades), it
says so and waits, then installs; it says what it does step by step on
stderr, with timings, and nothing when nothing is missing; a failing step
shows its output. Runs the real script in a copy of the repository, with
stand-ins for apt-get, dpkg-query, meson and ninja on PATH and apt's lock
files moved to a temporary folder through APT_CONFIG (the real apt-config
reads it), locked with fcntl as apt locks them."""
import fcntl
import os
import shutil
import subprocess
import tempfile
import textwrap
import time
import unittest

REPOSITORY = os.environ["RECORD_TEST_REPOSITORY"]
WAITING = "setup: waiting for another package manager (up to 10 min)..."

FAKES = {
    # Every package installed but those of $FAKE_MISSING.
    "dpkg-query": """
        for p; do :; done
        case " $FAKE_MISSING " in *" $p "*) echo -n not-installed ;; *) echo -n installed ;; esac
    """,
    # Notes when it ran and with what; fails when asked to.
    "apt-get": """
        echo "$(date +%s.%N) $*" >> "$FAKE_CALLS"
        echo "apt-get says: working on $*"
        [ -z "${FAKE_APT_FAILS:-}" ] || { echo "E: Unable to locate package $FAKE_APT_FAILS"; exit 100; }
    """,
    "npm": "exit 0",
    "meson": 'echo "$(date +%s.%N) meson $*" >> "$FAKE_CALLS"',
    "ninja": 'case " $* " in *" -n "*) echo "ninja: no work to do." ;; *) echo "[1/1] Linking" ;; esac',
}


class Setup(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="setup-test-")
        repo = os.path.join(self.work, "repo")
        os.makedirs(os.path.join(repo, "scripts"))
        shutil.copy(os.path.join(REPOSITORY, "scripts", "setup.sh"), os.path.join(repo, "scripts"))
        os.makedirs(os.path.join(repo, "tests", "js", "node_modules"))
        os.makedirs(os.path.join(repo, "build"))
        for name in ("tests/js/package-lock.json", "tests/js/node_modules/.package-lock.json", "build/build.ninja"):
            open(os.path.join(repo, name), "w").close()
        # npm ci is not needed: its lock file is the older.
        os.utime(os.path.join(repo, "tests/js/package-lock.json"), (0, 0))
        self.script = os.path.join(repo, "scripts", "setup.sh")

        bin_dir = os.path.join(self.work, "bin")
        os.mkdir(bin_dir)
        for name, body in FAKES.items():
            with open(os.path.join(bin_dir, name), "w") as f:
                f.write("#!/bin/bash\n" + textwrap.dedent(body))
            os.chmod(os.path.join(bin_dir, name), 0o755)

        self.apt = os.path.join(self.work, "apt")
        for folder in ("dpkg", "lists", "archives"):
            os.makedirs(os.path.join(self.apt, folder))
        with open(os.path.join(self.work, "apt.conf"), "w") as f:
            f.write(f'Dir::State::status "{self.apt}/dpkg/status";\n'
                    f'Dir::State::lists "{self.apt}/lists/";\n'
                    f'Dir::Cache::archives "{self.apt}/archives/";\n')
        self.calls = os.path.join(self.work, "calls")
        self.env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", APT_CONFIG=os.path.join(self.work, "apt.conf"),
                        FAKE_CALLS=self.calls, FAKE_MISSING="gstreamer1.0-plugins-good", TMPDIR=self.work)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def setup_sh(self, **env):
        return subprocess.run(["bash", self.script], env=dict(self.env, **env), capture_output=True, text=True,
                              timeout=120)

    def apt_calls(self):
        """(time, arguments) of each apt-get run."""
        with open(self.calls) as f:
            calls = [line.split(" ", 1) for line in f.read().splitlines()]
        return [(float(when), args) for when, args in calls if not args.startswith("meson ")]

    def test_waits_for_the_lock_says_so_then_installs(self):
        for lock in ("dpkg/lock-frontend", "lists/lock"):
            with self.subTest(lock=lock):
                if os.path.exists(self.calls):
                    os.remove(self.calls)
                with open(os.path.join(self.apt, lock), "w") as held:
                    fcntl.lockf(held, fcntl.LOCK_EX)  # as apt takes it
                    process = subprocess.Popen(["bash", self.script], env=self.env, stdout=subprocess.PIPE,
                                               stderr=subprocess.PIPE, text=True)
                    # Held until setup says it waits (if it did not wait, it says the step is done).
                    said = [process.stderr.readline() for _ in range(2)]
                    time.sleep(0.5)
                    released = time.time()
                stdout, stderr = process.communicate(timeout=60)
                stderr = "".join(said) + stderr
                self.assertEqual(process.returncode, 0, stderr)
                self.assertEqual(stdout, "")
                self.assertEqual(said[1], WAITING + "\n", stderr)
                self.assertEqual(stderr.count(WAITING), 1, stderr)
                calls = self.apt_calls()
                self.assertEqual([args for _, args in calls], [
                    "-q -o DPkg::Lock::Timeout=600 update",
                    "-q -o DPkg::Lock::Timeout=600 install -y --no-install-recommends gstreamer1.0-plugins-good"])
                self.assertGreaterEqual(calls[0][0], released)
                self.assertIn("setup: packages: installing 1 missing (gstreamer1.0-plugins-good) ...", stderr)
                self.assertRegex(stderr, r"setup: packages done in \d+ s")
                self.assertNotIn("apt-get says", stderr)  # apt's own output goes to the log

    def test_step_lines_without_waiting_and_nothing_when_nothing_is_missing(self):
        result = self.setup_sh()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.splitlines(), [
            "setup: packages: installing 1 missing (gstreamer1.0-plugins-good) ...",
            result.stderr.splitlines()[1],
            "setup: configure: meson setup --reconfigure build ...",
            result.stderr.splitlines()[3],
            "setup: build up to date"])
        self.assertRegex(result.stderr.splitlines()[1], r"^setup: packages done in \d+ s$")
        self.assertRegex(result.stderr.splitlines()[3], r"^setup: configure done in \d+ s$")

        os.remove(self.calls)
        result = self.setup_sh(FAKE_MISSING="")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual((result.stdout, result.stderr), ("", "setup: build up to date\n"))
        self.assertFalse(os.path.exists(self.calls))  # neither apt-get nor meson
        self.assertEqual([name for name in os.listdir(self.work) if name.startswith("gst-zarr-setup")], [])

    def test_a_failing_step_shows_its_output_and_keeps_the_log(self):
        result = self.setup_sh(FAKE_APT_FAILS="gstreamer1.0-plugins-good")
        self.assertNotEqual(result.returncode, 0)
        self.assertRegex(result.stderr, r"setup: packages failed after \d+ s; the end of its output "
                                        r"\(all of it in .*/gst-zarr-setup\.\w+\):")
        self.assertIn("E: Unable to locate package gstreamer1.0-plugins-good", result.stderr)
        self.assertNotIn("setup: build", result.stderr)
        logs = [name for name in os.listdir(self.work) if name.startswith("gst-zarr-setup")]
        self.assertEqual(len(logs), 1)


if __name__ == "__main__":
    unittest.main()
