"""The check-in DM a week after a check: its button ids and its words (no Discord here)."""
