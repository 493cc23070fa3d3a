"""Discord's limits on the text of a message's parts, for the core code that lays text out and
for the knowledge check (https://discord.com/developers/docs/resources/message#embed-object-
embed-limits, .../interactions/message-components)."""

BUTTON_LABEL = 80
SELECT_LABEL = 100
"""Select option label and description, and autocomplete choice names."""
EMBED_TITLE = 256
FIELD_NAME = 256
FIELD_VALUE = 1024
EMBED_DESCRIPTION = 4096
EMBED_FOOTER = 2048
EMBED_TOTAL = 6000
MAX_FIELDS = 25
