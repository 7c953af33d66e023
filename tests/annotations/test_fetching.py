"""Fetching a page for a URL import: only public http(s) addresses, checked on the address actually
connected to and after every redirect, within a size and a time limit, HTML only.

Every page is served by a local server on 127.0.0.1 (``tests.local_site``); the tests that need
it switch ``URL_IMPORT_ALLOW_LOOPBACK`` on, the others prove the refusals with it off. Name
resolution and connections elsewhere are replaced at the socket layer, so nothing leaves the
machine.
"""

import ipaddress
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from annotations.fetching import FetchError, fetch_page, refusal_of
from tests.local_site import LocalSite

PUBLIC_ADDRESS = "1.1.1.1"
PAGE = "<!doctype html><html><body><p>The river rose 3.2 metres overnight.</p></body></html>"


@pytest.fixture
def site(settings):
    settings.URL_IMPORT_ALLOW_LOOPBACK = True
    with LocalSite() as local:
        yield local


@pytest.fixture
def resolve_to(monkeypatch):
    """Make ``socket.getaddrinfo`` answer ``addresses`` (in turn, the last one repeating) for every
    name; answers the list of names it was asked."""
    asked = []

    def install(*addresses):
        def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
            asked.append(host)
            address = addresses[min(len(asked), len(addresses)) - 1]
            if ":" in address:
                return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        return asked

    return install


@pytest.fixture
def connections(monkeypatch):
    """Record every address a socket connects to, and refuse all but 127.0.0.1, so that a test
    that gets past the checks still cannot reach the internet."""
    seen = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        seen.append(address[0])
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError("the tests reach no address off this machine")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


def refusal(url: str) -> str:
    with pytest.raises(FetchError) as raised:
        fetch_page(url)
    return str(raised.value)


def test_a_page_of_an_allowed_server_is_fetched_with_its_type_and_charset(site):
    """The page comes back with its body, media type and charset."""
    url = site.page("/news/flood", PAGE, content_type="text/html; charset=ISO-8859-1")
    page = fetch_page(url)
    assert (page.url, page.final_url, page.content_type, page.charset) == (
        url,
        url,
        "text/html",
        "ISO-8859-1",
    )
    assert page.body == PAGE.encode()
    assert site.paths == ["/news/flood"]


