"""Print queue service and the background worker that drains it.

Jobs live in the database, so a crash or a switched-off printer loses no receipt: the worker
retries transient faults (printer off, paper out, cover open) with backoff for
``PRINT_RETRY_WINDOW``, then marks the job failed and the cashier sees it in the list with a
reprint button. A permanent fault (a wrong printer URL, no such device) fails at once: waiting
cannot fix a setting. A job is "printed" only when the printer reported itself fine after
taking it, and "sent" when the printer cannot answer at all.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, or_, select, update

import printers
from pos.db import db, utcnow
from pos.sales.enums import PaymentMethod
from pos.sales.models import Payment, Sale
from pos.sites import site_directory
from printers.drawer import with_drawer_pulse

from .documents import receipt_documents
from .models import JOB_STATUS, OPEN_STATUSES, JobKind, JobStatus, PrintJob

log = logging.getLogger(__name__)

#: how long a receipt is still worth printing after the sale
PRINT_RETRY_WINDOW = timedelta(minutes=10)
#: a cash sale's receipt printed later than this (the printer was off) no longer opens the
#: drawer: the cashier has long opened it by key, and it must not spring open unattended
DRAWER_LATE = timedelta(minutes=2)
MAX_BACKOFF_SECONDS = 30
#: what the cashier reads when a receipt could not even be made
NO_FONT = "영수증 글꼴이 없어 출력할 수 없습니다. 관리자에게 알려 주세요."
NOT_RENDERED = "영수증을 만들지 못했습니다. 잠시 후 다시 출력합니다."
NO_PRINTER = "프린터 없음"
#: the reprint refusal when no printer is set up (no setting names on the tablet)
NO_PRINTER_MESSAGE = "이 매장에는 영수증 프린터가 설정되어 있지 않습니다. 관리자에게 알려 주세요."


def status_label(status: str | None) -> str:
    """The cashier's word for a job status; "프린터 없음" for none (no printer set up)."""
    return JOB_STATUS.get(status or "", NO_PRINTER)


def print_info(job: PrintJob | None) -> dict:
    """The print part of a sale as the API shows it: status, Korean label and reason."""
    if job is None:
        return {"status": "none", "label": NO_PRINTER, "error": None}
    return {"status": job.status, "label": status_label(job.status), "error": job.last_error}


def printer_url_for(site_id: int | None, target: str = "receipt") -> str | None:
    """Where a site's jobs print: its own printer (매장 설정), else ``PRINTER_URL``; the bar's
    tickets (``target="kitchen"``) on ``KITCHEN_PRINTER_URL`` when set, else there too."""
    if target == "kitchen" and (kitchen := current_app.config.get("KITCHEN_PRINTER_URL")):
        return kitchen
    site = site_directory().get(site_id)
    return (site.printer_url if site else None) or current_app.config.get("PRINTER_URL") or None


def printer_configured(site_id: int | None = None, target: str = "receipt") -> bool:
    return printer_url_for(site_id, target) is not None


#: kind -> function(job) -> ESC/POS bytes; each kind's module registers its own
RENDERERS: dict[str, Callable[[PrintJob], bytes]] = {}


def renderer(kind: str):
    """Register how a kind of job is printed (``@renderer("refund")``)."""

    def register(fn: Callable[[PrintJob], bytes]) -> Callable[[PrintJob], bytes]:
        RENDERERS[kind] = fn
        return fn

    return register


