"""The one gate every request passes, REST and Gradio alike: host, origin, rate, size, token and file checks.

It is plain ASGI, wrapped around the whole app, so that Gradio's routes (mounted sub-applications with
their own middleware and CORS rules) get exactly the same treatment as the REST API, and so that the
admin token and size limits are checked before a single byte of a request body is read.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ui.limits import ClientAddresses, RateLimiter

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

GRADIO_API = "/gradio_api/"
LIMITED_API = ("/api/ask", "/api/search")
ADMIN_ROUTES = ("/api/reports",)
UPLOAD_OVERHEAD = 1024 * 1024
"""Room for multipart boundaries and headers around the uploaded files themselves."""
MAX_UPLOAD_FILES = 20
STAFF_ONLY_PAGES = ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect")
# Response headers a mounted Gradio app may set for a foreign origin; only this gate decides about CORS.
CORS_HEADERS = (b"access-control-allow-origin", b"access-control-allow-credentials",
                b"access-control-allow-methods", b"access-control-allow-headers", b"access-control-expose-headers")


@dataclass(frozen=True)
class GuardPolicy:
    allowed_hosts: frozenset[str]
    allowed_origins: frozenset[str]
    admin_token: str | None
    max_body_bytes: int
    max_upload_bytes: int
    body_timeout_seconds: float


class RequestTooLarge(Exception):
    """Raised from `receive` when a streamed body passes its limit."""


class Guard:
    def __init__(self, app: ASGIApp, policy: GuardPolicy, limiter: RateLimiter, addresses: ClientAddresses) -> None:
        self.app = app
        self.policy = policy
        self.limiter = limiter
        self.addresses = addresses
        # The staff workspace and the API documentation are never framed by other sites; the chat may be.
        self._frames = " ".join(["'self'", *sorted(policy.allowed_origins)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = _Request(scope)
        refusal = self._refusal(request)
        if refusal:
            await _respond(send, *refusal)
            return
        receive = _bounded(receive, self._body_limit(request), self.policy.body_timeout_seconds)
        app_send = send
        try:
            if request.is_gradio_api and request.method == "POST":
                body = await _read_body(receive)
                if _carries_files(body):
                    await _respond(send, 400, "此处不接受文件 / files are not accepted here")
                    return
                receive = _replay(body)
            frames = "'self'" if request.is_staff or request.path in STAFF_ONLY_PAGES else self._frames
            app_send = _with_headers(send, request, frames)
            if request.is_gradio_api:
                app_send = _gradio_failures_as_refusals(app_send)
            await self.app(scope, receive, app_send)
        except (RequestTooLarge, TimeoutError) as refused:
            if not getattr(app_send, "started", False):  # otherwise the answer is under way: the connection just ends
                status, why = (413, "请求内容过大 / request too large") if isinstance(refused, RequestTooLarge) \
                    else (408, "请求发送太慢 / request body too slow")
                await _respond(send, status, why)

    def _refusal(self, request: _Request) -> tuple[int, str, dict[str, str]] | None:
        if request.hostname not in self.policy.allowed_hosts:
            return 400, "主机名不在允许列表中 / host not allowed", {}
        if request.cross_site and not (request.is_api and request.origin in self.policy.allowed_origins):
            return 403, f"来源 {request.origin} 不在允许的网站列表中 / origin not allowed", {}
        if request.cross_site and request.method == "OPTIONS":
            return 204, "", _cors(request.origin)
        if request.is_gradio_api and _closed_gradio_route(request.path.split(GRADIO_API, 1)[1]):
            return 404, "没有这个地址 / not found", {}
        if request.is_admin and not self._admin(request):
            return 401, "需要管理员令牌 / admin token required", {}
        if request.declared_length is not None and request.declared_length > self._body_limit(request):
            return 413, "请求内容过大 / request too large", {}
        if self._limited(request):
            client = self.addresses.client(request.peer, request.header("x-forwarded-for"))
            if not self.limiter.allow(client):
                return 429, "提问太频繁，请稍后再试 / too many requests", {"Retry-After": "60"}
        return None

    def _limited(self, request: _Request) -> bool:
        return request.path in LIMITED_API or (request.is_gradio_api and request.method == "POST")

    def _admin(self, request: _Request) -> bool:
        token = self.policy.admin_token
        offered = request.header("authorization").removeprefix("Bearer ").strip()
        return bool(token) and secrets.compare_digest(offered.encode(), token.encode())

    def _body_limit(self, request: _Request) -> int:
        if request.is_admin and request.method == "POST":
            return self.policy.max_upload_bytes * MAX_UPLOAD_FILES + UPLOAD_OVERHEAD
        return self.policy.max_body_bytes


class _Request:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.path: str = scope["path"]
        self.method: str = scope["method"]
        self._headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        self.host = self.header("host")
        self.hostname = _hostname(self.host)
        self.origin = self.header("origin").rstrip("/")
        self.cross_site = bool(self.origin) and self.origin != f"{scope.get('scheme', 'http')}://{self.host}"
        self.is_api = self.path.startswith("/api/")
        self.is_gradio_api = GRADIO_API in self.path
        self.is_admin = self.path.startswith(ADMIN_ROUTES) and self.method in ("POST", "DELETE")
        self.is_staff = self.path == "/staff" or self.path.startswith("/staff/")
        self.peer = scope["client"][0] if scope.get("client") else None
        length = self.header("content-length")
        self.declared_length = int(length) if length.isdigit() else None

    def header(self, name: str) -> str:
        return self._headers.get(name, "")


def _hostname(host: str) -> str:
    try:
        return urlsplit(f"//{host}").hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


def _closed_gradio_route(route: str) -> bool:
    """Gradio routes no page of ours uses: uploads (files reach us only through the token-checked REST API),
    proxying, component servers, run history, reloading; and file routes asked to fetch or redirect to
    another site."""
    if route.startswith(("upload", "proxy=", "component_server", "run-history", "dev/")):
        return True
    if route.startswith(("file=", "file/")):
        target = route[5:].lower()
        return "://" in target or ":/" in target or target.startswith(("//", "\\", "data:", "javascript:"))
    return False


def _carries_files(body: bytes) -> bool:
    """Whether a Gradio payload names a file (Gradio's FileData: an object with a path or url)."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # RecursionError: a body of nothing but nested brackets
        return True  # not the JSON Gradio's own pages send: refuse rather than let Gradio guess
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "path" in item or "url" in item or item.get("_type") == "gradio.FileData":
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] == "http.disconnect" or not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _bounded(receive: Receive, limit: int, timeout: float) -> Receive:
    """`receive` that refuses a body past `limit` bytes, and a body that stalls for `timeout` seconds.

    Once the body is complete, later calls (an app waiting for the client to disconnect during a long
    streamed answer) are passed through untimed.
    """
    size, complete = 0, False

    async def bounded() -> Message:
        nonlocal size, complete
        if complete:
            return await receive()
        message = await asyncio.wait_for(receive(), timeout)
        size += len(message.get("body", b""))
        if size > limit:
            raise RequestTooLarge
        complete = message["type"] != "http.request" or not message.get("more_body")
        return message

    return bounded