def test_loopback_is_refused_while_the_setting_is_off(site, settings):
    """With URL_IMPORT_ALLOW_LOOPBACK off (the default) 127.0.0.1 is refused, and the server running
    there is never reached."""
    settings.URL_IMPORT_ALLOW_LOOPBACK = False
    url = site.page("/admin", PAGE)
    assert refusal(url) == "refused: address 127.0.0.1 is loopback"
    assert refusal(site.url("/admin", host="localhost")).startswith("refused: address ")
    assert site.requests == []


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "refused: address 127.0.0.1 is loopback"),
        ("127.8.9.10", "refused: address 127.8.9.10 is loopback"),
        ("[::1]", "refused: address ::1 is loopback"),
        ("10.0.0.1", "refused: address 10.0.0.1 is private"),
        ("10.255.255.254", "refused: address 10.255.255.254 is private"),
        ("172.16.0.1", "refused: address 172.16.0.1 is private"),
        ("172.31.255.254", "refused: address 172.31.255.254 is private"),
        ("192.168.1.1", "refused: address 192.168.1.1 is private"),
        ("169.254.169.254", "refused: address 169.254.169.254 is link-local"),
        ("0.0.0.0", "refused: address 0.0.0.0 is unspecified"),
        ("[::]", "refused: address :: is unspecified"),
        ("224.0.0.1", "refused: address 224.0.0.1 is multicast"),
        ("239.255.255.250", "refused: address 239.255.255.250 is multicast"),
        ("[ff02::1]", "refused: address ff02::1 is multicast"),
        ("[::ffff:127.0.0.1]", "refused: address ::ffff:127.0.0.1 is loopback (it stands for 127.0.0.1)"),
        ("[::ffff:10.0.0.1]", "refused: address ::ffff:10.0.0.1 is private (it stands for 10.0.0.1)"),
        ("[::127.0.0.1]", "refused: address ::7f00:1 is loopback (it stands for 127.0.0.1)"),
        ("[2002:7f00:1::]", "refused: address 2002:7f00:1:: is loopback (it stands for 127.0.0.1)"),
        (
            "[64:ff9b::a9fe:a9fe]",
            "refused: address 64:ff9b::a9fe:a9fe is link-local (it stands for 169.254.169.254)",
        ),
        ("[fc00::1]", "refused: address fc00::1 is private"),
        ("[fd12:3456::1]", "refused: address fd12:3456::1 is private"),
        ("[fe80::1]", "refused: address fe80::1 is link-local"),
        ("[fec0::1]", "refused: address fec0::1 is site-local"),
        ("240.0.0.1", "refused: address 240.0.0.1 is reserved"),
        ("255.255.255.255", "refused: address 255.255.255.255 is reserved"),
        ("100.64.0.1", "refused: address 100.64.0.1 is not a public address"),
        # Spellings of 127.0.0.1 that the resolver accepts.
        ("2130706433", "refused: address 127.0.0.1 is loopback"),
        ("0x7f.1", "refused: address 127.0.0.1 is loopback"),
    ],
)
def test_every_address_that_is_not_public_is_refused_with_its_reason(
    site, settings, connections, host, reason
):
    """Loopback (the setting off), private, link-local (the cloud metadata address among them),
    unspecified, multicast, reserved and shared addresses, IPv4 and IPv6, and IPv6 forms that stand
    for an IPv4 address, are refused before any connection."""
    settings.URL_IMPORT_ALLOW_LOOPBACK = False
    assert refusal(f"http://{host}:{site.port}/latest/meta-data/") == reason
    assert connections == []
    assert site.requests == []


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "169.254.169.254", "fd00::5", "::1"])
def test_a_host_name_that_resolves_to_a_refused_address_is_refused(resolve_to, connections, address):
    """The check is on what the name resolves to, not on the name."""
    resolve_to(address)
    assert refusal("https://intranet.example.com/") == f"refused: address {address} is " + refusal_of(
        ipaddress.ip_address(address)
    )
    assert connections == []


def test_a_name_with_one_refused_address_among_public_ones_is_refused(monkeypatch, connections):
    """Every address a name resolves to must be public, whichever one would be tried first."""

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_ADDRESS, port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert refusal("http://mixed.example.com/") == "refused: address 10.0.0.7 is private"
    assert connections == []


def test_dns_rebinding_cannot_reach_the_local_server(site, settings, resolve_to, connections):
    """The name resolves to a public address when checked and to 127.0.0.1 on any later lookup:
    it is resolved once, and the connection goes to the address that was checked, so the local
    server is never reached."""
    settings.URL_IMPORT_ALLOW_LOOPBACK = False
    site.page("/secret", PAGE)
    asked = resolve_to(PUBLIC_ADDRESS, "127.0.0.1")
    message = refusal(f"http://rebinding.example.com:{site.port}/secret")
    assert message.startswith("could not fetch the page from rebinding.example.com")
    assert asked == ["rebinding.example.com"]
    assert connections == [PUBLIC_ADDRESS]
    assert site.requests == []


def test_the_connection_to_the_checked_address_carries_the_host_name(site, resolve_to, connections):
    """The request reaches the checked address with the name in its Host header."""
    site.page("/a", PAGE)
    resolve_to("127.0.0.1")
    page = fetch_page(f"http://news.example.com:{site.port}/a")
    assert page.body == PAGE.encode()
    assert site.requests == [("/a", f"news.example.com:{site.port}")]
    assert connections == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "refused: address 169.254.169.254 is link-local"),
        ("http://10.0.0.1:8080/admin", "refused: address 10.0.0.1 is private"),
        ("http://[fe80::1]/", "refused: address fe80::1 is link-local"),
        ("file:///etc/passwd", "refused: only http and https addresses are fetched, not file:"),
        ("ftp://files.example.com/a.html", "refused: only http and https addresses are fetched, not ftp:"),
    ],
)
def test_a_redirect_from_an_allowed_server_to_a_refused_address_is_refused(
    site, connections, location, reason
):
    """Each redirect's target is checked as the first address was."""
    url = site.redirect("/moved", location)
    assert refusal(url) == reason
    assert site.paths == ["/moved"]
    assert connections == ["127.0.0.1"]


