"""Sync tokens: one live token per site, shown once when issued and stored only as a hash.

A token is 256 random bits, so a plain SHA-256 is the right hash (a slow password hash would
only slow every push). Issuing a new token revokes the site's older ones (rotation)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import g, request
from sqlalchemy import DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from pos.api import ApiError
from pos.db import db, utcnow
from pos.sites import Site

PREFIX = "pos_"


class SyncToken(db.Model):
    """A site's sync token (reference data on central: few rows, looked up by hash)."""

    __tablename__ = "sync_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    #: SHA-256 of the whole token, hex
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters, so an admin can tell tokens apart without seeing one
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: who issued it (user name or "cli")
    created_by: Mapped[str] = mapped_column(String(60), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: str
    row: SyncToken


def issue(site: Site, created_by: str = "") -> Issued:
    """A new token for the site; the site's older tokens stop working. Flushes, the caller
    commits; the plain token exists only in the return value."""
    revoke(site)
    token = PREFIX + secrets.token_urlsafe(32)
    row = SyncToken(
        site_id=site.id,
        token_hash=_digest(token),
        hint=token[: len(PREFIX) + 6],
        created_at=utcnow(),
        created_by=created_by,
    )
    db.session.add(row)
    db.session.flush()
    return Issued(token, row)


def revoke(site: Site) -> int:
    """Revoke every live token of the site; returns how many."""
    result = db.session.execute(
        update(SyncToken)
        .where(SyncToken.site_id == site.id, SyncToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def live_token(site: Site) -> SyncToken | None:
    return db.session.scalars(
        select(SyncToken).where(SyncToken.site_id == site.id, SyncToken.revoked_at.is_(None))
    ).first()


def lookup(token: str) -> tuple[SyncToken, Site] | None:
    """The live token row and its site, or None for an unknown or revoked token."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    digest = _digest(token)
    row = db.session.scalars(select(SyncToken).where(SyncToken.token_hash == digest)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.token_hash, digest):  # pragma: no cover (same value)
        return None
    site = db.session.get(Site, row.site_id)
    if site is None or not site.active:
        return None
    return row, site


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def require_sync_token(view):
    """Routes branches call: 401 without a token, 403 for an unknown or revoked one.

    Sets ``g.sync_site`` (the token's Site) and ``g.sync_token`` (its row). A route that
    names a site in its body or query must still check it is this one (403 otherwise)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            raise ApiError(401, "sync_token_required", "동기화 토큰이 필요합니다")
        found = lookup(token)
        if found is None:
            message = "동기화 토큰이 올바르지 않거나 폐기되었습니다"
            raise ApiError(403, "sync_token_refused", message)
        g.sync_token, g.sync_site = found
        return view(*args, **kwargs)

    return wrapper


def check_site(code: str | None) -> None:
    """403 when a request names a site other than its token's."""
    if code is not None and code != g.sync_site.code:
        raise ApiError(403, "sync_site_mismatch", "이 동기화 토큰은 다른 매장의 것입니다")
