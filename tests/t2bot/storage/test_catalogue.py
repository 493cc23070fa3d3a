"""One description of what each table keeps: it covers every column, and the export and the
docs use it (so they cannot drift from the models)."""

from __future__ import annotations

import re
from pathlib import Path

from t2bot.storage import Store
from t2bot.storage.catalogue import CATALOGUE, markdown, member_summary, undescribed
from t2bot.storage.models import MEMBER_TABLES, table_of

DOCS = Path(__file__).resolve().parents[3] / "docs" / "storage.md"


def test_every_column_of_every_table_is_described_and_nothing_else() -> None:
    assert undescribed() == {}


def test_member_tables_are_the_ones_the_catalogue_calls_member_data() -> None:
    member = {name for name, kept in CATALOGUE.items() if kept.member_data}
    assert member == {table_of(model).name for model in MEMBER_TABLES}


def test_docs_show_the_catalogue() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- catalogue:begin[^>]*-->\n(.*?)\n<!-- catalogue:end -->", text, re.S)
    assert block is not None, "docs/storage.md lost its catalogue markers"
    assert block.group(1) == markdown(), (
        "docs/storage.md is out of date: paste the output of "
        "`uv run python -m t2bot.storage.catalogue` between the catalogue markers"
    )


def test_saved_results_are_not_said_to_keep_an_urgency() -> None:
    """The old export text said saved results keep "urgency"; the bot never stores one."""
    assert "urgency," not in member_summary() and "urgency id (the bot leaves it empty" in (
        member_summary()
    )


async def test_the_export_says_what_the_catalogue_says(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    await store.start()
    try:
        data = await store.export_member(1)
    finally:
        await store.close()
    assert data["about"] == member_summary()
    assert set(data["tables"]) == {name for name, kept in CATALOGUE.items() if kept.member_data}