def test_a_redirect_that_rebinds_the_name_to_a_refused_address_is_refused(site, resolve_to, connections):
    """A redirect to the same name is resolved and checked again: its new answer is refused."""
    site.redirect("/start", f"http://news.example.com:{site.port}/next")
    resolve_to("127.0.0.1", "10.9.8.7")
    assert refusal(f"http://news.example.com:{site.port}/start") == "refused: address 10.9.8.7 is private"
    assert site.paths == ["/start"]


def test_five_redirects_are_followed(site):
    """Relative and absolute redirects are followed, up to five; the page tells where it ended."""
    for hop in range(5):
        site.redirect(
            f"/r{hop}", f"/r{hop + 1}" if hop % 2 else site.url(f"/r{hop + 1}"), status=301 + hop % 3
        )
    final = site.page("/r5", PAGE)
    page = fetch_page(site.url("/r0"))
    assert (page.url, page.final_url) == (site.url("/r0"), final)
    assert site.paths == [f"/r{hop}" for hop in range(6)]


def test_more_than_five_redirects_are_refused(site):
    """A sixth redirect is not followed."""
    for hop in range(6):
        site.redirect(f"/r{hop}", f"/r{hop + 1}")
    site.page("/r6", PAGE)
    assert refusal(site.url("/r0")) == "too many redirects: the page redirected more than 5 times."
    assert "/r6" not in site.paths


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "ftp://files.example.com/article.html",
            "refused: only http and https addresses are fetched, not ftp:",
        ),
        ("file:///etc/passwd", "refused: only http and https addresses are fetched, not file:"),
        ("gopher://127.0.0.1:70/", "refused: only http and https addresses are fetched, not gopher:"),
        (
            "//example.com/a",
            "refused: only http and https addresses are fetched, not an address without a scheme",
        ),
        ("http:///path-only", "refused: the address names no host."),
        (
            "http://user:secret@example.com/",
            "refused: an address with a user name or password is not fetched.",
        ),
        ("http://example.com:99999/", "refused: 'http://example.com:99999/' is not a valid address."),
    ],
)
def test_addresses_other_than_http_and_https_are_refused(connections, url, reason):
    """Other schemes, addresses without a host and addresses with credentials are not fetched."""
    assert refusal(url) == reason
    assert connections == []


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        ("image/png", "not HTML: image/png"),
        ("application/pdf", "not HTML: application/pdf"),
        ("application/json; charset=utf-8", "not HTML: application/json"),
        ("text/plain", "not HTML: text/plain"),
        (None, "not HTML: the server named no content type"),
    ],
)
def test_an_answer_that_is_not_html_is_refused(site, content_type, reason):
    """Only text/html and application/xhtml+xml are read."""
    url = site.route("/file", body=b"\x89PNG\r\n\x1a\n", content_type=content_type)
    assert refusal(url) == reason


def test_xhtml_is_accepted(site):
    url = site.page("/page.xhtml", PAGE, content_type="application/xhtml+xml")
    assert fetch_page(url).content_type == "application/xhtml+xml"


def test_an_error_answer_is_refused_with_its_status(site):
    """A 404 (or any answer other than 2xx) says what the server answered."""
    assert refusal(site.url("/missing")) == "the server answered 404 Not Found."


def test_a_body_over_the_default_five_megabytes_is_refused(site):
    """The default cap is 5 MB of body; one byte more is too large, declared or not."""
    limit = 5 * 1024 * 1024
    body = b"<p>" + b"a" * (limit - 7) + b"</p>"
    assert len(body) == limit
    assert fetch_page(site.route("/exact", body=body)).body == body
    too_big = body + b"!"
    assert refusal(site.route("/declared", body=too_big)) == "too large: the page is larger than 5 MB."
    assert refusal(site.route("/streamed", body=too_big, send_length=False)).startswith("too large")


