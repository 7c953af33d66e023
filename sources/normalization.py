"""Web addresses of evidence sources: one spelling per page, so that one page is one source.

``normalize_url`` gives the identity of a source: lowercase scheme and host (IDNA hosts in
their ASCII form), no default port, no fragment, no tracking parameters (``utm_*``, click
ids), the other query parameters kept in their order. Only absolute http and https
addresses are accepted (one written without its scheme, ``www.example.org/story``, is taken as
https); anything else (``javascript:``, ``data:``, ``file:``, ``ftp:``,
``mailto:``, relative or host-less addresses, credentials in the address, over-long
addresses) raises ValidationError with a sentence a reviewer can act on.
"""

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from url_normalize import url_normalize
from url_normalize.normalize_host import normalize_host

MAX_URL_LENGTH = 2000
MAX_DOMAIN_LENGTH = 253
WEB_SCHEMES = ("http", "https")

# Parameters that say how a reader arrived, never which page it is. Compared in lowercase.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "mc_cid",  # Mailchimp
        "mc_eid",
        "igshid",  # Instagram
        "yclid",  # Yandex
        "twclid",  # X/Twitter
        "ttclid",  # TikTok
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
    }
)

SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# What people paste from an address bar: a dotted host name, perhaps a port, then a path, query
# or nothing ("www.example.org/story", "example.org:8080/a"); "//example.org/" is one too.
BARE_HOST = re.compile(r"(?://)?(?:[\w-]+\.)+[\w-]+(?::\d+)?(?:[/?#]|$)")
ASSUMED_SCHEME = "https"
check_web_url = URLValidator(schemes=list(WEB_SCHEMES))


def invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def check_address(raw: str) -> str:
    """The address stripped of surrounding whitespace, if it may be a source at all; an address
    given without a scheme but starting with a host name gets ``https://``, as a browser's
    address bar would."""
    if not isinstance(raw, str):
        raise invalid("Give the address as text.", "invalid_url")
    url = raw.strip()
    if not url:
        raise invalid("Give the address of the source.", "blank_url")
    if len(url) > MAX_URL_LENGTH:
        raise invalid(
            f"Addresses longer than {MAX_URL_LENGTH:,} characters are not accepted.", "url_too_long"
        )
    if BARE_HOST.match(url):
        url = f"{ASSUMED_SCHEME}://{url.removeprefix('//')}"
    match = SCHEME.match(url)
    if match is None:
        raise invalid("Give the full address, starting with http:// or https://.", "relative_url")
    if match.group()[:-1].lower() not in WEB_SCHEMES:
        raise invalid("Only web addresses (http:// or https://) can be sources.", "unsupported_scheme")
    try:
        parts = urlsplit(url)
        if parts.port == 0:
            raise ValueError("port 0")
    except ValueError:
        raise invalid("The address has a malformed host or port.", "invalid_url") from None
    if not parts.hostname:
        raise invalid("The address has no host name, as in https://example.org/page.", "missing_host")
    if "@" in parts.netloc:
        # Credentials must not be stored, and "https://trusted.org@elsewhere.net/" misleads readers.
        raise invalid("Remove the user name or password from the address.", "credentials_in_url")
    return url


def check_length(url: str) -> str:
    if len(url) > MAX_URL_LENGTH:
        raise invalid(
            f"Addresses longer than {MAX_URL_LENGTH:,} characters (once encoded) are not accepted.",
            "url_too_long",
        )
    return url


def normalized(url: str) -> str:
    """``url_normalize`` with its failures on hosts it cannot encode turned into ValidationError."""
    try:
        result = url_normalize(url)
    except (UnicodeError, ValueError):
        raise invalid("This is not a valid web address.", "invalid_url") from None
    check_length(result)
    try:
        check_web_url(result)
    except ValidationError:
        raise invalid("This is not a valid web address.", "invalid_url") from None
    return result


def is_tracking_parameter(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).lower()
    return name.startswith(TRACKING_PREFIXES) or name in TRACKING_PARAMETERS


def without_tracking(query: str) -> str:
    return "&".join(pair for pair in query.split("&") if pair and not is_tracking_parameter(pair))


# A bulk import normalizes each address several times (its key, its article, its evidence);
# addresses are bounded (MAX_URL_LENGTH), so the cache is too. Refusals raise and are not kept.
@lru_cache(maxsize=4096)
def normalize_url(raw: str) -> str:
    """The normalized form of an http(s) address; raises ValidationError for anything else.

    Idempotent: a normalized address normalizes to itself. A ``#!`` fragment (old AJAX
    pages) becomes an ``_escaped_fragment_`` parameter, as ``url_normalize`` does, so that
    distinct pages addressed that way stay distinct.
    """
    parts = urlsplit(normalized(check_address(raw)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, without_tracking(parts.query), ""))


def clean_link(raw: str) -> str:
    """An http(s) address to store and link to as given (surrounding whitespace removed).

    Same rules as ``normalize_url``, but nothing is rewritten: for addresses that are not an
    identity, such as the archived copy of a source, whose path may embed another address
    (``https://web.archive.org/web/2024/https://example.org/``) and whose query and fragment
    may be part of what is linked.
    """
    url = check_address(raw)
    normalized(url)
    try:
        check_web_url(url)
    except ValidationError:
        raise invalid("This is not a valid web address.", "invalid_url") from None
    return url


def domain_of(url: str) -> str:
    """The host of ``url`` in lowercase, without a leading ``www.``."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def normalize_domain(raw: str) -> str:
    """A publisher's domain as sources carry it: ``www.Example.ORG`` gives ``example.org``.

    A full address is accepted too and gives its domain. Raises ValidationError for anything
    that is not a host name (paths, ports, spaces, invalid labels).
    """
    if not isinstance(raw, str):
        raise invalid("Give the domain as text.", "invalid_domain")
    value = raw.strip()
    if not value:
        raise invalid("Give a domain name, like example.org.", "blank_domain")
    if "://" in value:
        return domain_of(normalize_url(value))
    if len(value) > MAX_DOMAIN_LENGTH or re.search(r"[\s/\\:@?#%]", value):
        raise invalid("Give a domain name only, like example.org.", "invalid_domain")
    try:
        host = normalize_host(value)
        check_web_url(f"http://{host}/")
    except (UnicodeError, ValueError, ValidationError):
        raise invalid("This is not a valid domain name.", "invalid_domain") from None
    return host.removeprefix("www.")
