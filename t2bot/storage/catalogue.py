"""What each table keeps: the one description used by /mydata export, the docs and tests.

Every column of every table in ``models.TABLES`` is described here
(``tests/t2bot/storage/test_catalogue.py`` fails otherwise), and the table in
``docs/storage.md`` is ``markdown()`` (regenerate it with ``uv run python -m
t2bot.storage.catalogue``).
"""

from __future__ import annotations

from dataclasses import dataclass

from t2bot.storage.models import TABLES, table_of


@dataclass(frozen=True)
class Kept:
    what: str
    """What the table is, for a member ("your stretch reminder")."""
    when: str
    """When a row is written."""
    how_long: str
    columns: dict[str, str]
    """Every column: what it holds, in a few words."""
    member_data: bool = True


CATALOGUE: dict[str, Kept] = {
    "saved_result": Kept(
        what="A result you saved",
        when="You press **Save to my history**",
        how_long=(
            "Until the server's retention runs out (default 180 days, `RETENTION_DAYS`; admins "
            "change it per server with `/t2admin settings`). At most the newest 100 per member."
        ),
        columns={
            "id": "number of the saved result",
            "user_id": "your Discord id",
            "guild_id": "the server's id (empty in DMs)",
            "urgency": "urgency id (the bot leaves it empty today)",
            "contributor_ids": "ids of the likely contributors",
            "tip_ids": "ids of the tips",
            "knowledge_version": "version of the knowledge files",
            "saved_utc": "date and time of the save",
            "save_key": "a fingerprint of the save, so a double tap saves once",
        },
    ),
    "reminder": Kept(
        what="Your stretch reminder",
        when="You set one with `/stretch remind` (one per member; a new one replaces it)",
        how_long="Until you turn it off or delete your data",
        columns={
            "id": "number of the reminder",
            "user_id": "your Discord id",
            "guild_id": "the server's id (empty in DMs)",
            "focus": "id of the routine",
            "minutes": "minutes of stretching",
            "local_time": "time of day",
            "days": "weekdays",
            "timezone": "your time zone",
            "next_due_utc": "next due time",
            "enabled": "whether it is on",
            "failure_reason": "why a DM could not be delivered, if it could not",
            "last_sent_utc": "when it was last sent",
            "created_utc": "when you set it",
            "claimed_by": "which bot process is sending it right now",
            "lease_until_utc": "until when that process holds it",
            "sending_due_utc": "which occurrence a process started to send (never sent twice)",
        },
    ),
    "followup": Kept(
        what="Your follow-up opt-in",
        when="You opt in",
        how_long="Until it is sent or you delete your data",
        columns={
            "user_id": "your Discord id",
            "guild_id": "the server's id (empty in DMs)",
            "due_utc": "time of the one check-in DM",
            "created_utc": "when you opted in",
            "contributor_ids": "ids of the likely contributors of that result",
            "tip_ids": "ids of the tips it offered",
            "stretch_ids": "ids of the stretches it offered",
        },
    ),
    "followup_answer": Kept(
        what="Your check-in answer",
        when="You answer the check-in DM and tap **Keep it**",
        how_long=(
            "Until the server's retention runs out (the same as saved results) or you delete "
            "your data"
        ),
        columns={
            "id": "number of the answer",
            "user_id": "your Discord id",
            "guild_id": "the server's id (empty in DMs)",
            "outcome": "better, same or worse",
            "contributor_ids": "ids of the likely contributors of that result",
            "tip_ids": "ids of the tips you said you tried",
            "stretch_ids": "ids of the stretches you said you tried",
            "answered_on": "the date of the answer",
            "answer_key": "a fingerprint of the check-in message, so a double tap keeps one",
        },
    ),
    "guild_settings": Kept(
        what="Server settings",
        when="An admin changes them",
        how_long="As long as the bot serves the server",
        columns={
            "guild_id": "the server's id",
            "emergency_number": "emergency number (empty: the bot's default)",
            "retention_days": "days saved results are kept (empty: the bot's default)",
            "allow_sharing": (
                "whether members may post stretch cards and routines in the channel "
                "(on by default; triage results are never shared)"
            ),
            "ask_mentions": "whether the bot answers members who mention it in a channel",
            "ask_channel_id": "the one channel where mentions are answered (empty: any)",
            "updated_utc": "when an admin last changed them",
        },
        member_data=False,
    ),
    "check_counter": Kept(
        what="Club counters (no member id)",
        when="Any check reaches its end screen: that day's count for the server goes up by one",
        how_long="400 days",
        columns={
            "guild_id": "the server's id (0: checks run in DMs)",
            "day": "the UTC date",
            "ending": "how the check ended: emergency, same_day, soon, advice or other",
            "count": "how many checks ended that way that day",
        },
        member_data=False,
    ),
}

#: Columns every member table has that need no mention in a short summary.
_PLUMBING = {
    "id",
    "user_id",
    "guild_id",
    "claimed_by",
    "lease_until_utc",
    "save_key",
    "sending_due_utc",
    "answer_key",
}


def member_summary() -> str:
    """One paragraph for members: what is stored about them (export "about", /mydata)."""
    parts = []
    for kept in CATALOGUE.values():
        if not kept.member_data:
            continue
        shown = [text for name, text in kept.columns.items() if name not in _PLUMBING]
        parts.append(f"{kept.what.lower()} ({'; '.join(shown)})")
    return (
        "Everything the T2 bot stores about you: "
        + ", ".join(parts[:-1])
        + f" and {parts[-1]}. Your answers, messages and name are never stored."
    )


def markdown() -> str:
    """The table of docs/storage.md."""
    lines = ["| What | Columns | When it is stored | Kept |", "|---|---|---|---|"]
    for name, kept in CATALOGUE.items():
        columns = "; ".join(f"`{column}`: {text}" for column, text in kept.columns.items())
        lines.append(f"| {kept.what} (`{name}`) | {columns} | {kept.when} | {kept.how_long} |")
    return "\n".join(lines)


def undescribed() -> dict[str, set[str]]:
    """Per table: columns of the models without a description, and descriptions of nothing."""
    problems: dict[str, set[str]] = {}
    models = {table_of(model).name: model for model in TABLES}
    for name in set(models) | set(CATALOGUE):
        real = set(table_of(models[name]).c.keys()) if name in models else set()
        said = set(CATALOGUE[name].columns) if name in CATALOGUE else set()
        if real != said:
            problems[name] = real ^ said
    return problems


if __name__ == "__main__":
    print(markdown())