def test_the_size_cap_is_a_setting_and_holds_without_a_declared_length(site, settings):
    settings.URL_IMPORT_MAX_BYTES = 1000
    assert refusal(site.route("/big", body=b"x" * 1001, send_length=False)) == (
        "too large: the page is larger than 1,000 bytes."
    )
    assert len(fetch_page(site.route("/fits", body=b"x" * 1000, send_length=False)).body) == 1000


def test_a_gzipped_body_is_capped_by_its_decoded_size(site, settings):
    """A small compressed body that inflates past the cap is too large (a compression bomb)."""
    import gzip

    settings.URL_IMPORT_MAX_BYTES = 100_000
    bomb = gzip.compress(b"<p>" + b"a" * 10_000_000)
    assert len(bomb) < 100_000
    url = site.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    assert refusal(url) == "too large: the page is larger than 100,000 bytes."


def test_a_server_that_answers_too_slowly_times_out(site, settings):
    """The time limit is a setting; a server that waits past it is given up on at the limit."""
    settings.URL_IMPORT_TIMEOUT = 0.5
    url = site.page("/slow", PAGE, delay=3)
    started = time.monotonic()
    assert refusal(url) == "timed out: the page did not arrive within 0.5 seconds."
    assert time.monotonic() - started < 2


def test_a_server_dripping_its_body_times_out_at_the_total_limit(site, settings):
    """Each byte arrives well within the limit, but the whole page does not: the limit is on the
    whole fetch, not on each read."""
    settings.URL_IMPORT_TIMEOUT = 0.6
    url = site.page("/drip", "<p>" + "a" * 60 + "</p>", drip=0.05)
    started = time.monotonic()
    assert refusal(url) == "timed out: the page did not arrive within 0.6 seconds."
    assert time.monotonic() - started < 2


def test_the_time_limit_covers_the_redirects_together(site, settings):
    settings.URL_IMPORT_TIMEOUT = 0.8
    for hop in range(4):
        site.route(f"/r{hop}", status=302, headers={"Location": f"/r{hop + 1}"}, content_type=None, delay=0.3)
    site.page("/r4", PAGE)
    assert refusal(site.url("/r0")).startswith("timed out")


# https: the name checked by the certificate is the host name, while the connection goes to the
# address checked beforehand.


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and a certificate it signed for news.example.com (made with the openssl tool)."""
    if shutil.which("openssl") is None:
        pytest.skip("the https tests make their certificates with the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=folder)  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=news.example.com",
            "-keyout", "site.key", "-out", "site.csr", cwd=folder)  # fmt: skip
    (folder / "site.ext").write_text("subjectAltName=DNS:news.example.com\n")
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "site.ext", "-out", "site.pem", cwd=folder)  # fmt: skip
    return folder


@pytest.fixture
def tls_site(settings, certificates):
    settings.URL_IMPORT_ALLOW_LOOPBACK = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "site.pem", certificates / "site.key")
    with LocalSite(tls=context) as local:
        yield local


def test_an_https_page_is_fetched_from_the_checked_address_under_its_name(
    tls_site, certificates, resolve_to, connections, monkeypatch
):
    """The TLS handshake names news.example.com (SNI) and its certificate must match that name,
    though the connection goes to the address it resolved to."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    tls_site.page("/a", PAGE)
    resolve_to("127.0.0.1")
    page = fetch_page(f"https://news.example.com:{tls_site.port}/a")
    assert page.body == PAGE.encode()
    assert tls_site.requests == [("/a", f"news.example.com:{tls_site.port}")]
    assert connections == ["127.0.0.1"]


def test_an_https_certificate_for_another_name_is_refused(tls_site, certificates, resolve_to, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    tls_site.page("/a", PAGE)
    resolve_to("127.0.0.1")
    message = refusal(f"https://other.example.com:{tls_site.port}/a")
    assert message.startswith("could not fetch the page from other.example.com: its certificate is not valid")
    assert tls_site.requests == []


def test_an_https_certificate_from_an_unknown_authority_is_refused(tls_site, resolve_to):
    tls_site.page("/a", PAGE)
    resolve_to("127.0.0.1")
    message = refusal(f"https://news.example.com:{tls_site.port}/a")
    assert message.startswith("could not fetch the page from news.example.com: its certificate is not valid")
    assert tls_site.requests == []
