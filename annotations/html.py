"""Article HTML reduced to canonical text (see ``annotations.text``).

The reduction follows what a reader sees, not the markup: block elements are paragraphs, ``<br>``
is a line break, runs of whitespace are one space except inside ``<pre>``, and content that is
never shown as article text (scripts, styles, embedded objects, the document head, comments) is
dropped with everything inside it. No markup survives; the text is still user input, and pages
escape it like any other.
"""

from lxml import etree

from annotations.text import canonical_text

# Elements that start and end a paragraph. Table cells are not blocks: they are separated by a
# space so that a row reads as one line.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "plaintext",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
        "xmp",
    }
)
CELL_TAGS = frozenset({"td", "th"})
PREFORMATTED_TAGS = frozenset({"pre", "listing", "plaintext", "xmp"})
# Elements whose content is never article text: code, styling, the head (its <title> is the
# article's title field, not its text), embedded documents and media fallbacks, form controls,
# and ruby readings (rt, rp), which annotate the base text rather than continue it.
DROPPED_TAGS = frozenset(
    {
        "applet",
        "audio",
        "button",
        "canvas",
        "datalist",
        "embed",
        "head",
        "iframe",
        "map",
        "math",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "option",
        "rp",
        "rt",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "title",
        "video",
    }
)
SIGNIFICANT_TAGS = BLOCK_TAGS | CELL_TAGS | PREFORMATTED_TAGS | DROPPED_TAGS | {"br"}

NO_BREAK = 0
LINE_BREAK = 1
PARAGRAPH_BREAK = 2


def html_to_text(html: str) -> str:
    """Return the canonical text of an HTML document or fragment.

    Block elements become paragraphs separated by one blank line, however deeply they nest;
    ``<br>`` is a line break within a paragraph, and two or more in a row start a new paragraph.
    Whitespace runs (``&nbsp;`` and other Unicode spaces included) collapse to one space, except
    inside ``<pre>``, whose lines and indentation are kept. List items get no bullet or number:
    each is a paragraph of its own words, so offsets count only text that was in the article.
    Table rows are paragraphs and their cells are separated by one space. Images contribute
    nothing (not even their ``alt``). Scripts, styles, ``<head>``, embedded objects and media,
    form controls and comments vanish with their content; entities are decoded.

    Never raises on malformed input: unclosed tags, stray ``<``, binary junk and plain text
    without any tag are all read as a browser would. Nesting deeper than libxml2's limit of 2048
    elements ends the document there. Returns ``""`` when nothing textual remains.
    """
    # A str already is Unicode, so any encoding it declares (an XML declaration, a <meta charset>)
    # is stale: parse its UTF-8 bytes and tell libxml2 so, which also avoids lxml's refusal of
    # "Unicode strings with encoding declaration". Lone surrogates cannot be encoded and are
    # dropped; NUL would otherwise become U+FFFD.
    data = html.replace("\x00", "").lstrip("\ufeff").encode("utf-8", "ignore")
    if not data.strip():
        return ""
    parser = etree.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        # Lifts libxml2's nesting limit from 256 to 2048 levels: broken pages that never close
        # their <div>s or <font>s would otherwise lose everything after the 256th. HTML parsing
        # expands no declared entities, so this opens no entity-expansion attack.
        huge_tree=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError:
        return ""
    if root is None:
        return ""
    writer = TextWriter()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        # Most elements are inline (span, a, b, font, unknown tags...) and only contribute their
        # text in place: testing for that first keeps the walk fast on documents made of them.
        significant = tag in SIGNIFICANT_TAGS
        if event == "start":
            if significant:
                if tag in DROPPED_TAGS:
                    walker.skip_subtree()  # its "end" event still comes, and writes the tail
                    continue
                writer.open(tag)
            elif not isinstance(tag, str):
                # Comments and processing instructions that survive parsing go the way of <script>.
                walker.skip_subtree()
                continue
            if element.text:
                writer.write(element.text, opening=tag)
        else:
            if significant:
                writer.close(tag)
            if element.tail:
                writer.write(element.tail)
    return canonical_text(writer.text())


class TextWriter:
    """Accumulates text while walking the tree, deciding spaces and breaks lazily.

    A break is only written in front of the next text, so empty and nested blocks never add blank
    lines, and the stronger of two pending breaks wins.
    """

    def __init__(self):
        self.parts: list[str] = []
        self.pending_break = NO_BREAK
        self.pending_space = False
        self.at_line_start = True
        self.preformatted_depth = 0

    def open(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.pending_break = PARAGRAPH_BREAK
        elif tag == "br":
            # "a<br><br>b" is how much of the web marks a paragraph.
            self.pending_break = PARAGRAPH_BREAK if self.pending_break else LINE_BREAK
        elif tag in CELL_TAGS:
            self.pending_space = True
        if tag in PREFORMATTED_TAGS:
            self.preformatted_depth += 1

    def close(self, tag: str) -> None:
        if tag in DROPPED_TAGS:
            return
        if tag in BLOCK_TAGS:
            self.pending_break = PARAGRAPH_BREAK
        elif tag in CELL_TAGS:
            self.pending_space = True
        if tag in PREFORMATTED_TAGS:
            self.preformatted_depth -= 1

    def write(self, text: str, *, opening: str | None = None) -> None:
        """Write text that follows the start of ``opening`` (its first text) or an end tag."""
        if self.preformatted_depth:
            # As in browsers, a newline right after <pre> is not content.
            if opening in PREFORMATTED_TAGS and text.startswith("\n"):
                text = text[1:]
            self.write_preformatted(text)
            return
        words = text.split()
        if not words:
            self.pending_space = self.pending_space or bool(text)
            return
        if text[0].isspace():
            self.pending_space = True
        self.flush_break()
        if self.pending_space and not self.at_line_start:
            self.parts.append(" ")
        self.parts.append(" ".join(words))
        self.pending_space = text[-1].isspace()
        self.at_line_start = False

    def write_preformatted(self, text: str) -> None:
        text = text.replace("\xa0", " ")
        if not text:
            return
        self.flush_break()
        if self.pending_space and not self.at_line_start and not text[0].isspace():
            self.parts.append(" ")
        self.parts.append(text)
        self.pending_space = False
        self.at_line_start = text.endswith("\n")

    def flush_break(self) -> None:
        if self.pending_break and self.parts:
            self.parts.append("\n" * self.pending_break)
            self.at_line_start = True
            self.pending_space = False
        self.pending_break = NO_BREAK

    def text(self) -> str:
        return "".join(self.parts)
