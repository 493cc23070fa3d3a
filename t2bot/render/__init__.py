"""One card model for every reply, and the plain-text renderer (the embed renderer is
``t2discord.ui_kit.embed_from_card``: the core never imports discord)."""
