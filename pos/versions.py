"""Catalog tokens: one row per channel that changes whenever a table of that channel changes.

Every change through the ORM to a watched model (products, options, vendors, sites, users…)
writes a new random token into ``catalog_state`` in the same transaction. Per-process caches
(the pricing catalog, the site directory, the logged-in users) compare that one row and reuse
their copy while it is unchanged, which works across several server processes on one database.
Site terms (품절 taps, a site's price) have a channel of their own, so a cashier marking a drink
sold out rebuilds a small copy, not the whole catalog. It lives in the kernel so that
``pos.auth`` and ``inventory`` can both use it without importing each other.

Beside the tokens (which only say "changed"), synced rows carry a monotonic ``version`` from
one counter row, so central can answer a branch's ``since=V`` (see "catalog versions" below),
and catalog rows carry a ``uid``, their identity key on every database.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, Integer, String, event, inspect, select
from sqlalchemy.orm import Mapped, MappedColumn, Session, mapped_column

from pos.db import db, dialect_insert

#: fixed namespace of the natural-key uids (demo data and the d1a2b3c4d5e6 backfill use it)
UID_NAMESPACE = uuid.UUID("6f1c2d7e-3b4a-5c6d-8e9f-0a1b2c3d4e5f")


def natural_uid(kind: str, key: str) -> str:
    """The uid a row gets from its natural key ("product", sku), the same on every database,
    so a central and a branch both loaded with ``pos demo`` name the same things alike.
    Migration d1a2b3c4d5e6 copies this rule as plain code."""
    return str(uuid.uuid5(UID_NAMESPACE, f"{kind}:{key}"))


def _new_uid() -> str:
    return str(uuid.uuid4())


def uid_column() -> MappedColumn:
    """The identity key of a synced catalog row: a UUID string, new for every row made here."""
    return mapped_column(String(36), unique=True, index=True, default=_new_uid)


#: the channels and their row in ``catalog_state``
CHANNELS = {"catalog": 1, "terms": 2}

#: changes to these (through the ORM) give their channel a new token; see ``watch``
_watched: dict[type, str] = {}


def watch(*models: type, channel: str = "catalog") -> None:
    """Register models whose changes must invalidate the per-process caches of a channel."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown token channel {channel!r}")
    for model in models:
        _watched[model] = channel


def _token_key(channel: str) -> str:
    return "catalog_token" if channel == "catalog" else f"catalog_token_{channel}"


class CatalogState(db.Model):
    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: random token, new on every catalog change (never repeats, even after a wipe)
    token: Mapped[str] = mapped_column(String(36))


def current_token(channel: str = "catalog") -> str | None:
    """A channel's token, read once per request (``g``); None right after a wipe."""
    from flask import g, has_app_context

    key = _token_key(channel)
    if has_app_context() and key in g:
        return g.get(key)
    token = db.session.execute(
        select(CatalogState.token).where(CatalogState.id == CHANNELS[channel])
    ).scalar()
    if has_app_context():
        setattr(g, key, token)
    return token


#: per channel, names in ``g`` that hold a copy built from its token (dropped when it changes)
_request_copies: dict[str, set[str]] = {c: {_token_key(c)} for c in CHANNELS}


def per_request_copy(name: str, channel: str = "catalog") -> None:
    """Declare a ``g`` attribute that caches data of a channel's token for one request."""
    _request_copies[channel].add(name)


T = TypeVar("T")


class TokenCache(Generic[T]):
    """A per-process copy of something built from the database (the pricing catalog, the
    sites, the users), rebuilt only when the catalog token changes and kept in ``g`` for the
    rest of the request, so a request that changes nothing costs one SELECT."""

    def __init__(self, name: str, build: Callable[[str | None], T], channel: str = "catalog"):
        self.name = name
        self.build = build
        self.channel = channel
        self._copies: dict[str, tuple[str, T]] = {}
        self._lock = threading.Lock()
        per_request_copy(name, channel)

    def get(self) -> T:
        from flask import g, has_app_context

        if has_app_context() and self.name in g:
            return g.get(self.name)
        token = current_token(self.channel)
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
    channels = {_watched[type(obj)] for obj in changed if type(obj) in _watched}
    if not channels:
        return
    from flask import g, has_app_context

    for channel in sorted(channels):
        if has_app_context():
            for name in _request_copies[channel]:
                g.pop(name, None)
        token = str(uuid.uuid4())
        stmt = dialect_insert(CatalogState.__table__).values(id=CHANNELS[channel], token=token)
        session.connection().execute(
            stmt.on_conflict_do_update(index_elements=["id"], set_={"token": token})
        )


