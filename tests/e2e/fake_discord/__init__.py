"""Loopback fake of Discord (REST + gateway on 127.0.0.1) and a launcher for the real bot.

server.py (FakeDiscord: lifecycle, waiting) combines gateway.py (sessions, RESUME, zlib-stream),
rest.py (recording, faults, plain routes), webhooks.py (interaction callbacks, followups) and
interactions.py (what members do). validation.py holds Discord's limits; process.py starts
bot.py with site/sitecustomize.py on PYTHONPATH; flows.py and harness.py help the tests.
"""

from tests.e2e.fake_discord.model import Answer, FakeMessage, InteractionRecord
from tests.e2e.fake_discord.payloads import FakeUser
from tests.e2e.fake_discord.process import ROOT, BotProcess
from tests.e2e.fake_discord.server import FakeDiscord

__all__ = [
    "ROOT",
    "Answer",
    "BotProcess",
    "FakeDiscord",
    "FakeMessage",
    "FakeUser",
    "InteractionRecord",
]