def enqueue(
    sale_id: str | None,
    *,
    reprint: bool = False,
    kind: str = JobKind.RECEIPT,
    ref: str | None = None,
    site_id: int | None = None,
    target: str = "receipt",
) -> str | None:
    """Queue a print job in the caller's transaction; returns the job's status, or None when
    neither the site nor the server has a printer for it. A sale's job needs only the sale's
    id; any other names its ``site_id`` and ``ref`` (a refund id, a shift id, a day)."""
    if site_id is None and sale_id is not None:
        site_id = db.session.execute(select(Sale.site_id).where(Sale.id == sale_id)).scalar()
    if not printer_configured(site_id, target):
        return None
    now = utcnow()
    db.session.execute(
        insert(PrintJob.__table__),
        [
            {
                "sale_id": sale_id,
                "kind": str(kind),
                "ref": ref,
                "site_id": site_id,
                "target": target,
                "reprint": reprint,
                "status": JobStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        ],
    )
    return JobStatus.PENDING


def printer_settings() -> tuple[int, str]:
    """(columns, hangul mode) of the printers, from the config."""
    cfg = current_app.config
    return cfg["PRINTER_COLUMNS"], cfg["PRINTER_HANGUL"]


def render_sale(sale: Sale, *, reprint: bool = False) -> bytes:
    columns, hangul = printer_settings()
    return b"".join(
        printers.render(doc, columns=columns, hangul=hangul)
        for doc in receipt_documents(sale, reprint=reprint)
    )


def paid_in_cash(sale_id: str) -> bool:
    """Whether any tender of the sale was cash (the drawer has to open for it)."""
    return (
        db.session.execute(
            select(Payment.id)
            .where(Payment.sale_id == sale_id, Payment.method == PaymentMethod.CASH.value)
            .limit(1)
        ).first()
        is not None
    )


@renderer(JobKind.RECEIPT)
def _render_receipt(job: PrintJob) -> bytes:
    """The sale's receipts; a cash sale's first print opens the drawer as it prints (ESC p),
    a reprint never does, nor a receipt that prints long after the sale."""
    data = render_sale(job.sale, reprint=job.reprint)
    on_time = utcnow() - job.created_at <= DRAWER_LATE
    if not job.reprint and on_time and paid_in_cash(job.sale_id):
        data = with_drawer_pulse(data)
    return data


def render_job(job: PrintJob) -> bytes:
    """The job's bytes, by its kind."""
    return RENDERERS[job.kind](job)


def job_site_id(job: PrintJob) -> int | None:
    return job.site_id if job.site_id is not None else (job.sale.site_id if job.sale else None)


def latest_job(sale_id: str) -> PrintJob | None:
    """The sale's latest receipt job (its bar ticket and drawer kicks are not its receipt)."""
    return db.session.scalars(
        select(PrintJob)
        .where(PrintJob.sale_id == sale_id, PrintJob.kind == JobKind.RECEIPT)
        .order_by(PrintJob.id.desc())
        .limit(1)
    ).first()


def _claim(job_id: int) -> bool:
    """Mark one job as being tried, so two workers never print it twice."""
    now = utcnow()
    claimed = db.session.execute(
        update(PrintJob)
        .where(
            PrintJob.id == job_id,
            PrintJob.status.in_(OPEN_STATUSES),
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


def process_due_jobs(limit: int = 20, stop: Callable[[], bool] | None = None) -> int:
    """Try every due job once; returns how many reached a printer (printed or sent). Commits
    per job (worker context). ``stop`` is asked before each job: a stopping worker finishes
    the job it is printing and claims no other."""
    now = utcnow()
    due = db.session.scalars(
        select(PrintJob.id)
        .where(
            PrintJob.status.in_(OPEN_STATUSES),
            or_(PrintJob.next_attempt_at <= now, PrintJob.next_attempt_at.is_(None)),
        )
        .order_by(PrintJob.id)
        .limit(limit)
    ).all()
    db.session.commit()
    done = 0
    cfg = current_app.config
    timeout = cfg["PRINTER_TIMEOUT"]
    #: seconds a printer gets to answer a status query (printers' default when unset)
    status_timeout = cfg.get("PRINTER_STATUS_TIMEOUT")
    status_timeout = None if status_timeout in (None, "") else float(status_timeout)
    for job_id in due:
        if stop is not None and stop():
            break
        if not _claim(job_id):
            continue
        job = db.session.get(PrintJob, job_id)
        sale_id = job.sale_id
        # the job's own site decides the printer, as set when the job is tried
        url = printer_url_for(job_site_id(job), job.target)
        if url is None:  # the printer was taken out of the settings meanwhile
            _not_printed(job_id, NO_PRINTER_MESSAGE, "no_printer", permanent=True)
            continue
        try:
            data = render_job(job)
            db.session.commit()  # release the read transaction before slow I/O
            delivery = printers.send(url, data, timeout=timeout, status_timeout=status_timeout)
        except printers.PrinterError as exc:
            _not_printed(job_id, exc.message, exc.code, permanent=not exc.retryable)
            log.warning("print job %s (sale %s) not printed: %s", job_id, sale_id, exc.detail)
            continue
        except printers.FontNotFoundError as exc:
            _not_printed(job_id, NO_FONT, "no_font", permanent=True)
            log.error("print job %s (sale %s): %s", job_id, sale_id, exc)
            continue
        except Exception:  # noqa: BLE001 - any other failure is retried, never lost
            db.session.rollback()
            _not_printed(job_id, NOT_RENDERED, "error", permanent=False)
            log.exception("print job %s (sale %s) failed", job_id, sale_id)
            continue
        confirmed = delivery is printers.Delivery.CONFIRMED
        job = db.session.get(PrintJob, job_id)
        job.status = JobStatus.PRINTED if confirmed else JobStatus.SENT
        job.printed_at = utcnow()
        job.last_error = job.error_code = None
        db.session.commit()
        log.info("print job %s (sale %s) %s", job_id, sale_id, job.status)
        done += 1
    return done


def _not_printed(job_id: int, message: str, code: str, *, permanent: bool) -> None:
    """Keep the Korean reason; retry with backoff unless retrying cannot help or it is late."""
    job = db.session.get(PrintJob, job_id)
    job.last_error = message[:300]
    job.error_code = code[:30]
    if permanent or utcnow() - job.created_at > PRINT_RETRY_WINDOW:
        job.status = JobStatus.FAILED
    else:
        job.status = JobStatus.RETRYING
        delay = min(MAX_BACKOFF_SECONDS, 2 ** min(job.attempts, 5))
        job.next_attempt_at = utcnow() + timedelta(seconds=delay)
    db.session.commit()


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
                    process_due_jobs(stop=self._stop.is_set)
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
    # SIGTERM (pos serve or systemd stopping) ends the worker after the job it is printing:
    # a job cut off between its claim and its result would wait out the claim, or print twice
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: worker._stop.set())
    worker._run()