def _with_headers(send: Send, request: _Request, frames: str) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            send_with_headers.started = True
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in CORS_HEADERS]
            extra = {
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin",
                "Content-Security-Policy": f"frame-ancestors {frames}",
                **(_cors(request.origin) if request.cross_site and request.is_api else {}),
            }
            headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
            message = {**message, "headers": headers}
        await send(message)

    return send_with_headers


def _gradio_failures_as_refusals(send: Send) -> Send:
    """Gradio answers 500 to every request its functions fail on, malformed input included (too few values,
    a value of the wrong type). Those are the caller's errors: answer 422 and say nothing of the inside.
    The failure itself is still logged by Gradio."""
    failed = False

    async def send_refusal(message: Message) -> None:
        nonlocal failed
        if message["type"] == "http.response.start":
            send_refusal.started = True
        if message["type"] == "http.response.start" and message["status"] >= 500:
            failed = True
            return
        if failed:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                await _respond(send, 422, "无法处理这个请求 / the request cannot be processed")
            return
        await send(message)

    return send_refusal


def _cors(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization", "Vary": "Origin"}


async def _respond(send: Send, status: int, error: str, headers: dict[str, str] | None = None) -> None:
    body = b"" if status == 204 else json.dumps({"error": error}, ensure_ascii=False).encode()
    raw_headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                   (b"x-content-type-options", b"nosniff")]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
