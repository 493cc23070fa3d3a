"""Core of the T2 triage bot: knowledge, flow engine, storage. Imports nothing from discord."""
