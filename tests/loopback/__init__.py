"""Loopback fake of Discord (REST + gateway on 127.0.0.1) and a launcher for the real bot."""

from tests.loopback.model import Answer, FakeMessage, InteractionRecord
from tests.loopback.payloads import FakeUser
from tests.loopback.process import ROOT, BotProcess
from tests.loopback.server import FakeDiscord

__all__ = ["ROOT", "Answer", "BotProcess", "FakeDiscord", "FakeMessage", "FakeUser",
           "InteractionRecord"]
