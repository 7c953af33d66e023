"""Canonical article text: the one string that every annotation offset counts in.

Unicode NFC, ``\\n`` line ends, no trailing spaces, paragraphs split by exactly one blank
line, no blank lines at either end. Control characters other than tab and newline are dropped:
PostgreSQL cannot store NUL, and the others only confuse offsets.
"""

import re
import unicodedata

LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
BLANK_LINES = re.compile(r"\n{3,}")


# The characters LINE_BREAKS matches, looked for one by one before the expression runs: a
# ``str.find`` of one character is many times faster than a regular-expression scan, and most
# texts hold none of them (a bulk import canonicalizes hundreds of 5 KB texts a request).
BREAK_CHARACTERS = ("\r", "\x0b", "\x0c")
NON_ASCII_BREAK_CHARACTERS = ("\x85", "\u2028", "\u2029")


def canonical_text(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    breaks = BREAK_CHARACTERS if text.isascii() else BREAK_CHARACTERS + NON_ASCII_BREAK_CHARACTERS
    if any(character in text for character in breaks):
        text = LINE_BREAKS.sub("\n", text)
    text = CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    if "\n\n\n" in text:
        text = BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")
