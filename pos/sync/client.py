"""The branch's HTTP client of central: push the outbox in seq order and in batches, pull the
catalog by version (brief "Wire contract").

Never holds the SQLite write lock during HTTP: rows are read in a read-only transaction, the
request is made with no transaction open, and the answer is marked in one short write
transaction. A sale never waits for sync."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC

import requests
from flask import current_app
from sqlalchemy import func, select, update

from pos.db import db, read_only_transaction, utcnow
from pos.outbox import SCHEMA_VERSION, OutboxEvent, waiting_clause

from . import state

log = logging.getLogger("pos.sync")

#: the part of a Korean message about a refused token that says what to do
TOKEN_HELP = "중앙 관리자에게 이 매장의 새 토큰을 받아 설정하세요"


class SyncError(Exception):
    """A push or pull that did not go through; ``message`` is Korean, for the screens."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        #: unreachable | auth | server | protocol | stuck
        self.kind = kind
        self.message = message


@dataclass
class PushResult:
    """What one batch did."""

    sent: int = 0
    acked: int = 0
    rejected: int = 0
    #: central said sync_gap; marks were corrected and the batch should be sent again
    gap: bool = False
    #: events still waiting after this batch
    left: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass
class PullResult:
    version: int
    previous: int
    counts: dict


