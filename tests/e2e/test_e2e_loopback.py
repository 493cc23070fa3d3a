"""The fake itself, checked with a bare discord.py bot (tests/e2e/fake_discord/bare_bot.py).

If these fail, the fake is wrong; if these pass and a bot test fails, look at the bot.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.fake_discord import ROOT, BotProcess, FakeDiscord
from tests.e2e.fake_discord.harness import serve_fake
from tests.e2e.fake_discord.validation import check_choices, check_message

BARE = ROOT / "tests" / "e2e" / "fake_discord" / "bare_bot.py"


#: A fake Discord of this module's own: its bot is not the shared one.
fake = pytest.fixture(scope="module", name="fake")(serve_fake)


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = BotProcess(fake, tmp_path_factory.mktemp("bare"), script=BARE, args=())
    process.start()
    yield process
    process.stop()


def test_connects_over_zlib_stream_and_syncs(fake: FakeDiscord, bot: BotProcess) -> None:
    connect = fake.gateway_events("connect")[0].detail
    assert connect["path"] == "/gateway/"
    assert connect["query"] == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    identify = fake.gateway_events("identify")[0].detail
    assert identify["token_ok"] and identify["intents"] == 1  # guilds only
    assert fake.gateway_events("heartbeat"), "the client heartbeats at once after HELLO"
    assert sorted(fake.command_names()) == ["dm", "ping", "slow"]
    paths = [(c.method, c.path) for c in fake.recorded()]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert ("PUT", f"/applications/{fake.app_id}/commands") in paths


def test_rest_answers_exact_json_content_type(fake: FakeDiscord) -> None:
    request = urllib.request.Request(
        f"http://{fake.address}/api/v10/users/@me", headers={"Authorization": f"Bot {fake.token}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers["Content-Type"] == "application/json"
        assert json.loads(response.read())["id"] == str(fake.app_id)
    bad = urllib.request.Request(
        f"http://{fake.address}/api/v10/users/@me", headers={"Authorization": "Bot wrong"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad, timeout=5)
    assert refused.value.code == 401


def test_answer_then_tap_updates_the_message(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("ana_swims", "Ana")
    first = fake.wait_answer(fake.slash(member, "ping"))
    assert first.message is not None and first.message.ephemeral
    assert first.message.content == "pong" and first.message.custom_ids() == ["bare:count:0"]
    callback = fake.recorded("POST", r"/interactions/\d+/.+/callback")[-1]
    assert callback.query.get("with_response") in ("1", "true")
    second = fake.wait_answer(fake.tap(member, first.message, label="Tapped 0"))
    assert second.message is not None and second.message.id == first.message.id
    assert second.message.content == "count 1"


def test_deferred_answer_edit_and_followup(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("ben_bikes")
    answer = fake.wait_answer(fake.slash(member, "slow"), followups=1)
    assert answer.ack_type == 5
    assert answer.message is not None and answer.message.content == "done slowly"
    assert [m.content for m in answer.followups] == ["and a followup"]


def test_direct_message(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("cleo_runs")
    fake.wait_answer(fake.slash(member, "dm"))
    assert [m.content for m in fake.wait_dm(member)] == ["hello in private"]


def test_resume_replays_events_missed_while_disconnected(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    member = fake.add_user("dan_tris")
    first = fake.wait_answer(fake.slash(member, "ping"))
    resumed = fake.resumes()
    with fake.resumes_held():  # the bot may reconnect at once: its RESUME waits for the tap
        fake.drop_gateway(abort=True)
        tap = fake.tap(member, first.message, label="Tapped 0")  # sent while the bot is away
    fake.wait_resumed(resumed)
    assert fake.wait_answer(tap).message.content == "count 1"
    resume = fake.gateway_events("resume")[-1].detail
    assert resume["known"] and resume["token_ok"] and resume["path"] == "/gateway/resume/"
    assert fake.gateway_events("resumed")[-1].detail["replayed"] >= 1


def test_invalid_session_makes_the_bot_identify_again(fake: FakeDiscord, bot: BotProcess) -> None:
    ready = fake.ready_count
    fake.refuse_resume = True
    fake.drop_gateway(code=4000)
    fake.wait_ready(after=ready)
    assert fake.gateway_events("invalid_session")
    member = fake.add_user("eve_fresh")
    assert fake.wait_answer(fake.slash(member, "ping")).message.content == "pong"


@pytest.mark.parametrize("status", [429, 500])
def test_a_rate_limit_or_server_error_on_a_callback_is_retried(
    fake: FakeDiscord, bot: BotProcess, status: int
) -> None:
    member = fake.add_user(f"finn_fast_{status}")
    fake.fail_next("POST", r"/callback$", status, retry_after=0.3)
    answer = fake.wait_answer(fake.slash(member, "ping"))
    assert answer.message is not None and answer.message.content == "pong"
    statuses = [c.status for c in fake.recorded("POST", rf"/interactions/{answer.interaction_id}/")]
    assert statuses == [status, 200]


@pytest.mark.expect_errors
def test_a_429_then_a_500_is_too_slow_for_the_3_second_window(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    """discord.py waits 1 + 2 * attempt seconds after a 5xx: as the second failure, past 3 s."""
    member = fake.add_user("finn_slow")
    fake.fail_next("POST", r"/callback$", 429, retry_after=0.3)
    fake.fail_next("POST", r"/callback$", 500)
    late = fake.slash(member, "ping")
    late.expected_failure = True
    fake.unanswered(grace=5.0)
    assert late.ack_type is None and late.refused[0][0] == 404


@pytest.mark.expect_errors
def test_a_late_answer_counts_as_unanswered(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("gus_slow")
    window = fake.callback_window
    fake.callback_window = 0.0
    try:
        late = fake.slash(member, "ping")
        late.expected_failure = True
        fake.unanswered(grace=1.0)
    finally:
        fake.callback_window = window
    assert late.ack_type is None
    assert late.refused and late.refused[0][0] == 404


def test_bad_token_is_refused(fake: FakeDiscord, tmp_path: Path) -> None:
    process = BotProcess(fake, tmp_path, script=BARE, args=(), env={"DISCORD_TOKEN": "nope"})
    process.start(wait=False)
    code = process.proc.wait(30) if process.proc else None
    assert code != 0
    assert "LoginFailure" in process.log() or "Improper token" in process.log()


def test_validation_matches_discord_limits() -> None:
    row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "a"}]}
    assert check_message({"content": "ok", "components": [row]}) == []
    assert check_message({})  # empty message
    assert check_message({"content": "x" * 2001})
    assert check_message({"content": "x", "components": [row] * 6})
    assert check_message({"content": "x", "components": [row, row]})  # duplicate custom_id
    long_id = {
        "type": 1,
        "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "a" * 101}],
    }
    assert check_message({"content": "x", "components": [long_id]})
    assert check_message({"embeds": [{"title": "t", "description": "d" * 4097}]})
    assert check_message(
        {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}
    )  # 6000 in all
    assert check_choices([{"name": "n", "value": "v"}] * 26)
    assert check_choices([{"name": "", "value": "v"}])
    assert check_choices([{"name": "n", "value": "v" * 101}])
