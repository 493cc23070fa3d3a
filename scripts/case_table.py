"""Print the per-urgency accuracy table of the standardized member cases.

    uv run python scripts/case_table.py [--knowledge DIR] [--list]

Runs every case in tests/t2bot/triage/cases/*.yaml through the triage engine and prints, per
expected urgency, how many cases got each urgency, the under- and over-triage counts and how
many passed every check. Cases marked ``xfail`` (gaps that need an engine or flow change) are
counted separately. ``--list`` also prints each case that does not pass, with why.
Exit status 1 if a case that must pass fails, or an emergency/same-day case is under-triaged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from t2bot.knowledge import load_knowledge  # noqa: E402
from tests.t2bot.triage.cases.runner import load_cases, run_case, table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", default=str(ROOT / "knowledge"))
    parser.add_argument("--list", action="store_true", help="list the cases that do not pass")
    args = parser.parse_args()
    kb = load_knowledge(args.knowledge)
    runs = [run_case(kb, case) for case in load_cases()]
    print(table(runs))
    if args.list:
        for run in runs:
            if not run.passed:
                mark = "xfail" if run.case.xfail else "FAIL "
                print(f"{mark} {run.case.id}: got {run.got}; {'; '.join(run.problems)}")
    must_pass = [r for r in runs if not r.case.xfail]
    under = [
        r for r in must_pass if r.case.urgency in ("emergency", "same_day") and r.triage == "under"
    ]
    return 1 if under or not all(r.passed for r in must_pass) else 0


if __name__ == "__main__":
    sys.exit(main())
