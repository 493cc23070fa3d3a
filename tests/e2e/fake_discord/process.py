"""Start the real, unmodified ``bot.py`` (or any discord.py script) against the fake Discord."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.fake_discord.gateway import Session
from tests.e2e.fake_discord.server import FakeDiscord

ROOT = Path(__file__).resolve().parents[3]
SITE_DIR = Path(__file__).resolve().parent / "site"
#: Environment passed through from the test run; everything else is set explicitly.
_PASS = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "TZ")


class BotProcess:
    """One bot process at a time; ``start()`` again after ``stop()``/``kill()`` to restart.

    The whole stderr of every run is kept in ``<workdir>/<name>.stderr.log`` (appended per run).
    """

    def __init__(
        self,
        fake: FakeDiscord,
        workdir: Path,
        *,
        script: Path = ROOT / "bot.py",
        args: tuple[str, ...] = ("--sync",),
        env: dict[str, str] | None = None,
        name: str = "bot",
    ) -> None:
        self.fake = fake
        self.workdir = workdir
        self.script = script
        self.args = args
        self.extra_env = dict(env or {})
        self.log_path = workdir / f"{name}.stderr.log"
        self.out_path = workdir / f"{name}.stdout.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.runs = 0
        #: The gateway session this run identified with (known after ``start(wait=True)``).
        self.session: Session | None = None

    def env(self) -> dict[str, str]:
        env = {k: os.environ[k] for k in _PASS if k in os.environ}
        env |= {
            "PYTHONPATH": os.pathsep.join([str(SITE_DIR), str(ROOT)]),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "T2_FAKE_DISCORD": self.fake.address,
            "DISCORD_TOKEN": self.fake.token,
            "DATABASE_URL": f"sqlite:///{self.workdir / 'bot.sqlite3'}",
            "KNOWLEDGE_DIR": str(ROOT / "knowledge"),
            "EMERGENCY_NUMBER": "112",
            "RETENTION_DAYS": "180",
            "LOG_LEVEL": "INFO",
            "DEV_GUILD_ID": "",
        }
        env |= self.extra_env
        return env

    def start(self, *, wait: bool = True, timeout: float = 45.0) -> BotProcess:
        if self.alive():
            raise RuntimeError("the bot is already running")
        if "--sync" in self.args and self.runs == 0:
            self.publish(check=False)  # a failure shows in the log, and the start fails too
        before = self.fake.ready_count
        self.runs += 1
        with self.log_path.open("ab") as log:
            log.write(f"=== run {self.runs} ===\n".encode())
        stderr = self.log_path.open("ab")
        stdout = self.out_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(self.script), *(a for a in self.args if a != "--sync")],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        stderr.close()
        stdout.close()
        self.session = None
        if wait:
            try:
                self.fake.wait_ready(after=before, timeout=timeout, alive=self.alive)
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n--- bot stderr ---\n{self.log()[-4000:]}") from None
            self.session = self.fake.current
        return self

    def publish(
        self, *args: str, check: bool = True, timeout: float = 60.0
    ) -> subprocess.CompletedProcess[str]:
        """``bot.py --sync`` (publish the commands and exit), as an admin does before the first
        start; the bot's args with ``--sync`` mean this, then a start without it."""
        done = subprocess.run(
            [sys.executable, str(self.script), "--sync", *args],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        with self.log_path.open("a") as log:
            log.write(f"=== --sync {' '.join(args)} (exit {done.returncode}) ===\n{done.stderr}")
        if check and done.returncode != 0:
            raise AssertionError(f"bot.py --sync failed ({done.returncode}):\n{done.stderr}")
        return done

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Send ``sig`` and wait; returns the exit code (negative: killed by a signal)."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise AssertionError(
                    f"the bot did not stop within {timeout:.0f} s of signal {sig}"
                    f"\n--- bot stderr ---\n{self.log()[-3000:]}"
                ) from None
        return self.proc.returncode

    def kill(self) -> int:
        return self.stop(signal.SIGKILL, timeout=10)

    def log(self) -> str:
        """Everything the bot wrote to stderr so far, all runs."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def mark(self) -> int:
        return len(self.log())

    def log_since(self, mark: int) -> str:
        return self.log()[mark:]

    def wait_log(self, text: str, since: int = 0, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = self.log_since(since)
            if text in chunk:
                return chunk
            time.sleep(0.1)
        raise AssertionError(
            f"{text!r} not logged within {timeout:.0f} s; log since mark:\n"
            f"{self.log_since(since)[-3000:]}"
        )
