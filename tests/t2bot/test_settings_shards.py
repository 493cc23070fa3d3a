"""SHARD_COUNT / SHARD_IDS: read into the settings, refused at start when they cannot work."""

from __future__ import annotations

import pytest

from t2bot.settings import Settings, SettingsError


def test_not_sharded_by_default() -> None:
    settings = Settings.from_env({})
    assert settings.shard_count is None and settings.shard_ids is None


def test_count_alone_runs_every_shard() -> None:
    settings = Settings.from_env({"SHARD_COUNT": " 4 "})
    assert settings.shard_count == 4 and settings.shard_ids is None


def test_count_and_ids() -> None:
    settings = Settings.from_env({"SHARD_COUNT": "4", "SHARD_IDS": "1,3"})
    assert settings.shard_count == 4 and settings.shard_ids == (1, 3)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SHARD_IDS": "0"}, "needs SHARD_COUNT"),
        ({"SHARD_COUNT": "two"}, "whole number"),
        ({"SHARD_COUNT": "0"}, "between 1 and"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "between 0 and SHARD_COUNT - 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "-1"}, "between 0 and SHARD_COUNT - 1"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "1,1"}, "twice"),
        ({"SHARD_COUNT": "3", "SHARD_IDS": "0;1"}, "separated by commas"),
    ],
)
def test_bad_values_fail_fast(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        Settings.from_env(env)
