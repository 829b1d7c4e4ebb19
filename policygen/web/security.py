"""The server's guard: every request is checked here before a route sees it.

* **Host header**: only the names the server was started for (a page on another site
  that rebinds its DNS name to 127.0.0.1 sends its own name, and is refused).
* **Access token**: the address printed at start carries ``?token=...``; the first visit
  moves it into an HttpOnly, SameSite=Strict cookie and redirects to the address
  without it. With ``--password`` the way in is the sign-in form instead.
* **CSRF**: every POST carries the session's CSRF token (a hidden form field, or the
  ``X-CSRF-Token`` header htmx sends); a POST from another origin is refused.
* **Body size**: a request body over :data:`MAX_BODY` is refused with 413: at once when its
  Content-Length says so, else when reading passes the limit (:class:`BodyTooLarge`).
* **Headers**: a strict Content-Security-Policy (scripts and styles from this server's
  own files only, no inline script or style, no frames), no caching, no referrer to other sites
  (and "same-origin", not "no-referrer": with that, browsers send `Origin: null` on our own forms).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from msgspec import Struct, field

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "policygen_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MAX_BODY = 1024 * 1024
LOGIN_PATH = "/login"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = (("content-security-policy", CSP), ("x-content-type-options", "nosniff"),
           ("referrer-policy", "same-origin"), ("x-frame-options", "DENY"), ("cache-control", "no-store"),
           ("cross-origin-opener-policy", "same-origin"), ("cross-origin-resource-policy", "same-origin"))
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach."""
    return host in ("127.0.0.1", "localhost", "::1", "[::1]") or host.startswith("127.")


class Guard(Struct, frozen=True):
    """The secrets and names of one server run."""

    port: int
    host: str = "127.0.0.1"
    password: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host header values accepted: the loopback names, and the --host name, with the port."""
        names = {*LOOPBACK_NAMES, f"[{self.host}]" if ":" in self.host else self.host}
        return frozenset(f"{name}:{self.port}".lower() for name in names)

    def url(self, host: str | None = None) -> str:
        """The address to open; it carries the token unless a password is the way in."""
        name = host or (self.host if self.host not in ("0.0.0.0", "::") else "127.0.0.1")
        name = f"[{name}]" if ":" in name else name
        base = f"http://{name}:{self.port}/"
        return base + (LOGIN_PATH.lstrip("/") if self.password else f"?token={self.token}")

    def password_matches(self, given: str) -> bool:
        """Constant-time comparison with the --password."""
        return self.password is not None and secrets.compare_digest(given.encode(), self.password.encode())

    def csrf_matches(self, given: str | None) -> bool:
        """Constant-time comparison with the session's CSRF token."""
        return given is not None and secrets.compare_digest(given.encode(), self.csrf.encode())

    def session_cookie(self, secure: bool) -> str:
        """The Set-Cookie value that lets this browser in."""
        return (f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                + ("; Secure" if secure else ""))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _plain(send: Send, status: int, text: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
    body = text.encode("utf-8")
    headers = [(k.encode(), v.encode()) for k, v in (*HEADERS, *extra,
                                                     ("content-type", "text/plain; charset=utf-8"),
                                                     ("content-length", str(len(body))))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """A request body went past :data:`MAX_BODY` while it was read (the app answers 413)."""


class GuardMiddleware:
    """ASGI middleware applying :class:`Guard` to every HTTP request."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        guard = self.guard
        host = (_header(scope, b"host") or "").lower()
        if host not in guard.allowed_hosts:
            await _plain(send, 400, "This address is not served here (unexpected Host header).")
            return
        if scope["method"] == "POST":
            origin = _header(scope, b"origin")
            if origin is not None and urlsplit(origin).netloc.lower() not in guard.allowed_hosts:
                await _plain(send, 403, "Refused: the form was sent from another site.")
                return
            length = _header(scope, b"content-length")
            if length is not None and length.isdigit() and int(length) > MAX_BODY:
                await _plain(send, 413, f"Refused: more than {MAX_BODY // 1024} KB sent.")
                return
        signed_in = self._has_cookie(scope)
        if not signed_in:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            given = query.get("token")
            if given is not None and guard.password is None and \
                    secrets.compare_digest(given.encode(), guard.token.encode()):
                rest = urlencode({k: v for k, v in query.items() if k != "token"})
                location = scope["path"] + (f"?{rest}" if rest else "")
                await _plain(send, 303, "Signed in.", (("location", location),
                                                        ("set-cookie", guard.session_cookie(self._https(scope)))))
                return
            if not (guard.password is not None and scope["path"] == LOGIN_PATH):
                if guard.password is not None:
                    await _plain(send, 303, "Sign in first.", (("location", LOGIN_PATH),))
                else:
                    await _plain(send, 403, "Open the address that `policygen serve` printed: it carries "
                                            "the access token.")
                return
        scope.setdefault("state", {})["signed_in"] = signed_in
        await self.app(scope, self._limited(receive), self._with_headers(send))

    def _has_cookie(self, scope: Scope) -> bool:
        raw = _header(scope, b"cookie")
        if not raw:
            return False
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(raw)
        except Exception:  # a malformed cookie header is just no cookie
            return False
        morsel = cookie.get(COOKIE)
        return morsel is not None and secrets.compare_digest(morsel.value.encode(), self.guard.token.encode())

    @staticmethod
    def _https(scope: Scope) -> bool:
        return scope.get("scheme") == "https" or _header(scope, b"x-forwarded-proto") == "https"

    @staticmethod
    def _limited(receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise BodyTooLarge
            return message

        return limited

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((k.encode(), v.encode()) for k, v in HEADERS if k.encode() not in present)]
            await send(message)

        return with_headers
