"""Discord's limits on what a bot sends; the fake answers 400 (code 50035) when one is broken.

Only documented limits are checked (https://discord.com/developers/docs), so a failure here is a
message real Discord would refuse too.
"""

from __future__ import annotations

from typing import Any

BUTTON = 2
SELECTS = {3, 5, 6, 7, 8}
LINK_STYLE = 5
PREMIUM_STYLE = 6


def check_message(
    body: dict[str, Any], *, edit: bool = False, has_files: bool = False
) -> list[str]:
    """Problems with a message create/edit body, as ``path: problem`` strings."""
    problems: list[str] = []
    content = body.get("content")
    if content is not None and len(content) > 2000:
        problems.append(f"content: {len(content)} characters, at most 2000")
    embeds = body.get("embeds") or []
    problems += check_embeds(embeds)
    components = body.get("components") or []
    problems += check_components(components)
    if not edit and not (content or embeds or components or has_files or body.get("poll")):
        problems.append("message: cannot send an empty message (code 50006)")
    return problems


def check_embeds(embeds: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(embeds) > 10:
        problems.append(f"embeds: {len(embeds)}, at most 10")
    total = 0
    for n, embed in enumerate(embeds):
        where = f"embeds[{n}]"
        for key, limit in (("title", 256), ("description", 4096)):
            text = embed.get(key) or ""
            total += len(text)
            if len(text) > limit:
                problems.append(f"{where}.{key}: {len(text)} characters, at most {limit}")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"{where}.fields: {len(fields)}, at most 25")
        for m, fld in enumerate(fields):
            name, value = fld.get("name") or "", fld.get("value") or ""
            total += len(name) + len(value)
            if not name.strip() or len(name) > 256:
                problems.append(f"{where}.fields[{m}].name: must be 1-256 characters")
            if not value.strip() or len(value) > 1024:
                problems.append(f"{where}.fields[{m}].value: must be 1-1024 characters")
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > 2048:
            problems.append(f"{where}.footer.text: {len(footer)} characters, at most 2048")
        if len(author) > 256:
            problems.append(f"{where}.author.name: {len(author)} characters, at most 256")
    if total > 6000:
        problems.append(f"embeds: {total} characters in all, at most 6000")
    return problems


def check_components(rows: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(rows) > 5:
        problems.append(f"components: {len(rows)} action rows, at most 5")
    seen: set[str] = set()
    for n, row in enumerate(rows):
        where = f"components[{n}]"
        if row.get("type") != 1:
            problems.append(f"{where}: top-level components must be action rows (type 1)")
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            problems.append(f"{where}: {len(children)} components, must be 1-5")
        kinds = {c.get("type") for c in children}
        if kinds & SELECTS and len(children) > 1:
            problems.append(f"{where}: a select menu must be alone in its row")
        for m, child in enumerate(children):
            problems += _check_child(child, f"{where}.components[{m}]", seen)
    return problems


def _check_child(child: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    problems: list[str] = []
    kind = child.get("type")
    custom_id = child.get("custom_id")
    if kind == BUTTON:
        style = child.get("style")
        label = child.get("label")
        if label is not None and len(label) > 80:
            problems.append(f"{where}.label: {len(label)} characters, at most 80")
        if not label and not child.get("emoji"):
            problems.append(f"{where}: a button needs a label or an emoji")
        if style == LINK_STYLE:
            if not child.get("url") or custom_id:
                problems.append(f"{where}: a link button needs a url and no custom_id")
            return problems
        if style == PREMIUM_STYLE:
            return problems
    elif kind in SELECTS:
        options = child.get("options") or []
        if kind == 3 and not 1 <= len(options) <= 25:
            problems.append(f"{where}.options: {len(options)}, must be 1-25")
        for k, option in enumerate(options):
            for key in ("label", "value", "description"):
                text = option.get(key)
                if text is not None and (len(text) > 100 or (key != "description" and not text)):
                    problems.append(f"{where}.options[{k}].{key}: must be 1-100 characters")
        placeholder = child.get("placeholder") or ""
        if len(placeholder) > 150:
            problems.append(f"{where}.placeholder: {len(placeholder)} characters, at most 150")
    else:
        problems.append(f"{where}: unknown component type {kind!r}")
        return problems
    if not custom_id or len(custom_id) > 100:
        problems.append(f"{where}.custom_id: must be 1-100 characters")
    elif custom_id in seen:
        problems.append(f"{where}.custom_id: duplicated in this message ({custom_id[:30]}...)")
    else:
        seen.add(custom_id)
    return problems


def check_choices(choices: list[dict[str, Any]]) -> list[str]:
    """Problems with an autocomplete result."""
    problems: list[str] = []
    if len(choices) > 25:
        problems.append(f"choices: {len(choices)}, at most 25")
    for n, choice in enumerate(choices):
        name = choice.get("name") or ""
        value = choice.get("value")
        if not 1 <= len(name) <= 100:
            problems.append(f"choices[{n}].name: {len(name)} characters, must be 1-100")
        if isinstance(value, str) and len(value) > 100:
            problems.append(f"choices[{n}].value: {len(value)} characters, at most 100")
    return problems
