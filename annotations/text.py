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


def canonical_text(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw)
    text = LINE_BREAKS.sub("\n", text)
    text = CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")
