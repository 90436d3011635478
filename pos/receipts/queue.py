"""Print queue service and the background worker that drains it.

Jobs live in the database, so a crash or a switched-off printer loses no receipt: the worker
retries with backoff for ``PRINT_RETRY_WINDOW`` seconds, then marks the job failed and the
cashier sees it in the list with a reprint button.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update

import printers
from pos.db import db, utcnow
from pos.sales.models import Sale

from .documents import receipt_documents
from .models import PrintJob

log = logging.getLogger(__name__)

#: how long a receipt is still worth printing after the sale
PRINT_RETRY_WINDOW = timedelta(minutes=10)
MAX_BACKOFF_SECONDS = 30


def printer_configured() -> bool:
    return bool(current_app.config.get("PRINTER_URL"))


def enqueue(sale_id: str, *, reprint: bool = False) -> str | None:
    """Queue the sale's receipts in the caller's transaction; returns the job's status, or None
    when no printer is set up."""
    if not printer_configured():
        return None
    now = utcnow()
    db.session.execute(
        insert(PrintJob.__table__),
        [
            {
                "sale_id": sale_id,
                "reprint": reprint,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        ],
    )
    return "pending"


def render_sale(sale: Sale, *, reprint: bool = False) -> bytes:
    cfg = current_app.config
    return b"".join(
        printers.render(doc, columns=cfg["PRINTER_COLUMNS"], hangul=cfg["PRINTER_HANGUL"])
        for doc in receipt_documents(sale, reprint=reprint)
    )


def latest_job(sale_id: str) -> PrintJob | None:
    return db.session.scalars(
        select(PrintJob).where(PrintJob.sale_id == sale_id).order_by(PrintJob.id.desc()).limit(1)
    ).first()


def _claim(job_id: int) -> bool:
    """Mark one job as being tried, so two workers never print it twice."""
    now = utcnow()
    claimed = db.session.execute(
        update(PrintJob)
        .where(
            PrintJob.id == job_id,
            PrintJob.status.in_(("pending", "retrying")),
            PrintJob.next_attempt_at <= now,
        )
        .values(
            attempts=PrintJob.attempts + 1,
            next_attempt_at=now + timedelta(seconds=MAX_BACKOFF_SECONDS * 4),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def process_due_jobs(limit: int = 20) -> int:
    """Try every due job once; returns how many printed. Commits per job (worker context)."""
    now = utcnow()
    due = db.session.scalars(
        select(PrintJob.id)
        .where(
            PrintJob.status.in_(("pending", "retrying")),
            or_(PrintJob.next_attempt_at <= now, PrintJob.next_attempt_at.is_(None)),
        )
        .order_by(PrintJob.id)
        .limit(limit)
    ).all()
    db.session.commit()
    printed = 0
    url = current_app.config.get("PRINTER_URL")
    timeout = current_app.config["PRINTER_TIMEOUT"]
    for job_id in due:
        if not _claim(job_id):
            continue
        job = db.session.get(PrintJob, job_id)
        try:
            data = render_sale(job.sale, reprint=job.reprint)
            db.session.commit()  # release the read transaction before slow I/O
            printers.send(url, data, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - any failure is retried, never lost
            job = db.session.get(PrintJob, job_id)
            job.last_error = str(exc)[:300]
            if utcnow() - job.created_at > PRINT_RETRY_WINDOW:
                job.status = "failed"
            else:
                job.status = "retrying"
                delay = min(MAX_BACKOFF_SECONDS, 2 ** min(job.attempts, 5))
                job.next_attempt_at = utcnow() + timedelta(seconds=delay)
            db.session.commit()
            log.warning("print job %s failed: %s", job_id, exc)
            continue
        job = db.session.get(PrintJob, job_id)
        job.status = "printed"
        job.printed_at = utcnow()
        job.last_error = None
        db.session.commit()
        printed += 1
    return printed


class PrintWorker:
    """A daemon thread that polls the queue; started by ``pos serve`` (one per branch server)."""

    def __init__(self, app, interval: float = 1.0, alive=lambda: True):
        self.app = app
        self.interval = interval
        #: checked every round; the worker ends when it returns False
        self.alive = alive
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="print-worker", daemon=True)

    def start(self) -> PrintWorker:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set() and self.alive():
            try:
                with self.app.app_context():
                    process_due_jobs()
            except Exception:  # noqa: BLE001 - keep the worker alive, log and go on
                log.exception("print worker loop failed")
            self._stop.wait(self.interval)


def run_print_worker_process() -> None:
    """Entry point of the print worker process that ``pos serve`` spawns beside the web
    workers: a fresh interpreter with its own app, so no lock or connection crosses a fork."""
    from pos import create_app

    app = create_app()
    parent = os.getppid()
    # ends with the server even if the server was killed without a chance to stop it
    worker = PrintWorker(app, alive=lambda: os.getppid() == parent)
    try:
        worker._run()
    except KeyboardInterrupt:
        pass
