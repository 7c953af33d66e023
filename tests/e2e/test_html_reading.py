"""Article HTML is read as a browser shows it: Chromium's rendered text (``innerText``) is the
reference, for real-world-shaped pages and for generated documents."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.html import html_to_text
from tests.annotations.test_html import BROKEN_PAGE, KEY_CLAIM, NEWS_PAGE, fragments

# No request leaves the page: the corpus names images, scripts and media that do not exist.
OFFLINE = "**/*"


def rendered_words(page, document: str) -> list[str]:
    page.set_content(document)
    return page.evaluate("document.body ? document.body.innerText : ''").split()


def letters(words: list[str]) -> str:
    """The characters of the words in order, without the spaces between them: where an unclosed
    <select> ends its option, Chromium and the HTML standard's parser may split words apart."""
    return "".join(words)


def test_the_corpus_reads_as_chromium_renders_it(page):
    page.route(OFFLINE, lambda route: route.abort())
    unclosed = [
        KEY_CLAIM.format(tag + "<span>inside</span>")
        for tag in ("<embed>", "<svg>", "<math>", "<object>", "<button>", "<video>", "<audio>", "<canvas>")
    ]
    for document in [NEWS_PAGE, BROKEN_PAGE, *unclosed]:
        assert letters(html_to_text(document).split()) == letters(rendered_words(page, document)), document


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(fragments(), min_size=1, max_size=6), st.booleans())
def test_generated_documents_read_as_chromium_renders_them(page, parts, leave_open):
    document = "".join(part[0] for part in parts)
    if leave_open:
        # Pages in the wild forget their end tags; both parsers must repair them alike.
        document = document.replace("</p>", "").replace("</li>", "").replace("</div>", "")
    assert html_to_text(document).split() == rendered_words(page, document), document
