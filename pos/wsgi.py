"""WSGI glue for ``pos serve``.

hypercorn's WSGI wrapper sends the response head only together with the first body chunk, so a
response with an empty body (a 304 for a cached stylesheet, a 204) never gets its head and ends
as a 500 (hypercorn issue 331). Yielding an empty first chunk makes the head go out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator


def head_first(app: Callable) -> Callable:
    """Wrap a WSGI app so every response body starts with an empty chunk."""

    def wrapped(environ, start_response) -> Iterable[bytes]:
        return _HeadFirst(app(environ, start_response))

    return wrapped


class _HeadFirst:
    def __init__(self, body: Iterable[bytes]) -> None:
        self.body = body

    def __iter__(self) -> Iterator[bytes]:
        yield b""
        yield from self.body

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            close()
