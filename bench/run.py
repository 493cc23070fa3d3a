"""Benchmark: the real T2 bot against a bare discord.py bot, on the loopback fake Discord.

    uv run python bench/run.py [--members 1,50,200] [--database sqlite|postgres] [--quick]

Both bots run as their own unmodified processes (``bot.py --sync`` and ``bench/bare_bot.py``),
each against its own fake Discord (``tests/e2e/fake_discord``) in this process. Simulated members
run on the fake's event loop, closed loop (each does its next step as soon as it sees the
answer), ``N`` members at once. A T2 member: ``/stretch show`` autocomplete, ``/stretch show``,
``/backpain`` and its taps to the ranked result along a path of the knowledge, ``/stretch routine``
with Start and Next. A bare member does the same number of commands and taps on ``/ping`` and its
button. Every member is a new member (the bot's per-member limits hold, as with real crowds).

Figures: latency from INTERACTION_CREATE sent to the interaction callback received by the fake;
interactions per second; failed (refused, late or never answered); bot CPU per interaction
(``/proc/<pid>/stat`` of the bot process); peak RSS (``VmHWM``); event-loop lag p99, measured
from outside: discord.py's heartbeat thread schedules each heartbeat on the bot's loop, so the
time between heartbeats beyond the interval is the time the loop took to run it; start to READY;
knowledge load + validation in a fresh process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(ROOT))

from t2bot.knowledge import load_knowledge  # noqa: E402
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser  # noqa: E402
from tests.e2e.fake_discord.crowd import (  # noqa: E402
    ROUTINE_TAPS,
    Driver,
    Member,
    Sample,
    crowd,
    random_plan,
    t2_member,
)

BARE_BOT = ROOT / "bench" / "bare_bot.py"
PROFILED_BOT = ROOT / "bench" / "profiled_bot.py"
#: Heartbeats this often (ms), so the loop-lag figure has enough samples.
HEARTBEAT_MS = 250
CLK_TCK = os.sysconf("SC_CLK_TCK")


async def bare_member(d: Driver, user: FakeUser, plan: list[str], stretch_query: str) -> None:
    await d.command(user, "ping")
    screen = await d.command(user, "ping")
    for n in range(len(plan)):
        screen = await d.tap(user, screen, f"Tap ({n})")
    screen = await d.command(user, "ping")
    for n in range(len(ROUTINE_TAPS)):
        screen = await d.tap(user, screen, f"Tap ({n})")


# Bots ---------------------------------------------------------------------------------------


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def proc_hwm_mib(pid: int, field: str = "VmHWM") -> float:
    """Peak RSS (``VmHWM``) of the process in MiB, or another memory field (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Bot:
    name: str
    member: Member
    fake: FakeDiscord
    process: BotProcess
    ready_s: float = 0.0
    first_ready_s: float = 0.0
    ready_rss: float = 0.0
    """RSS at READY (MiB): what the start-up keeps resident, before any member."""
    driver: Driver | None = None

    @property
    def pid(self) -> int:
        assert self.process.proc is not None
        return self.process.proc.pid


def precompile() -> None:
    """Write the bytecode of the project and its packages once, as a deployed bot has after its
    first start (the bots run with PYTHONDONTWRITEBYTECODE, so they would compile every
    module from source at every start, and READY would measure the compiler)."""
    import compileall
    import site

    for folder in [*site.getsitepackages(), *(ROOT / d for d in ("t2bot", "t2discord", "cogs"))]:
        compileall.compile_dir(str(folder), quiet=2, workers=0)


def start_bot(
    name: str,
    member: Member,
    workdir: Path,
    database_url: str | None,
    profile: Path | None = None,
    bare_screen: str = "",
) -> Bot:
    fake = FakeDiscord(heartbeat_ms=HEARTBEAT_MS).start()
    env = {"LOG_LEVEL": "WARNING", "BARE_SCREEN": bare_screen}
    if name == "t2" and profile is not None:
        env |= {"DATABASE_URL": database_url or "", "T2_BENCH_PROFILE": str(profile)}
        process = BotProcess(fake, workdir, script=PROFILED_BOT, env=env, name=name)
    elif name == "t2":
        process = BotProcess(
            fake, workdir, env=env | {"DATABASE_URL": database_url or ""}, name=name
        )
    else:
        process = BotProcess(fake, workdir, script=BARE_BOT, env=env, name=name)
    began = time.monotonic()
    process.start(timeout=90)
    first = time.monotonic() - began
    # Measured: a restart (the database is migrated already), as after every deploy.
    process.stop()
    began = time.monotonic()
    process.start(timeout=90)
    bot = Bot(name, member, fake, process, ready_s=time.monotonic() - began, first_ready_s=first)
    bot.ready_rss = proc_hwm_mib(bot.pid, "VmRSS")
    deadline = time.monotonic() + 30
    while not fake.command_names() and time.monotonic() < deadline:
        time.sleep(0.05)
    bot.driver = fake._run(_make_driver(fake))
    return bot


async def _make_driver(fake: FakeDiscord) -> Driver:
    return Driver(fake)


@dataclass
class Phase:
    bot: str
    members: int
    sessions: int
    wall: float
    cpu: float
    samples: list[Sample]
    lags: list[float]
    failed_sessions: int = 0
    errors: list[str] = field(default_factory=list)

    def latencies(self, kind: str | None = None) -> list[float]:
        return [s.latency for s in self.samples if s.latency is not None and kind in (None, s.kind)]

    @property
    def count(self) -> int:
        return len(self.samples)

    @property
    def failed(self) -> int:
        """Interactions refused, late or never answered."""
        return sum(1 for s in self.samples if s.latency is None)


def run_phase(bot: Bot, members: int, sessions: int, plans: list[list[str]], seed: int) -> Phase:
    assert bot.driver is not None
    bot.driver.samples = []
    beats_before = len(bot.fake.gateway_events("heartbeat"))
    cpu0 = proc_cpu(bot.pid)
    t0 = time.monotonic()
    work = crowd(bot.driver, bot.member, members, sessions, plans, f"bench{seed}")
    errors = bot.fake._run(work, timeout=3600)
    wall = time.monotonic() - t0
    cpu = proc_cpu(bot.pid) - cpu0
    beats = [e.at for e in bot.fake.gateway_events("heartbeat")][beats_before:]
    interval = HEARTBEAT_MS / 1000
    lags = [max(0.0, b - a - interval) for a, b in itertools.pairwise(beats)]
    return Phase(
        bot.name,
        members,
        sessions,
        wall,
        cpu,
        list(bot.driver.samples),
        lags,
        len(errors),
        errors[:3],
    )


# Figures ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k] * 1000


def knowledge_load_ms(folder: Path) -> dict[str, float]:
    """Knowledge load + validation as the bot does it (``KnowledgeHolder.load``), in a fresh
    process, imports not counted (also the rendering code the validation imports on its first
    run: the running bot has it imported by the cogs anyway): the first load and the best of
    five after it, as wall time and as CPU time of the process (steadier on a shared box)."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from t2bot.knowledge.holder import KnowledgeHolder\n"
        "import t2bot.knowledge.rendered\n"
        "wall, cpu = [], []\n"
        "for _ in range(6):\n"
        "    t, c = time.perf_counter(), time.process_time()\n"
        "    KnowledgeHolder.load(Path(sys.argv[1]))\n"
        "    wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)\n"
        "print(wall[0] * 1000, min(wall[1:]) * 1000, cpu[0] * 1000, min(cpu[1:]) * 1000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    first, warm, first_cpu, warm_cpu = map(float, out)
    return {"first": first, "warm": warm, "first_cpu": first_cpu, "warm_cpu": warm_cpu}


def row(phase: Phase) -> dict[str, Any]:
    return {
        "bot": phase.bot,
        "members": phase.members,
        "interactions": phase.count,
        "p50": pct(phase.latencies(), 50),
        "p95": pct(phase.latencies(), 95),
        "p99": pct(phase.latencies(), 99),
        "cmd_p50": pct(phase.latencies("command"), 50),
        "tap_p50": pct(phase.latencies("tap"), 50),
        "tap_p99": pct(phase.latencies("tap"), 99),
        "per_s": phase.count / phase.wall if phase.wall else float("nan"),
        "failed": phase.failed,
        "failed_sessions": phase.failed_sessions,
        "cpu_ms": phase.cpu / phase.count * 1000 if phase.count else float("nan"),
        "lag_p99": pct(phase.lags, 99),
    }


def median_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per bot and level: the median of each figure over the rounds (interactions
    and failures: the sums)."""
    merged: list[dict[str, Any]] = []
    keys = sorted({(r["bot"], r["members"]) for r in rows}, key=lambda k: (k[1], k[0]))
    for bot, members in keys:
        mine = [r for r in rows if (r["bot"], r["members"]) == (bot, members)]
        out: dict[str, Any] = {"bot": bot, "members": members, "rounds": len(mine)}
        for key in mine[0]:
            if key in ("bot", "members"):
                continue
            values = [r[key] for r in mine]
            summed = key in ("interactions", "failed", "failed_sessions")
            out[key] = sum(values) if summed else statistics.median(values)
        merged.append(out)
    return merged


def print_table(rows: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    head = (
        f"{'bot':<5}{'members':>8}{'inter.':>8}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'cmd p50':>9}{'tap p50':>9}{'tap p99':>9}{'int/s':>8}{'failed':>7}{'bad':>4}"
        f"{'CPU ms':>8}{'lag p99':>9}"
    )
    print(head)
    for r in rows:
        print(
            f"{r['bot']:<5}{r['members']:>8}{r['interactions']:>8}{r['p50']:>8.1f}{r['p95']:>8.1f}"
            f"{r['p99']:>8.1f}{r['cmd_p50']:>9.1f}{r['tap_p50']:>9.1f}{r['tap_p99']:>9.1f}"
            f"{r['per_s']:>8.0f}{r['failed']:>7}{r['failed_sessions']:>4}{r['cpu_ms']:>8.2f}{r['lag_p99']:>9.1f}"
        )
    print("\nratios T2 / bare (same run):")
    print(f"{'members':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'tap p50':>9}{'int/s':>7}{'CPU':>7}")
    by = {(r["bot"], r["members"]): r for r in rows}
    for members in sorted({r["members"] for r in rows}):
        t, b = by.get(("t2", members)), by.get(("bare", members))
        if not t or not b:
            continue
        print(
            f"{members:>8}{t['p50'] / b['p50']:>7.2f}{t['p95'] / b['p95']:>7.2f}"
            f"{t['p99'] / b['p99']:>7.2f}{t['tap_p50'] / b['tap_p50']:>9.2f}"
            f"{t['per_s'] / b['per_s']:>7.2f}{t['cpu_ms'] / b['cpu_ms']:>7.2f}"
        )
    print()
    for key, value in extra.items():
        print(f"{key}: {value}")


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"
    )


def database_url(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 't2.sqlite3'}"
    url = os.environ.get("T2_TEST_POSTGRES_URL", "").strip()
    if not url:
        raise SystemExit("--database postgres needs T2_TEST_POSTGRES_URL (an empty test database)")
    from tests.postgres import reset_database

    reset_database(url)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", default="1,50,200", help="concurrent members, comma-separated")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="fewer sessions (a smoke run)")
    parser.add_argument(
        "--sessions", type=int, default=0, help="sessions per level (default: auto)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per level (median)")
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile T2 into this file: pyinstrument (.txt and .html), cProfile (.prof), "
        "tracemalloc (.mem)",
    )
    parser.add_argument(
        "--bare-screen",
        choices=("", "t2"),
        default="",
        help="t2: the bare bot answers with a T2-sized message (embed, 8 buttons); see bare_bot.py",
    )
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.members.split(",") if x.strip()]
    if args.quick:
        args.rounds = 1
    kb = load_knowledge(ROOT / "knowledge")
    rng = random.Random(args.seed)
    plans = [random_plan(kb, rng) for _ in range(64)]
    print(f"machine: {machine()}")
    print(
        f"database: {args.database}; levels: {levels}; "
        f"bare screen: {args.bare_screen or 'one line'}"
        "; taps per /backpain path: "
        f"{min(map(len, plans))}-{max(map(len, plans))}"
    )
    with tempfile.TemporaryDirectory(prefix="t2bench-") as tmp:
        work = Path(tmp)
        (work / "bare").mkdir()
        (work / "t2").mkdir()
        url = database_url(args.database, work / "t2")
        precompile()
        bare = start_bot("bare", bare_member, work / "bare", None, bare_screen=args.bare_screen)
        profile = args.profile.resolve() if args.profile else None
        t2 = start_bot("t2", t2_member, work / "t2", url, profile)
        bots = [bare, t2]
        try:
            for bot in bots:  # warm-up, not measured
                run_phase(bot, 2, 4, plans, seed=0)
            phases = []
            for members in levels:
                sessions = args.sessions or (
                    max(members, 8 if args.quick else 30) if members < 200 else members
                )
                for round_ in range(args.rounds):  # alternate, so drift hits both alike
                    for bot in bots if round_ % 2 == 0 else bots[::-1]:
                        seed = members * 100 + round_
                        phase = run_phase(bot, members, sessions, plans, seed=seed)
                        phases.append(phase)
                        print(
                            f"  {bot.name} x{members} round {round_ + 1}: {phase.count} "
                            f"interactions in {phase.wall:.1f} s, {phase.failed} failed"
                            + (f" ({phase.errors[0]})" if phase.errors else ""),
                            flush=True,
                        )
            rss = {bot.name: proc_hwm_mib(bot.pid) for bot in bots}
        finally:
            for bot in bots:
                bot.process.stop()
                bot.fake.stop()
        knowledge_ms = knowledge_load_ms(ROOT / "knowledge")
        rows = median_rows([row(p) for p in phases])
        extra = {
            "peak RSS MiB": f"bare {rss['bare']:.1f}, T2 {rss['t2']:.1f} "
            f"(+{rss['t2'] - rss['bare']:.1f})",
            "RSS at READY MiB": f"bare {bare.ready_rss:.1f}, T2 {t2.ready_rss:.1f} "
            f"(+{t2.ready_rss - bare.ready_rss:.1f})",
            "restart to READY s": f"bare {bare.ready_s:.2f}, T2 {t2.ready_s:.2f} "
            f"(+{t2.ready_s - bare.ready_s:.2f})",
            "first start (empty database) to READY s": f"bare {bare.first_ready_s:.2f}, "
            f"T2 {t2.first_ready_s:.2f}",
            "knowledge load + validation ms": "first {first:.1f}, warm {warm:.1f} "
            "(CPU: first {first_cpu:.1f}, warm {warm_cpu:.1f})".format(**knowledge_ms),
            "event-loop lag": "from outside: heartbeat spacing beyond the interval",
        }
        print()
        print_table(rows, extra)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "machine": machine(),
                        "database": args.database,
                        "bare_screen": args.bare_screen,
                        "rows": rows,
                        "rss": rss,
                        "ready_rss": {"bare": bare.ready_rss, "t2": t2.ready_rss},
                        "ready": {"bare": bare.ready_s, "t2": t2.ready_s},
                        "first_ready": {"bare": bare.first_ready_s, "t2": t2.first_ready_s},
                        "knowledge_ms": knowledge_ms,
                    },
                    indent=1,
                )
            )
    print("(bad: member sessions that did not reach their last screen)")
    failed = sum(p.failed + p.failed_sessions for p in phases)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
