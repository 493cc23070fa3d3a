"""Answering a member's own words (mentions, DMs, "Ask T2 privately"): warning signs in plain
words first, then sourced answers from the knowledge. No discord here, and no text is kept."""
