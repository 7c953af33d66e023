"""Tests for annotations.html: article HTML reduced to canonical text.

Plain functions, no database. Hypothesis runs without its example database so nothing is written
into the repository.
"""

import html
import time

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
        <iframe src="x">frame</iframe><object>object</object><svg><text>svg text</text></svg>
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


def test_a_two_megabyte_document_takes_well_under_a_second():
    paragraph = (
        "<div class='para'><p>North Korea escalates: <b>1.4 million</b> volunteers, "
        "<a href='/x'>10,000</a> artillery pieces &amp; 18 deserters. 한국어 😀</p></div>\n"
    )
    document = paragraph * (2_000_000 // len(paragraph))
    started = time.perf_counter()
    text = html_to_text(document)
    assert time.perf_counter() - started < 1.0
    assert text.count("\n\n") == 2_000_000 // len(paragraph) - 1


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
