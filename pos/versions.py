"""The catalog token: one row that changes whenever a cached table changes.

Every change through the ORM to a watched model (products, options, vendors, sites, users…)
writes a new random token into ``catalog_state`` in the same transaction. Per-process caches
(the pricing catalog, the site directory, the logged-in users) compare that one row and reuse
their copy while it is unchanged, which works across several server processes on one database.
It lives in the kernel so that ``pos.auth`` and ``inventory`` can both use it without importing
each other.
"""

from __future__ import annotations

import uuid

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
