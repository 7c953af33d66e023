"""Tests for annotations.html: article HTML reduced to canonical text.

Plain functions, no database. Hypothesis runs without its example database so nothing is written
into the repository.
"""

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.html import html_to_text
from annotations.text import canonical_text

quick = settings(max_examples=150, deadline=None, database=None, derandomize=True)


def test_paragraphs_are_separated_by_one_blank_line():
    assert html_to_text("<p>One.</p><p>Two.</p><h2>Three</h2><blockquote>Four</blockquote>") == (
        "One.\n\nTwo.\n\nThree\n\nFour"
    )


def test_every_kind_of_block_element_is_a_paragraph():
    blocks = "div section article header footer main aside nav address figure figcaption h1 h6 li dt dd pre"
    blocks = blocks.split()
    document = "".join(f"<{tag}>{tag} text</{tag}>" for tag in blocks)
    assert html_to_text(document).split("\n\n") == [f"{tag} text" for tag in blocks]


def test_nested_blocks_make_no_double_blank_lines():
    document = """
        <article>
          <section><div><div><p>First</p></div></div></section>
          <div>   </div><p></p><div><p><br></p></div>
          <section><div><p>Second</p><div><p>Third</p></div></div></section>
        </article>
    """
    assert html_to_text(document) == "First\n\nSecond\n\nThird"


def test_text_directly_beside_a_block_is_its_own_paragraph():
    assert html_to_text("<div>before<p>inside</p>after</div>") == "before\n\ninside\n\nafter"


def test_inline_elements_join_without_adding_spaces():
    assert html_to_text("<p><b>North</b> <i>Korea</i>'s <a href='#'>army</a><span>men</span></p>") == (
        "North Korea's armymen"
    )


def test_whitespace_runs_collapse_to_one_space_and_lines_are_trimmed():
    document = "<p>\n   1.4   million\t\tvolunteers\n,   officials   <b> said </b> .  </p>"
    assert html_to_text(document) == "1.4 million volunteers , officials said ."


def test_br_is_a_line_break_inside_a_paragraph():
    assert html_to_text("<p>Line one<br>line two<br/>  line three</p><p>Next</p>") == (
        "Line one\nline two\nline three\n\nNext"
    )


def test_two_br_in_a_row_start_a_paragraph():
    assert html_to_text("first<br><br>second<br>\n<br/>third") == "first\n\nsecond\n\nthird"


def test_br_at_the_edges_of_a_paragraph_adds_nothing():
    assert html_to_text("<p><br>text<br></p><p>more</p>") == "text\n\nmore"


def test_pre_keeps_its_lines_and_indentation():
    document = "<p>Code:</p><pre>\ndef f():\n    return  1\n\n  done</pre><p>After</p>"
    assert html_to_text(document) == "Code:\n\ndef f():\n    return  1\n\n  done\n\nAfter"


def test_pre_keeps_whitespace_of_inline_elements_inside_it():
    assert html_to_text("<pre><b>x</b>  =\n  <i>1</i></pre>") == "x  =\n  1"


def test_list_items_are_paragraphs_without_bullets():
    document = "<ul><li>First claim</li><li>Second <b>claim</b></li></ul><ol><li>Third</li></ol>"
    assert html_to_text(document) == "First claim\n\nSecond claim\n\nThird"


def test_table_rows_are_paragraphs_and_cells_are_separated_by_a_space():
    document = "<table><tr><th>Year</th><th>Troops</th></tr><tr><td>2024</td><td>10,000</td></tr></table>"
    assert html_to_text(document) == "Year Troops\n\n2024 10,000"


def test_hr_separates_paragraphs():
    assert html_to_text("above<hr>below") == "above\n\nbelow"


