"""The catalog token: one row that changes whenever a cached table changes.

Every change through the ORM to a watched model (products, options, vendors, sites, users…)
writes a new random token into ``catalog_state`` in the same transaction. Per-process caches
(the pricing catalog, the site directory, the logged-in users) compare that one row and reuse
their copy while it is unchanged, which works across several server processes on one database.
It lives in the kernel so that ``pos.auth`` and ``inventory`` can both use it without importing
each other.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pos.db import db, dialect_insert

#: changes to these (through the ORM) give the catalog a new token; see ``watch``
_watched: set[type] = set()


def watch(*models: type) -> None:
    """Register models whose changes must invalidate the per-process caches."""
    _watched.update(models)


class CatalogState(db.Model):
    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: random token, new on every catalog change (never repeats, even after a wipe)
    token: Mapped[str] = mapped_column(String(36))


def current_token() -> str | None:
    """The catalog token, read once per request (``g``); None right after a wipe."""
    from flask import g, has_app_context

    if has_app_context() and "catalog_token" in g:
        return g.catalog_token
    token = db.session.execute(select(CatalogState.token).where(CatalogState.id == 1)).scalar()
    if has_app_context():
        g.catalog_token = token
    return token


#: names in ``g`` that hold a copy built from the current token (dropped when it changes)
_request_copies: set[str] = {"catalog_token"}


def per_request_copy(name: str) -> None:
    """Declare a ``g`` attribute that caches data of the current token for one request."""
    _request_copies.add(name)


T = TypeVar("T")


class TokenCache(Generic[T]):
    """A per-process copy of something built from the database (the pricing catalog, the
    sites, the users), rebuilt only when the catalog token changes and kept in ``g`` for the
    rest of the request, so a request that changes nothing costs one SELECT."""

    def __init__(self, name: str, build: Callable[[str | None], T]):
        self.name = name
        self.build = build
        self._copies: dict[str, tuple[str, T]] = {}
        self._lock = threading.Lock()
        per_request_copy(name)

    def get(self) -> T:
        from flask import g, has_app_context

        if has_app_context() and self.name in g:
            return g.get(self.name)
        token = current_token()
        key = str(db.engine.url)  # one copy per database (tests run several)
        cached = self._copies.get(key)
        if token is not None and cached is not None and cached[0] == token:
            result = cached[1]
        else:
            with self._lock:
                result = self.build(token)
                if token is not None:
                    self._copies[key] = (token, result)
        if has_app_context():
            setattr(g, self.name, result)
        return result


def _bump_on_catalog_change(session: Session, _ctx, _instances) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if not any(type(obj) in _watched for obj in changed):
        return
    from flask import g, has_app_context

    if has_app_context():
        for name in _request_copies:
            g.pop(name, None)
    token = str(uuid.uuid4())
    stmt = dialect_insert(CatalogState.__table__).values(id=1, token=token)
    session.connection().execute(
        stmt.on_conflict_do_update(index_elements=["id"], set_={"token": token})
    )


event.listen(Session, "before_flush", _bump_on_catalog_change)