class Client:
    """One ``requests.Session`` to central (keeps the connection between batches)."""

    def __init__(self, base_url: str, token: str, site_code: str, timeout: float, batch: int):
        self.base = base_url.rstrip("/")
        self.site = site_code
        self.timeout = timeout
        self.batch = max(1, batch)
        self.http = requests.Session()
        self.http.headers.update(
            {"Authorization": f"Bearer {token}", "User-Agent": "kkumideun-pos-branch"}
        )

    @classmethod
    def from_config(cls) -> Client:
        cfg = current_app.config
        return cls(
            cfg["CENTRAL_URL"],
            cfg["SYNC_TOKEN"],
            cfg.get("POS_SITE") or "",
            cfg["SYNC_TIMEOUT"],
            cfg["SYNC_BATCH"],
        )

    def close(self) -> None:
        self.http.close()

    def _own(self):
        """This site's events: the token speaks for this site only (events another site's
        server recorded here, such as a transfer's arrival, are not ours to send)."""
        return OutboxEvent.site_code == self.site

    def _waiting(self) -> int:
        query = select(func.count()).select_from(OutboxEvent)
        return int(db.session.scalar(query.where(waiting_clause(), self._own())) or 0)

    # -- HTTP ------------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kw) -> requests.Response:
        if db.session().in_transaction():  # never hold a lock (or a snapshot) over HTTP
            db.session.commit()
        try:
            return self.http.request(method, self.base + path, timeout=self.timeout, **kw)
        except requests.Timeout as exc:
            raise SyncError("unreachable", "중앙 서버가 제시간에 답하지 않습니다") from exc
        except requests.RequestException as exc:
            raise SyncError("unreachable", "중앙 서버에 연결할 수 없습니다") from exc

    @staticmethod
    def _refusal(resp: requests.Response) -> SyncError:
        message = _central_message(resp)
        if resp.status_code in (401, 403):
            said = f" ({message})" if message else ""
            return SyncError("auth", f"동기화 토큰이 거부되었습니다{said}. {TOKEN_HELP}")
        if resp.status_code >= 500:
            return SyncError("server", f"중앙 서버 오류입니다 (응답 {resp.status_code})")
        said = f": {message}" if message else ""
        return SyncError(
            "protocol", f"중앙 서버가 요청을 받지 않았습니다 ({resp.status_code}){said}"
        )

    # -- push ------------------------------------------------------------------------------

    def push_batch(self) -> PushResult:
        """Send the next SYNC_BATCH waiting events and mark what central answered."""
        with read_only_transaction():
            rows = db.session.execute(
                select(
                    OutboxEvent.seq,
                    OutboxEvent.id,
                    OutboxEvent.type,
                    OutboxEvent.occurred_at,
                    OutboxEvent.payload,
                )
                .where(waiting_clause(), self._own())
                .order_by(OutboxEvent.seq)
                .limit(self.batch)
            ).all()
            total = self._waiting()
            # this site's event before the batch: its seqs skip the other sites' events
            after = (
                db.session.scalar(
                    select(func.max(OutboxEvent.seq)).where(
                        self._own(), OutboxEvent.seq < rows[0].seq
                    )
                )
                if rows
                else None
            )
        if not rows:
            return PushResult(left=0)
        body = {
            "site": self.site,
            "pending": max(0, total - len(rows)),
            "after": after or 0,
            "events": [_wire(row) for row in rows],
        }
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        resp = self._call(
            "POST", "/api/sync/push", data=data, headers={"Content-Type": "application/json"}
        )
        answer = _json(resp)
        if resp.status_code == 409 and (answer.get("error") or {}).get("code") == "sync_gap":
            return self._gap(int(answer.get("high_water") or 0), rows)
        if resp.status_code != 200:
            raise self._refusal(resp)
        return self._mark(rows, answer)

    def _mark(self, rows, answer: dict) -> PushResult:
        sent = {row.id for row in rows}
        acked = [i for i in answer.get("acked") or [] if i in sent]
        rejected = [r for r in answer.get("rejected") or [] if r.get("id") in sent]
        now = utcnow()
        if db.session().in_transaction():
            db.session.commit()
        db.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_([row.id for row in rows]))
            .values(attempts=OutboxEvent.attempts + 1)
        )
        if acked:
            db.session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(acked), OutboxEvent.acked_at.is_(None))
                .values(acked_at=now, last_error=None)
            )
        reasons = []
        for item in rejected:
            error = item.get("error") or {}
            reason = str(error.get("message") or "중앙에서 거부되었습니다")[:300]
            reasons.append(reason)
            db.session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id == item["id"])
                .values(
                    rejected_at=now,
                    reject_code=str(error.get("code") or "rejected")[:40],
                    last_error=reason,
                )
            )
        row = state.load()
        row.last_push_at = row.last_attempt_at = now
        if isinstance(answer.get("high_water"), int):
            row.high_water = answer["high_water"]
        if rejected:
            row.last_error = f"중앙이 이벤트 {len(rejected)}건을 거부했습니다: {reasons[0]}"[:300]
            row.last_error_at = now
        left = self._waiting()
        db.session.commit()
        if not acked and not rejected:
            raise SyncError("stuck", "중앙 서버가 보낸 이벤트를 하나도 받지 않았습니다")
        return PushResult(len(rows), len(acked), len(rejected), False, left, reasons)

    def _gap(self, high_water: int, rows) -> PushResult:
        """409 sync_gap with central's high-water H. Waiting events up to H are central's
        already (its acknowledgement was lost); events past H this branch took for done are
        not (central was restored from an older backup): those are sent again."""
        now = utcnow()
        if db.session().in_transaction():
            db.session.commit()
        have = db.session.execute(
            update(OutboxEvent)
            .where(waiting_clause(), self._own(), OutboxEvent.seq <= high_water)
            .values(acked_at=now)
        ).rowcount
        lost = db.session.execute(
            update(OutboxEvent)
            .where(
                self._own(),
                OutboxEvent.seq > high_water,
                (OutboxEvent.acked_at.is_not(None)) | (OutboxEvent.rejected_at.is_not(None)),
            )
            .values(acked_at=None, rejected_at=None, reject_code=None)
        ).rowcount
        row = state.load()
        row.high_water = high_water
        row.last_push_at = row.last_attempt_at = now
        left = self._waiting()
        db.session.commit()
        log.warning("sync gap at %s: %s marked sent, %s to send again", high_water, have, lost)
        if not have and not lost:
            # nothing on this side explains the gap (a hole in the branch's own seq)
            first = rows[0].seq if rows else 0
            raise SyncError(
                "stuck",
                f"중앙은 {high_water}번까지 받았는데 이 매장의 다음 이벤트는 {first}번입니다",
            )
        return PushResult(sent=len(rows), gap=True, left=left)

    # -- pull ------------------------------------------------------------------------------

    def pull(self) -> PullResult:
        """GET the catalog changed since our version and apply it with the version, in one
        write transaction after the HTTP call."""
        with read_only_transaction():
            row = state.peek()
            since = row.catalog_version if row else 0
        resp = self._call("GET", "/api/sync/catalog", params={"since": since})
        if resp.status_code != 200:
            raise self._refusal(resp)
        doc = _json(resp)
        version = doc.get("version")
        if not isinstance(version, int):
            raise SyncError("protocol", "중앙 서버의 카탈로그 응답을 읽을 수 없습니다")
        try:
            from pos.sync.pull import CatalogRejected, apply_catalog  # imported when first used
        except ModuleNotFoundError as exc:
            if exc.name != "pos.sync.pull":
                raise
            raise SyncError("protocol", "이 매장은 아직 카탈로그를 받을 수 없습니다") from None

        if db.session().in_transaction():
            db.session.commit()
        try:
            counts = apply_catalog(doc) or {}
        except CatalogRejected as exc:
            db.session.rollback()
            raise SyncError(
                "protocol", f"중앙의 카탈로그 버전 {version}을 적용하지 못했습니다: {exc}"[:300]
            ) from None
        except Exception:
            db.session.rollback()
            log.exception("catalog version %s could not be applied", version)
            raise SyncError(
                "protocol", f"중앙의 카탈로그 버전 {version}을 적용하지 못했습니다"
            ) from None
        row = state.load()
        now = utcnow()
        # after a central restore the feed starts over (since 0) with a lower version
        row.catalog_version = version
        row.last_pull_at = row.last_attempt_at = now
        db.session.commit()
        return PullResult(version, since, dict(counts))


def _wire(row) -> dict:
    """One outbox row as the wire contract has it."""
    return {
        "id": row.id,
        "seq": row.seq,
        "schema": SCHEMA_VERSION,
        "type": row.type,
        "occurred_at": row.occurred_at.replace(tzinfo=UTC).isoformat(),
        "payload": json.loads(row.payload),
    }


def _json(resp: requests.Response) -> dict:
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _central_message(resp: requests.Response) -> str:
    error = _json(resp).get("error")
    return str(error.get("message") or "")[:200] if isinstance(error, dict) else ""
