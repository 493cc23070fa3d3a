"""``bot.py``, unmodified, under pyinstrument (``bench/run.py --profile``): the profile of the
whole run, start-up included, is written to ``$T2_BENCH_PROFILE`` (text) when the bot stops.
A ``.prof`` target uses cProfile instead (``python -m pstats``: time per function, the bot's
own code and discord.py's alike); a ``.mem`` target tracemalloc (what is still allocated when the
bot stops, by line, and the peak)."""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from pyinstrument import Profiler

BOT = Path(__file__).resolve().parents[1] / "bot.py"


def main() -> int:
    target = Path(os.environ["T2_BENCH_PROFILE"])
    if target.suffix == ".prof":
        return _cprofile(target)
    if target.suffix == ".mem":
        return _tracemalloc(target)
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    sys.argv = [str(BOT), *sys.argv[1:]]
    code: int | str | None = 0
    profiler.start()
    try:
        runpy.run_path(str(BOT), run_name="__main__")
    except SystemExit as exc:
        code = exc.code
    finally:
        profiler.stop()
        target.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
        target.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    return code if isinstance(code, int) else 1


def _cprofile(target: Path) -> int:
    import cProfile

    sys.argv = [str(BOT), *sys.argv[1:]]
    code: int | str | None = 0
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        runpy.run_path(str(BOT), run_name="__main__")
    except SystemExit as exc:
        code = exc.code
    finally:
        profiler.disable()
        profiler.dump_stats(target)
    return code if isinstance(code, int) else 1


def _tracemalloc(target: Path) -> int:
    import tracemalloc

    sys.argv = [str(BOT), *sys.argv[1:]]
    code: int | str | None = 0
    tracemalloc.start(8)
    try:
        runpy.run_path(str(BOT), run_name="__main__")
    except SystemExit as exc:
        code = exc.code
    finally:
        current, peak = tracemalloc.get_traced_memory()
        top = tracemalloc.take_snapshot().statistics("traceback")[:25]
        tracemalloc.stop()
        lines = [f"traced now {current / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB"]
        for stat in top:
            lines.append(f"{stat.size / 2**20:.2f} MiB in {stat.count} blocks")
            lines.extend(f"    {frame}" for frame in stat.traceback.format()[-8:])
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return code if isinstance(code, int) else 1


if __name__ == "__main__":
    sys.exit(main())
