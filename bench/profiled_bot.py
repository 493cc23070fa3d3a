"""``bot.py``, unmodified, under pyinstrument (``bench/run.py --profile``): the profile of the
whole run, start-up included, is written to ``$T2_BENCH_PROFILE`` (text) when the bot stops."""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from pyinstrument import Profiler

BOT = Path(__file__).resolve().parents[1] / "bot.py"


def main() -> int:
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
        target = Path(os.environ["T2_BENCH_PROFILE"])
        target.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
        target.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    return code if isinstance(code, int) else 1


if __name__ == "__main__":
    sys.exit(main())
