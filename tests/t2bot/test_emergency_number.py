"""The emergency number is shown in every urgent answer: one rule for EMERGENCY_NUMBER and
/t2admin settings, and cards show it escaped, once, never as a template."""

from __future__ import annotations

import pytest

from bot import main
from t2bot.knowledge import Knowledge
from t2bot.settings import (
    DEFAULT_EMERGENCY_NUMBER,
    Settings,
    SettingsError,
    check_emergency_number,
)
from t2bot.triage import engine
from t2bot.triage.cards import escape_markdown, fill, outcome_card, shown_number, step_card
from t2bot.triage.engine import Escalation

GOOD = [
    DEFAULT_EMERGENCY_NUMBER,
    "112",
    "144",
    "0800 555 123",
    "+44 20 7946 0000",
    "110 oder 112",
    "112 (Notruf), 144 (Rettung)",
    "15 / 112",
]
BAD = {
    "disguised link": "[112](https://evil.example)",
    "right-to-left override": "\u202e211",
    "zero-width space": "1\u200b12",
    "hangul filler": "112\u3164",
    "halfwidth hangul filler": "112 (\uffa0)",
    "breaks the bold": "112** - or just rest **",
    "spoiler": "||112||",
    "newline": "112\n999",
    "template": "{emergency_number}",
    "banana": "banana",
    "too long": "1" * 101,
    "free text": "112 or just rest at home",
    "no digit": "(Europe)",
    "no-break space": "112\u00a0(Europe)",
    "fullwidth digits": "１１２",
    "mention": "<@123> 112",
    "unbalanced": "112 (Europe",
    "empty": "   ",
}


@pytest.mark.parametrize("number", GOOD)
def test_phone_like_numbers_are_accepted(number: str) -> None:
    assert check_emergency_number(f" {number} ") == number


@pytest.mark.parametrize("number", BAD.values(), ids=BAD.keys())
def test_disguised_or_broken_numbers_are_refused(number: str) -> None:
    with pytest.raises(ValueError, match=r"emergency number|put words"):
        check_emergency_number(number)


@pytest.mark.parametrize("number", ["banana", "1" * 2000, "[112](https://evil.example)"])
def test_a_bad_environment_value_stops_the_start_naming_the_variable(number: str) -> None:
    with pytest.raises(SettingsError, match="EMERGENCY_NUMBER cannot be used") as caught:
        Settings.from_env({"EMERGENCY_NUMBER": number})
    assert "Allowed: digits" in str(caught.value)


def test_bot_exits_with_a_configuration_problem(monkeypatch, capsys) -> None:
    monkeypatch.setenv("EMERGENCY_NUMBER", "banana")
    monkeypatch.setattr("bot.load_dotenv", lambda: None)
    assert main(["--check-knowledge"]) == 2
    err = capsys.readouterr().err
    assert "Configuration problem: EMERGENCY_NUMBER" in err and "Traceback" not in err


def test_the_default_is_used_when_unset() -> None:
    assert Settings.from_env({}).emergency_number == DEFAULT_EMERGENCY_NUMBER
    assert Settings.from_env({"EMERGENCY_NUMBER": " 999 "}).emergency_number == "999"


def test_fill_puts_the_number_in_once_and_never_as_a_template() -> None:
    text = "Call {emergency_number}. Again: {emergency_number}."
    assert fill(text, "112") == "Call 112. Again: 112."
    # A number that slipped past the rule (stored before it existed) is not used at all.
    assert fill("Call {emergency_number}.", "{emergency_number}") == (
        f"Call {DEFAULT_EMERGENCY_NUMBER}."
    )
    assert "evil" not in fill("{emergency_number}", "[112](https://evil.example)")


def test_markdown_is_escaped_where_the_number_is_shown() -> None:
    assert escape_markdown("a*b_c[d](e)|f`g>h") == "a\\*b\\_c\\[d\\](e)\\|f\\`g\\>h"
    assert shown_number(DEFAULT_EMERGENCY_NUMBER) == DEFAULT_EMERGENCY_NUMBER


def test_urgent_cards_never_show_a_hostile_number(mini_kb: Knowledge) -> None:
    screen = engine.current(mini_kb, engine.start())
    assert isinstance(screen, engine.Step)
    flag = next(f for f in screen.node.flags if f.urgency.value == "emergency")
    for number in BAD.values():
        card = outcome_card(mini_kb, Escalation(flag.urgency, (flag,)), number)
        shown = card.body + card.footer + step_card(mini_kb, screen, number).body
        assert DEFAULT_EMERGENCY_NUMBER in card.body
        for part in ("evil", "\u202e", "\u200b", "\u3164", "||", "just rest", "banana"):
            assert part not in shown, (number, part)