def test_scripts_styles_and_other_non_text_vanish_with_their_content():
    document = """<html><head><title>Page title</title><style>p { color: red }</style>
        <script>var x = "<p>not text</p>";</script></head><body>
        <p>Kept<script>alert(1)</script> text</p>
        <noscript>Enable JavaScript</noscript><template><p>template</p></template>
        <iframe src="x">frame</iframe><video>Your browser cannot play it</video>
        <p hidden>hidden</p><p style="color: red; display: none">not shown</p>
        <svg><title>tooltip</title><desc>description</desc><defs><text>unused</text></defs></svg>
        <p>Also <style>.x{}</style>kept</p></body></html>"""
    assert html_to_text(document) == "Kept text\n\nAlso kept"


def test_comments_vanish_and_their_neighbours_join():
    assert html_to_text("<p>Pyong<!-- a comment -->yang</p><!-- <p>hidden</p> -->") == "Pyongyang"


def test_entities_are_decoded():
    document = "<p>Tom &amp; Jerry &lt;b&gt; &quot;q&quot; &#39;s&#x27; &eacute; &#x1F600; &#128512;</p>"
    assert html_to_text(document) == "Tom & Jerry <b> \"q\" 's' é 😀 😀"


def test_nbsp_is_a_collapsible_space():
    assert html_to_text("<p>10&nbsp;000&nbsp;&nbsp; troops\u00a0\u00a0sent</p>") == "10 000 troops sent"


def test_accented_letters_hangul_and_emoji_are_kept_in_nfc():
    text = html_to_text("<p>Cafe\u0301 de\u0301ja\u0300 vu</p><p>한국어 기사 😀👍🏽</p>")
    assert text == "Café déjà vu\n\n한국어 기사 😀👍🏽"
    assert "\u0301" not in text


def test_decomposed_hangul_is_composed():
    assert html_to_text("<p>\u1112\u1161\u11ab</p>") == "한"


def test_plain_text_without_tags_is_kept():
    assert html_to_text("Just   a sentence,\nno markup.") == "Just a sentence, no markup."


def test_unclosed_tags_are_read_as_a_browser_would():
    assert html_to_text("<p>first <b>bold<p>second <i>italic") == "first bold\n\nsecond italic"


def test_xml_declaration_with_encoding_is_accepted():
    document = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<html><body><p>Déjà 한국어</p></body></html>'
    assert html_to_text(document) == "Déjà 한국어"


def test_meta_charset_does_not_change_how_a_str_is_read():
    document = '<html><head><meta charset="windows-1252"></head><body><p>Déjà 😀</p></body></html>'
    assert html_to_text(document) == "Déjà 😀"


def test_byte_order_mark_is_dropped():
    assert html_to_text("\ufeff<p>text</p>") == "text"


def test_deep_nesting_beyond_256_levels_keeps_its_text():
    assert html_to_text("<div>" * 1000 + "deep text" + "</div>" * 1000 + "<p>after</p>") == (
        "deep text\n\nafter"
    )


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   \n\t ",
        "<!-- only a comment -->",
        "<script>only code</script>",
        "<html><head><title>Only a title</title></head></html>",
        "<p></p><div><br></div>",
        "\x00\x01\x02",
        "\ud800",
    ],
)
def test_input_without_text_is_an_empty_string(garbage):
    assert html_to_text(garbage) == ""


@pytest.mark.parametrize(
    ("garbage", "expected"),
    [
        ("<", "<"),
        ("<<<>>>", "<<<>>>"),
        ("a < b", "a < b"),
        ("<p>x</p></div></p></body></html>", "x"),
        ("</p>text", "text"),
        ("<p x='unterminated>text", ""),
        ("&amp &unknown; &#xZZ; &#0;", "& &unknown; &#xZZ; \ufffd"),
        ("<![CDATA[data]]>after", "after"),
        ("nul\x00byte", "nulbyte"),
        ("lone \ud83d surrogate", "lone surrogate"),
    ],
)
def test_malformed_input_never_raises(garbage, expected):
    assert html_to_text(garbage) == expected


def test_binary_junk_never_raises():
    junk = bytes(range(256)).decode("latin-1") * 50
    text = html_to_text(junk)
    assert text == canonical_text(text)


@quick
@given(st.text())
def test_any_string_gives_canonical_text_without_raising(document):
    text = html_to_text(document)
    assert text == canonical_text(text)


