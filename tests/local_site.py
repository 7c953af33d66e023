"""A web site on 127.0.0.1 for the tests that fetch pages: no test reaches the internet.

``LocalSite`` serves routes registered with ``route`` from a thread, and records each request's
path and Host header, so a test can tell whether the server was reached at all.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts
    drip: float | None = None  # seconds between the body's bytes, sent one at a time
    content_type: str | None = "text/html; charset=utf-8"
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


class LocalSite:
    def __init__(self, tls=None):
        """``tls``: an ``ssl.SSLContext`` holding the server's certificate, to serve https."""
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str]] = []  # (path, Host header)
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append((self.path, self.headers.get("Host", "")))
                route = site.routes.get(self.path.split("?", 1)[0], Route(status=404, body=b"not here"))
                time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    if route.content_type:
                        self.send_header("Content-Type", route.content_type)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if route.send_length and "Content-Length" not in route.headers:
                        self.send_header("Content-Length", str(len(route.body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    if route.drip is None:
                        self.wfile.write(route.body)
                        return
                    for byte in route.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def route(self, path: str, **route) -> str:
        """Serve ``path`` as ``Route(**route)`` describes; answers its full address."""
        self.routes[path] = Route(**route)
        return self.url(path)

    def page(self, path: str, html: str, **route) -> str:
        return self.route(path, body=html.encode(), **route)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.route(path, status=status, headers={"Location": location}, content_type=None)

    @property
    def paths(self) -> list[str]:
        return [path for path, _host in self.requests]


def article_html(*, title: str, paragraphs: list[str], author: str = "", site_name: str = "", **extra) -> str:
    """A news page as sites publish them: navigation and footer around an <article>, metadata in
    the head."""
    meta = [f'<meta property="og:title" content="{title}">']
    if author:
        meta.append(f'<meta name="author" content="{author}">')
    if site_name:
        meta.append(f'<meta property="og:site_name" content="{site_name}">')
    if date := extra.get("date"):
        meta.append(f'<meta property="article:published_time" content="{date}">')
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<!doctype html><html lang="{extra.get("lang", "en")}"><head><meta charset="utf-8">'
        f"<title>{title} | {site_name or 'News'}</title>{''.join(meta)}</head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer><p>Copyright the publisher. All rights reserved.</p></footer></body></html>"
    )
