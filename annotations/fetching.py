"""Fetching a web page for an article import, without lending the server to attacks on its own
network (server-side request forgery).

Only http and https addresses are fetched. The host name is resolved once; every address it
resolves to must be public (``refusal_of``), and the connection is opened to the checked address
itself, with the name kept for the Host header, TLS's server name and the certificate check, so
a DNS answer that changes between the check and the connection (DNS rebinding) cannot reach
another address. Each redirect (at most ``URL_IMPORT_MAX_REDIRECTS``) is checked the same way.
The whole fetch, redirects included, is bounded in time (``URL_IMPORT_TIMEOUT`` seconds, held by
a watchdog that shuts the socket, so a server dripping bytes cannot stretch it) and in size
(``URL_IMPORT_MAX_BYTES`` of the decoded body). Only HTML is accepted.

Every failure is a ``FetchError`` whose message is a sentence a person can act on, starting with
what went wrong ("refused: address 10.0.0.1 is private", "not HTML: image/png", "too large: ...",
"timed out: ...").
"""

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPException
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
USER_AGENT = "factcheck-workbench/0.1 (article import)"
# The 96-bit prefix (RFC 6052) through which NAT64 gateways reach IPv4 addresses.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Characters left as they are when a path or query is quoted for the request line.
URL_SAFE = "/%:@!$&'()*+,;=-._~?"


class FetchError(Exception):
    """A page that could not be fetched; ``str(error)`` says why."""


@dataclass(frozen=True)
class Page:
    url: str  # the address asked for
    final_url: str  # where the redirects led
    content_type: str
    charset: str | None
    body: bytes


def refusal_of(address: IPAddress) -> str | None:
    """Why ``address`` may not be fetched from ("loopback", "private", ...), or None when it is a
    public address. An IPv6 address that stands for an IPv4 one (IPv4-mapped, IPv4-compatible,
    6to4, NAT64) is refused for what the IPv4 address is, then for what it is itself."""
    embedded = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    if embedded is not None and (reason := refusal_of(embedded)):
        return f"{reason} (it stands for {embedded})"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return None if settings.URL_IMPORT_ALLOW_LOOPBACK else "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "not a public address"
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # IPv4-compatible (::a.b.c.d, deprecated by RFC 4291); :: and ::1 are themselves.
    if int(address) >> 32 == 0 and int(address) > 1:
        return ipaddress.IPv4Address(int(address))
    return None


