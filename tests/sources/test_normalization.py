"""Source addresses and publisher domains: pure functions, no database."""

import pytest
from django.core.exceptions import ValidationError

from sources.normalization import clean_link, domain_of, normalize_domain, normalize_url

SAME_PAGE = [
    ("https://example.org/a", "https://example.org/a"),
    ("HTTPS://EXAMPLE.ORG/a", "https://example.org/a"),
    ("https://Example.Org/Path/Stays/Cased", "https://example.org/Path/Stays/Cased"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("http://example.org:80/a", "http://example.org/a"),
    ("http://example.org:443/a", "http://example.org:443/a"),
    ("https://example.org:8443/a", "https://example.org:8443/a"),
    ("https://example.org./a", "https://example.org/a"),
    ("https://example.org/a#section-2", "https://example.org/a"),
    ("https://example.org/a#", "https://example.org/a"),
    ("https://example.org/a/./b/../c", "https://example.org/a/c"),
    ("  https://example.org/a \n", "https://example.org/a"),
    ("https://example.org/a b", "https://example.org/a%20b"),
    ("https://example.org/%7euser", "https://example.org/~user"),
    ("https://example.org/?", "https://example.org/"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),
    ("https://example.org/a?q=1&&page=2&", "https://example.org/a?q=1&page=2"),
    ("https://example.org/a?utm_source=x&utm_medium=y&utm_campaign=z", "https://example.org/a"),
    ("https://example.org/a?id=7&utm_source=news&page=2&UTM_Content=c", "https://example.org/a?id=7&page=2"),
    ("https://example.org/a?fbclid=abc&gclid=def&msclkid=g&id=7", "https://example.org/a?id=7"),
    ("https://example.org/a?mc_eid=1&mc_cid=2&igshid=3&yclid=4&q=x", "https://example.org/a?q=x"),
    (
        "https://example.org/a?utmost=1&clid=2&fbclid_like=3",
        "https://example.org/a?utmost=1&clid=2&fbclid_like=3",
    ),
    ("https://example.org/a?q=a+b&r=%20", "https://example.org/a?q=a+b&r=%20"),
    ("https://example.org/a?id=7#utm_source=x", "https://example.org/a?id=7"),
    ("https://bücher.de/straße", "https://xn--bcher-kva.de/stra%C3%9Fe"),
    ("https://BÜCHER.de/", "https://xn--bcher-kva.de/"),
    ("https://例え.jp/", "https://xn--r8jz45g.jp/"),
    ("https://xn--bcher-kva.de/", "https://xn--bcher-kva.de/"),
    ("https://192.0.2.7/report.pdf", "https://192.0.2.7/report.pdf"),
    ("https://[2001:DB8::1]:8080/a", "https://[2001:db8::1]:8080/a"),
    ("https://example.org/#!/status/1", "https://example.org/?_escaped_fragment_=/status/1"),
]


@pytest.mark.parametrize(("raw", "expected"), SAME_PAGE)
def test_addresses_normalize_to_one_spelling_per_page(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize("raw", [raw for raw, _ in SAME_PAGE])
def test_normalizing_is_idempotent(raw):
    once = normalize_url(raw)
    assert normalize_url(once) == once


def test_spellings_of_one_page_meet():
    spellings = [
        "https://www.example.org/story?id=7",
        "HTTPS://WWW.EXAMPLE.ORG:443/story?id=7#comments",
        "https://www.example.org/story?utm_source=twitter&id=7&fbclid=XYZ",
    ]
    assert {normalize_url(raw) for raw in spellings} == {"https://www.example.org/story?id=7"}


REFUSED = [
    ("javascript:alert(1)", "unsupported_scheme"),
    ("JavaScript:alert(document.cookie)//https://example.org", "unsupported_scheme"),
    ("data:text/html,<script>alert(1)</script>", "unsupported_scheme"),
    ("file:///etc/passwd", "unsupported_scheme"),
    ("ftp://example.org/file.txt", "unsupported_scheme"),
    ("mailto:desk@example.org", "unsupported_scheme"),
    ("vbscript:msgbox", "unsupported_scheme"),
    ("/relative/path", "relative_url"),
    ("relative/path", "relative_url"),
    ("?q=1", "relative_url"),
    ("", "blank_url"),
    ("   ", "blank_url"),
    ("https://", "missing_host"),
    ("https:///path", "missing_host"),
    ("http:example.org", "missing_host"),
    ("https://user:secret@example.org/", "credentials_in_url"),
    ("https://example.org@evil.example/", "credentials_in_url"),
    ("https://example.org:99999/", "invalid_url"),
    ("https://example.org:0/", "invalid_url"),
    ("https://example.org:http/", "invalid_url"),
    ("https://[::1/", "invalid_url"),
    ("https://exa mple.org/", "invalid_url"),
    ("https://intranet/", "invalid_url"),
    ("https://" + "a" * 64 + ".org/", "invalid_url"),
    ("https://example.org/\ud800", "invalid_url"),
    ("https://example.org/" + "a" * 2000, "url_too_long"),
    ("https://example.org/" + "ä" * 400, "url_too_long"),
]


@pytest.mark.parametrize(("raw", "code"), REFUSED)
def test_anything_but_an_absolute_web_address_is_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalize_url(raw)
    assert caught.value.code == code
    assert caught.value.messages[0].endswith(".")


@pytest.mark.parametrize("raw", [None, 42, b"https://example.org/"])
def test_non_text_is_refused(raw):
    with pytest.raises(ValidationError):
        normalize_url(raw)


def test_the_longest_accepted_address_is_2000_characters():
    base = "https://example.org/"
    assert len(normalize_url(base + "a" * (2000 - len(base)))) == 2000


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.org/a", "example.org"),
        ("https://news.example.org/a", "news.example.org"),
        ("https://www2.example.org/a", "www2.example.org"),
        ("https://www.www.example.org/", "www.example.org"),
        ("https://EXAMPLE.org:8080/", "example.org"),
        ("https://[2001:db8::1]/", "2001:db8::1"),
        ("not a url", ""),
    ],
)
def test_domain_of_is_the_host_without_www(url, domain):
    assert domain_of(url) == domain


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("example.org", "example.org"),
        ("  www.Example.ORG ", "example.org"),
        ("news.bbc.co.uk", "news.bbc.co.uk"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("example.org.", "example.org"),
        ("https://www.example.org/some/story?id=1", "example.org"),
    ],
)
def test_domains_are_stored_as_sources_carry_them(raw, domain):
    assert normalize_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        "example.org/path",
        "example.org:8080",
        "user@example.org",
        "exa mple.org",
        "www.",
        ".",
        "javascript:alert(1)",
        "ftp://example.org/",
        "a" * 300,
        "-bad-.org",
    ],
)
def test_anything_but_a_domain_name_is_refused(raw):
    with pytest.raises(ValidationError):
        normalize_domain(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "https://web.archive.org/web/20240101000000/https://Example.org/a?utm_source=x",
        "https://archive.ph/AbCdE#selection-1.2-3.4",
    ],
)
def test_links_to_archived_copies_are_kept_as_given(raw):
    assert clean_link(f"  {raw} ") == raw


@pytest.mark.parametrize(
    "raw", ["javascript:alert(1)", "data:,x", "file:///etc/passwd", "/web/2024/x", "https://a b.org/"]
)
def test_links_follow_the_same_scheme_rule(raw):
    with pytest.raises(ValidationError):
        clean_link(raw)
