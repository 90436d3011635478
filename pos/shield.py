"""The log-in shield of ``pos serve``: floods of log-in tries are refused in the event loop.

The app already refuses too many tries (Flask-Limiter, 429) and checks hashes outside the write
lock, but every refusal still costs a request thread and a trip through Flask, and a hash check
costs a core for ~50 ms. Measured, a 16-thread flood of anonymous log-ins still tripled a sale's
latency. This layer, in front of the WSGI app, makes a flood nearly free:

- at most ``IN_FLIGHT`` log-in requests per process are inside the app at once; the others wait
  in the event loop (a coroutine each, no thread), so request threads stay free for sales;
- an address the app answered 429 is answered 429 here, without the app, until its
  ``Retry-After`` has passed;
- refusals (401, 423, 429) are sent after a pause, held in the event loop, so a client that
  tries again as soon as it is answered tries a few times a second instead of hundreds.

Only ``POST /api/login`` and ``POST /login`` pass through it; everything else goes straight on.
"""

from __future__ import annotations

import asyncio
import json
import time

LOGIN_PATHS = frozenset({"/api/login", "/login"})
#: log-in requests per process inside the app at once
IN_FLIGHT = 1
#: log-in requests waiting for their turn; beyond this a try is refused at once
MAX_WAITING = 32
#: seconds a refused try waits for its answer
REFUSAL_PAUSE = {401: 0.5, 423: 1.0, 429: 1.0}
#: a log-in body is a name and a secret
MAX_LOGIN_BODY = 64 * 1024
#: addresses remembered as refused (bounded: the oldest are forgotten first)
MAX_REMEMBERED = 4096


class LoginShield:
    """ASGI-style wrapper (hypercorn's app signature) around the wrapped WSGI app."""

    def __init__(self, app) -> None:
        self.app = app
        self._turn: asyncio.Semaphore | None = None
        self._waiting = 0
        #: address -> monotonic time until which it is refused here
        self._refused: dict[str, float] = {}

    async def __call__(self, scope, receive, send, sync_spawn, call_soon) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in LOGIN_PATHS:
            return await self.app(scope, receive, send, sync_spawn, call_soon)
        address = (scope.get("client") or ("", 0))[0]
        now = time.monotonic()
        until = self._refused.get(address, 0.0)
        if until > now or self._waiting >= MAX_WAITING:
            retry = max(1, int(until - now) + 1) if until > now else 1
            await asyncio.sleep(REFUSAL_PAUSE[429])
            return await _too_many(send, retry, html=scope["path"] == "/login")
        # the whole body first, outside the queue: a client trickling its body must not hold
        # the turn of the log-ins behind it
        received, size = [], 0
        while True:
            message = await receive()
            received.append(message)
            size += len(message.get("body", b""))
            if size > MAX_LOGIN_BODY:
                return await refuse(send, 413, "too_large", "보낸 내용이 너무 큽니다")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        replay = iter(received)

        async def receive_again() -> dict:
            return next(replay, None) or await receive()

        if self._turn is None:
            self._turn = asyncio.Semaphore(IN_FLIGHT)
        messages: list[dict] = []

        async def keep(message: dict) -> None:
            messages.append(message)

        self._waiting += 1
        entered = False
        try:
            async with self._turn:
                self._waiting -= 1
                entered = True
                await self.app(scope, receive_again, keep, sync_spawn, call_soon)
        finally:
            if not entered:
                self._waiting -= 1
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        status = start["status"] if start else 500
        if status == 429 and _header(start, b"x-limit-scope") == b"address":
            self._remember(address, _retry_after(start))
        pause = REFUSAL_PAUSE.get(status)
        if pause:
            await asyncio.sleep(pause)
        for message in messages:
            await send(message)

    def _remember(self, address: str, seconds: int) -> None:
        if len(self._refused) >= MAX_REMEMBERED:
            now = time.monotonic()
            self._refused = {a: t for a, t in self._refused.items() if t > now}
            while len(self._refused) >= MAX_REMEMBERED:
                self._refused.pop(next(iter(self._refused)))
        self._refused[address] = time.monotonic() + seconds


def _header(start: dict, wanted: bytes) -> bytes | None:
    return next((v for k, v in start.get("headers", []) if k.lower() == wanted), None)


def _retry_after(start: dict) -> int:
    value = _header(start, b"retry-after") or b""
    return min(int(value), 3600) if value.isdigit() else 60


_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{m}</title></head>
<body style="font-family:sans-serif;text-align:center;margin:12vh 1.5rem">
<h1 style="font-size:1.5rem">{m}</h1><p>{s}초 뒤에 <a href="/login">로그인 화면</a>에서 다시
시도해 주세요.</p></body></html>"""


async def _too_many(send, retry: int, html: bool = False) -> None:
    message = "요청이 너무 많습니다. 잠시 뒤에 다시 시도하세요"
    extra = [(b"retry-after", str(retry).encode())]
    if not html:
        return await refuse(send, 429, "rate_limited", message, extra)
    # the log-in form is a page: a person reads this, not a program
    page = _PAGE.format(m=message, s=retry).encode()
    await send_body(send, 429, page, b"text/html; charset=utf-8", extra)


async def refuse(send, status: int, code: str, message: str, extra=()) -> None:
    """Answer with the app's JSON error shape without reaching the app."""
    body = json.dumps(
        {"error": {"code": code, "message": message, "field": None}}, ensure_ascii=False
    ).encode()
    await send_body(send, status, body, b"application/json", extra)


async def send_body(send, status: int, body: bytes, content_type: bytes, extra=()) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