@quick
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zs", "Zl", "Zp"])))
def test_escaped_text_in_pre_comes_back_as_its_canonical_text(text):
    assert html_to_text("<pre>" + html.escape(text) + "</pre>") == canonical_text(text)


@quick
@given(
    st.lists(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs", "Z"]), min_size=1), min_size=1)
)
def test_escaped_words_in_paragraphs_come_back_one_paragraph_each(paragraphs):
    document = "".join(f"<p>\n  {html.escape(words)}  </p>\n" for words in paragraphs)
    assert html_to_text(document) == "\n\n".join(canonical_text(words) for words in paragraphs)


# Parsed as a browser parses it: nothing after a void or foreign element is lost.

KEY_CLAIM = "<h1>Title</h1><p>Intro.</p>{}<p>The key claim.</p>"


def test_text_after_an_embed_is_kept():
    assert html_to_text(KEY_CLAIM.format('<embed src="x">')) == "Title\n\nIntro.\n\nThe key claim."


@pytest.mark.parametrize("unclosed", ["<svg>", "<math>", "<object>", "<button>", "<select>"])
def test_text_after_an_unclosed_element_a_browser_shows_is_kept(unclosed):
    text = html_to_text(KEY_CLAIM.format(unclosed + "<span>inside</span>"))
    assert text == "Title\n\nIntro.\n\ninside\n\nThe key claim."


@pytest.mark.parametrize("unclosed", ["<video>", "<audio>", "<canvas>", "<textarea>"])
def test_what_a_browser_hides_inside_an_unclosed_medium_or_field_is_dropped_as_it_is(unclosed):
    """A browser nests what follows an unclosed <video> inside it, and shows none of it."""
    assert html_to_text(KEY_CLAIM.format(unclosed + "<span>inside</span>")) == "Title\n\nIntro."


def test_paragraphs_inside_a_map_are_kept():
    assert html_to_text('<map name="m"><p>In the map.</p></map><p>After.</p>') == "In the map.\n\nAfter."


def test_text_a_reader_sees_in_svg_mathml_buttons_and_text_areas_is_kept():
    document = (
        "<p>Chart:</p><svg><text>Troops: <tspan>10,000</tspan></text></svg>"
        "<p><math><mi>x</mi><mo>=</mo><mn>2</mn></math></p><button>Read more</button>"
    )
    assert html_to_text(document) == "Chart:\n\nTroops: 10,000\n\nx=2\n\nRead more"


def test_a_newline_after_pre_is_dropped_once():
    assert html_to_text("<pre>\n\nsecond line</pre>") == "second line"
    assert html_to_text("<pre>\nfirst\n\nthird</pre>") == "first\n\nthird"


# A corpus of real-world-shaped pages: what a reader sees, in order, and nothing else.

NEWS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Site | Story</title>
<script type="application/ld+json">{"@type": "NewsArticle"}</script><style>.ad{display:none}</style></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<main><article><header><h1>North Korea escalates</h1>
<p class="byline">By <a>A. Reporter</a> · 3 min read</p></header>
<figure><img src="troops.jpg" alt="Soldiers">
<figcaption>Troops at the border. Photo: Agency</figcaption></figure>
<p>The ministry said <strong>1.4 million</strong> volunteers had signed up.</p>
<div class="ad" hidden>Advertisement</div>
<blockquote class="twitter-tweet"><p>10,000 troops sent, says the spokesman.</p>&mdash; Spokesman (@s)
<a href="https://x.example/1">May 3</a></blockquote><script async src="https://x.example/widgets.js"></script>
<p>An expert called the figure <em>implausible</em><sup>1</sup>.</p>
<embed type="video/webm" src="clip.webm" width="250" height="200">
<p>Officials counted 18 deserters.</p>
<video controls src="clip.mp4">Your browser does not support video.</video>
<table><caption>Claims</caption><tr><th>Figure</th><th>Source</th></tr>
<tr><td>10,000</td><td>Ministry</td></tr></table>
<form><label>Email <input type="email"></label><input type="hidden" name="csrf" value="t0k3n">
<select><option>Daily</option><option>Weekly</option></select><button>Subscribe</button></form>
</article></main>
<footer><p>© 2026 Site</p><noscript><img src="pixel.gif"></noscript></footer></body></html>"""

NEWS_TEXT = """Home

World

North Korea escalates

By A. Reporter · 3 min read

Troops at the border. Photo: Agency

The ministry said 1.4 million volunteers had signed up.

10,000 troops sent, says the spokesman.

— Spokesman (@s) May 3

An expert called the figure implausible1.

Officials counted 18 deserters.

Claims

Figure Source

10,000 Ministry

Email Daily Weekly Subscribe

© 2026 Site"""

BROKEN_PAGE = """<div><p>Before the chart <svg viewBox="0 0 10 10"><rect width="5" height="5"/>
<p>The deficit grew 3.2% in 2024, <b>the ministry said.<p>Unclosed <i>italic and <object data="x.pdf">fallback
<p>After the object. <select><option>One<p>After the select."""

BROKEN_TEXT = """Before the chart

The deficit grew 3.2% in 2024, the ministry said.

Unclosed italic and fallback

After the object. One

After the select."""


@pytest.mark.parametrize(("page", "expected"), [(NEWS_PAGE, NEWS_TEXT), (BROKEN_PAGE, BROKEN_TEXT)])
def test_real_world_shaped_pages_keep_every_visible_text_in_order(page, expected):
    assert html_to_text(page) == expected


# Property: every word a reader would see survives, in order; nothing unseen does.

WORDS = st.integers(min_value=0, max_value=10**6).map(lambda n: f"w{n}")
INLINE = ["span", "b", "i", "a", "em", "strong", "font", "button", "label", "sup"]
BLOCKS = ["p", "div", "li", "h2", "blockquote", "section", "td", "figure", "map"]
UNSEEN = ["script", "style", "template", "noscript", "iframe", "video", "audio", "canvas", "textarea"]
VOID = ["br", "embed", "img", "hr", "input", "wbr"]


def fragments():
    """HTML fragments as ``(markup, visible words, unseen words)``."""
    leaf = WORDS.map(lambda word: (f" {word} ", [word], []))
    void = st.sampled_from(VOID).map(lambda tag: (f"<{tag}>", [], []))

    def wrap(children):
        def build(tag, parts, unseen):
            markup = "".join(part[0] for part in parts)
            words = [word for part in parts for word in part[1]]
            hidden = [word for part in parts for word in part[2]]
            if unseen:
                return (f"<{tag}>{markup}</{tag}>", [], words + hidden)
            return (f"<{tag}>{markup}</{tag}>", words, hidden)

        seen = st.builds(
            build, st.sampled_from(INLINE + BLOCKS), st.lists(children, max_size=4), st.just(False)
        )
        hidden = st.builds(
            lambda tag, word: (f"<{tag}> {word} </{tag}>", [], [word]), st.sampled_from(UNSEEN), WORDS
        )
        return seen | hidden

    return st.recursive(leaf | void, wrap, max_leaves=25)


@quick
@given(st.lists(fragments(), min_size=1, max_size=6))
def test_every_visible_word_survives_in_order_and_no_unseen_one(parts):
    document = "".join(part[0] for part in parts)
    visible = [word for part in parts for word in part[1]]
    unseen = {word for part in parts for word in part[2]} - set(visible)
    words = html_to_text(document).split()
    assert [word for word in words if word in set(visible)] == visible
    assert not unseen & set(words)


@quick
@given(st.lists(fragments(), min_size=1, max_size=6))
def test_reducing_the_text_again_changes_nothing(parts):
    text = html_to_text("".join(part[0] for part in parts))
    assert canonical_text(text) == text
    paragraphs = (html.escape(paragraph).replace("\n", "<br>") for paragraph in text.split("\n\n"))
    assert html_to_text("".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)) == text
