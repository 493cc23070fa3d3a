"""Core of the T2 triage bot: knowledge model, flow engine, storage. Imports nothing from discord."""
