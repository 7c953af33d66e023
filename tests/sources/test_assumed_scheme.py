"""An evidence address pasted without its scheme is taken as https, in the API and the pages
alike, since both go through ``normalize_url``; what is not a host name stays refused."""

import pytest
from django.core.exceptions import ValidationError

from sources.normalization import clean_link, normalize_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www.example.org/story?id=7", "https://www.example.org/story?id=7"),
        ("example.org", "https://example.org/"),
        ("  Example.ORG/a  ", "https://example.org/a"),
        ("example.org:8080/a", "https://example.org:8080/a"),
        ("//example.org/story", "https://example.org/story"),
        ("news.example.co.uk/2024/05/story.html#top", "https://news.example.co.uk/2024/05/story.html"),
        ("bücher.example/seite", "https://xn--bcher-kva.example/seite"),
    ],
)
def test_an_address_without_a_scheme_is_taken_as_https(raw, expected):
    """A dotted host name at the start, perhaps with a port, gets https:// before it."""
    assert normalize_url(raw) == expected


def test_a_link_without_a_scheme_is_stored_with_https():
    """An archived copy's address given without its scheme is kept as given, with https:// added."""
    assert clean_link("web.archive.org/web/2024/https://example.org/") == (
        "https://web.archive.org/web/2024/https://example.org/"
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("relative/path", "relative_url"),
        ("/story", "relative_url"),
        ("intranet/page", "relative_url"),
        ("javascript:alert(1)", "unsupported_scheme"),
        ("alert.js:void(0)", "unsupported_scheme"),
        ("user@example.org/page", "relative_url"),
        ("example.org:http/", "unsupported_scheme"),
    ],
)
def test_what_is_not_a_host_name_gets_no_scheme(raw, code):
    """Only a host name is completed: a path, another scheme or credentials are refused as before."""
    with pytest.raises(ValidationError) as refused:
        normalize_url(raw)
    assert refused.value.code == code