def fetch_page(url: str) -> Page:
    """The page at ``url``, following at most ``URL_IMPORT_MAX_REDIRECTS`` redirects.

    Raises FetchError for an address that is not http(s), a host that resolves to an address
    ``refusal_of`` refuses (at any hop), too many redirects, an answer other than 2xx, a body that
    is not HTML or is larger than ``URL_IMPORT_MAX_BYTES``, and a fetch that takes longer than
    ``URL_IMPORT_TIMEOUT`` seconds in all.
    """
    deadline = time.monotonic() + settings.URL_IMPORT_TIMEOUT
    current = url
    for hop in range(settings.URL_IMPORT_MAX_REDIRECTS + 1):
        location, page = fetch_once(current, deadline, asked=url)
        if page is not None:
            return page
        if hop == settings.URL_IMPORT_MAX_REDIRECTS:
            break
        current = urljoin(current, location)
    raise FetchError(
        f"too many redirects: the page redirected more than {settings.URL_IMPORT_MAX_REDIRECTS} times."
    )


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # ASCII (IDNA) host name, or an IP address without brackets
    port: int
    path: str  # the request target: path and query, quoted

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def target_of(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError(f"refused: {url!r} is not a valid address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "an address without a scheme"
        raise FetchError(f"refused: only http and https addresses are fetched, not {shown}")
    if not parts.hostname:
        raise FetchError("refused: the address names no host.")
    if parts.username is not None or parts.password is not None:
        raise FetchError("refused: an address with a user name or password is not fetched.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"refused: {parts.hostname!r} is not a valid host name.") from None
    path = quote(parts.path or "/", safe=URL_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=URL_SAFE)
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def address_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(target: Target, deadline: float) -> tuple:
    """The checked ``(family, sockaddr)`` to connect to: the host's first address, after every
    address it resolves to passed ``refusal_of``. The name is resolved once, here."""
    literal = address_literal(target.host)
    if literal is not None:
        family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
        answers = [(family, (target.host, target.port) + ((0, 0) if family == socket.AF_INET6 else ()))]
    else:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise FetchError(f"could not find the host {target.host}.") from None
        answers = [(family, sockaddr) for family, _type, _proto, _name, sockaddr in infos]
    if time.monotonic() >= deadline:
        raise FetchError(timed_out())
    if not answers:
        raise FetchError(f"could not find the host {target.host}.")
    for _family, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if reason := refusal_of(address):
            raise FetchError(f"refused: address {address} is {reason}")
    return answers[0]


def timed_out() -> str:
    return f"timed out: the page did not arrive within {settings.URL_IMPORT_TIMEOUT:g} seconds."


class PinnedConnectionMixin:
    """An urllib3 connection that connects to the address checked beforehand instead of resolving
    its host name again; the name still gives the Host header, the TLS server name (SNI) and the
    name the certificate must match."""

    pinned: tuple  # (family, sockaddr) from ``resolve``
    opened: list  # the sockets opened, for the deadline's watchdog

    def _new_conn(self) -> socket.socket:
        family, sockaddr = self.pinned
        sock = socket.socket(family, socket.SOCK_STREAM)
        self.opened.append(sock)
        sock.settimeout(self.timeout)
        try:
            sock.connect(sockaddr)
            # The address the socket is connected to, checked once more: the one the request goes to.
            peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
            if reason := refusal_of(peer):
                raise FetchError(f"refused: address {peer} is {reason}")
        except BaseException:
            sock.close()
            raise
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


class PinnedHTTPConnection(PinnedConnectionMixin, HTTPConnection):
    pass


class PinnedHTTPSConnection(PinnedConnectionMixin, HTTPSConnection):
    pass


class Watchdog:
    """Shuts the fetch's sockets down when the deadline passes, so that no read outlives it."""

    def __init__(self, deadline: float):
        self.sockets: list[socket.socket] = []
        self.fired = False
        self.timer = threading.Timer(max(deadline - time.monotonic(), 0), self.fire)
        self.timer.daemon = True

    def fire(self) -> None:
        self.fired = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc_info):
        self.timer.cancel()


def fetch_once(url: str, deadline: float, *, asked: str) -> tuple[str | None, Page | None]:
    """One request: ``(location, None)`` for a redirect, ``(None, page)`` for the page."""
    target = target_of(url)
    pinned = resolve(target, deadline)
    remaining = deadline - time.monotonic()
    if target.scheme == "https":
        connection = PinnedHTTPSConnection(
            target.host, target.port, timeout=remaining, ssl_context=ssl.create_default_context()
        )
    else:
        connection = PinnedHTTPConnection(target.host, target.port, timeout=remaining)
    connection.pinned = pinned
    with Watchdog(deadline) as watchdog:
        connection.opened = watchdog.sockets
        try:
            return exchange(connection, target, url, asked, deadline)
        except FetchError:
            raise
        except (OSError, HTTPException, urllib3.exceptions.HTTPError, ValueError) as error:
            if watchdog.fired or time.monotonic() >= deadline or isinstance(error, TimeoutError):
                raise FetchError(timed_out()) from None
            raise FetchError(f"could not fetch the page from {target.host}: {reason_of(error)}") from None
        finally:
            connection.close()


def exchange(connection, target: Target, url: str, asked: str, deadline: float):
    connection.request(
        "GET",
        target.path,
        headers={
            "Host": target.host_header,
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        },
        preload_content=False,
    )
    response = connection.getresponse()
    if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
        return response.headers["Location"], None
    if not 200 <= response.status < 300:
        raise FetchError(f"the server answered {response.status} {response.reason or ''}".rstrip() + ".")
    content_type, charset = media_type_of(response.headers.get("Content-Type"))
    if content_type not in HTML_TYPES:
        raise FetchError(f"not HTML: {content_type or 'the server named no content type'}")
    limit = settings.URL_IMPORT_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(too_large(limit))
    body = bytearray()
    while chunk := response.read1(CHUNK):
        body += chunk
        if len(body) > limit:
            raise FetchError(too_large(limit))
        if time.monotonic() >= deadline:
            raise FetchError(timed_out())
    if time.monotonic() >= deadline:
        raise FetchError(timed_out())
    return None, Page(url=asked, final_url=url, content_type=content_type, charset=charset, body=bytes(body))


def media_type_of(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    message = Message()
    message["Content-Type"] = header
    charset = message.get_param("charset")
    return header.split(";", 1)[0].strip().lower(), charset if isinstance(charset, str) else None


def too_large(limit: int) -> str:
    size = f"{limit / 1024 / 1024:g} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return f"too large: the page is larger than {size}."


def reason_of(error: Exception) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"its certificate is not valid ({error.verify_message})."
    text = str(error) or type(error).__name__
    return text if text.endswith(".") else text + "."