event.listen(Session, "before_flush", _bump_on_catalog_change)


# catalog versions ----------------------------------------------------------------------------
#
# Catalog, prices, vendors and users flow down from central by version (DESIGN §4): every
# change of a synced column takes the next number of one counter row, in the same transaction.
# On PostgreSQL the counter's row lock is held until commit, so commit order is version order
# and a pull that read version V before its rows never misses a row committed with V or less.


class CatalogClock(db.Model):
    """The one counter row (id 1) the catalog versions come from."""

    __tablename__ = "catalog_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: the last version handed out; only grows
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Tombstone(db.Model):
    """A deleted synced row, so a branch that had it hears of it (by identity key)."""

    __tablename__ = "catalog_tombstones"

    #: what was deleted: site, vendor, user, category, option_group, option, product, …
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: its identity key (code, brn, username, uid; site_price: "SITE:product uid")
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: the version of the deletion
    version: Mapped[int] = mapped_column(BigInteger, index=True)


def version_column() -> MappedColumn:
    """The catalog version of the row's last synced change (0: never stamped)."""
    return mapped_column(BigInteger, default=0, server_default="0", index=True)


@dataclass(frozen=True)
class Versioned:
    kind: str
    #: the identity key of a row (for its tombstone)
    key: Callable[[Any], str]
    #: attributes that stay where they are (a log-in's bookkeeping, a 품절 tap): no new version
    local: frozenset[str]
    #: a row whose feed entry carries this one (an option's group), stamped along with it
    parent: Callable[[Any], Any] | None = None
    #: a new row is stamped only if this says so (a site row made for a 품절 tap is not)
    new_if: Callable[[Any], bool] | None = None


_versioned: dict[type, Versioned] = {}


def versioned(
    model: type,
    kind: str,
    key: Callable[[Any], str],
    *,
    local: tuple[str, ...] = (),
    parent: Callable[[Any], Any] | None = None,
    new_if: Callable[[Any], bool] | None = None,
) -> None:
    """Register a model with a ``version`` column whose synced changes take a new version."""
    _versioned[model] = Versioned(kind, key, frozenset((*local, "version")), parent, new_if)


def next_version(session: Session) -> int:
    """Take the next version in the current transaction (one upsert; the row lock it takes
    on PostgreSQL orders concurrent catalog writers by commit)."""
    table = CatalogClock.__table__
    stmt = dialect_insert(table).values(id=1, value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"], set_={"value": table.c.value + 1}
    ).returning(table.c.value)
    return int(session.connection().execute(stmt).scalar_one())


def current_version() -> int:
    """The last version committed (as this transaction sees it); 0 before any change."""
    value = db.session.execute(select(CatalogClock.value).where(CatalogClock.id == 1)).scalar()
    return int(value or 0)


def _synced_change(obj: Any, spec: Versioned) -> bool:
    state = inspect(obj)
    for attr in state.mapper.attrs:
        if attr.key not in spec.local and state.attrs[attr.key].history.has_changes():
            return True
    return False


def _stamp_versions(session: Session, _ctx, _instances) -> None:
    stamp: dict[int, Any] = {}
    tombs: dict[tuple[str, str], None] = {}
    deleted = list(session.deleted)
    for obj in session.new:
        spec = _versioned.get(type(obj))
        if spec is not None and (spec.new_if is None or spec.new_if(obj)):
            stamp[id(obj)] = obj
    for obj in session.dirty:
        spec = _versioned.get(type(obj))
        if spec is not None and _synced_change(obj, spec):
            stamp[id(obj)] = obj
    for obj in deleted:
        spec = _versioned.get(type(obj))
        if spec is not None:
            tombs[(spec.kind, spec.key(obj))] = None
    for obj in [*stamp.values(), *deleted]:
        spec = _versioned.get(type(obj))
        parent = spec.parent(obj) if spec is not None and spec.parent else None
        if parent is not None and parent not in session.deleted:
            stamp[id(parent)] = parent
    if not stamp and not tombs:
        return
    version = next_version(session)
    for obj in stamp.values():
        obj.version = version
    if tombs:
        table = Tombstone.__table__
        rows = [{"kind": k, "key": key, "version": version} for k, key in tombs]
        stmt = dialect_insert(table).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=["kind", "key"], set_={"version": stmt.excluded.version}
        )
        session.connection().execute(stmt)


event.listen(Session, "before_flush", _stamp_versions)
