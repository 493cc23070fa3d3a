"""Base 36 (``0-9a-z``): how numbers travel in button ids (Discord ids, path digits, tags)."""

from __future__ import annotations

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
#: Discord ids (snowflakes) are unsigned 64-bit numbers.
ID_LIMIT = 2**64


def to_base36(number: int) -> str:
    if number < 0:
        raise ValueError("ids are not negative")
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = DIGITS[rest] + digits
        if number == 0:
            return digits


def from_base36(text: str, *, limit: int = ID_LIMIT) -> int:
    """The number ``text`` writes; ``ValueError`` if it is not base 36 or not below ``limit``."""
    if not text or any(char not in DIGITS for char in text):
        raise ValueError("not a base-36 number")
    number = int(text, 36)
    if number >= limit:
        raise ValueError("number out of range")
    return number


def digit(index: int) -> str:
    """One base-36 digit (0-35)."""
    return DIGITS[index]


def digit_value(char: str) -> int:
    return DIGITS.index(char)
