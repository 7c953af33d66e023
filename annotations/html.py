"""Article HTML reduced to canonical text (see ``annotations.text``).

The document is parsed as browsers parse it (lexbor, a WHATWG HTML5 parser, through selectolax):
void elements such as ``<embed>`` take no content, an unclosed ``<svg>`` or ``<select>`` ends
where a browser ends it, and nothing that follows them is lost. The reduction then follows what a
reader sees, not the markup: block elements are paragraphs, ``<br>`` is a line break, runs of
whitespace are one space except inside ``<pre>``, and only content a reader never sees is dropped
with everything inside it (scripts, styles, templates, the document head, media fallbacks,
hidden elements, comments). No markup survives; the text is still user input, and pages escape
it like any other.
"""

from annotations.text import canonical_text

# Elements that start and end a paragraph. Table cells (and a select's options) are not blocks:
# they are separated by a space so that a row reads as one line.
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
CELL_TAGS = frozenset({"td", "th", "option"})
PREFORMATTED_TAGS = frozenset({"pre", "listing", "plaintext", "xmp"})
# Elements whose content a reader never sees as article text, as Chromium renders a page (its
# innerText is the reference the browser tests compare with): code and styling; the head (its
# <title> is the article's title field, and an SVG <title> is a tooltip); what a browser shows
# only when it cannot play a medium or run scripts (video, audio, canvas, iframe, noembed,
# noframes, noscript); a text field's contents and a datalist's suggestions; SVG's definitions and
# descriptions; and ruby readings (rt, rp), which annotate the base text rather than continue it.
# Text elsewhere -- SVG and MathML text, buttons, a select's options, an <object>'s fallback -- is
# seen, so it is kept: an unclosed <select> takes what follows into its option, as browsers do.
DROPPED_TAGS = (
    "applet",
    "audio",
    "canvas",
    "datalist",
    "defs",
    "desc",
    "head",
    "iframe",
    "metadata",
    "noembed",
    "noframes",
    "noscript",
    "rp",
    "rt",
    "script",
    "style",
    "template",
    "textarea",
    "title",
    "video",
)
# Elements the page itself hides.
HIDDEN = ("[hidden]", '[style*="display:none" i]', '[style*="display: none" i]')
UNSEEN = ", ".join((*DROPPED_TAGS, *HIDDEN))
SIGNIFICANT_TAGS = BLOCK_TAGS | CELL_TAGS | PREFORMATTED_TAGS | {"br"}

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
    nothing (not even their ``alt``). What a reader never sees (:data:`DROPPED_TAGS`, elements
    marked ``hidden`` or ``display: none``, comments) vanishes with its content; entities are
    decoded.

    Never raises on malformed input: unclosed tags, stray ``<``, binary junk and plain text
    without any tag are all read as a browser reads them. Returns ``""`` when nothing textual
    remains.
    """
    # NUL is dropped as browsers drop it in text (and PostgreSQL cannot store it); lone
    # surrogates cannot be encoded and are dropped too.
    html = html.replace("\x00", "").lstrip("\ufeff").encode("utf-8", "ignore").decode("utf-8")
    if not html.strip():
        return ""
    # Imported here: selectolax takes 3 MB in every server process, used only by HTML imports.
    from selectolax.lexbor import LexborHTMLParser

    # Parsed with scripting on, as a reader's browser does: <noscript> holds raw text, never shown.
    document = LexborHTMLParser(html, scripting=True)
    for unseen in document.css(UNSEEN):
        unseen.decompose()
    root = document.root
    if root is None:
        return ""
    writer = TextWriter()
    walk(root, writer)
    return canonical_text(writer.text())


def walk(root, writer: "TextWriter") -> None:
    """Feed ``writer`` the text and the element boundaries under ``root``, in document order.

    Iterative, so that pages that never close their ``<div>``s cannot exhaust the stack.
    """
    node, root_id = root, root.mem_id
    while True:
        if node.is_text_node:
            writer.write(node.text_content)
        elif node.is_element_node:
            tag = node.tag
            # Most elements are inline (span, a, b, font, unknown tags...) and only contribute
            # their text in place: testing for that first keeps the walk fast.
            significant = tag in SIGNIFICANT_TAGS
            if significant:
                writer.open(tag)
            child = node.child
            if child is not None:
                node = child
                continue
            if significant:
                writer.close(tag)
        while node.next is None:
            node = node.parent
            if node is None:
                return
            if node.tag in SIGNIFICANT_TAGS:
                writer.close(node.tag)
            if node.mem_id == root_id:
                return
        node = node.next


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
        if tag in BLOCK_TAGS:
            self.pending_break = PARAGRAPH_BREAK
        elif tag in CELL_TAGS:
            self.pending_space = True
        if tag in PREFORMATTED_TAGS:
            self.preformatted_depth -= 1

    def write(self, text: str) -> None:
        """Write a text node's text (a newline right after ``<pre>`` is gone already: the parser
        drops it, as browsers do)."""
        if self.preformatted_depth:
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
