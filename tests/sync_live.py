"""Real processes for the sync fault tests: a central `pos serve` on a fresh PostgreSQL database,
branch `pos serve`s on SQLite, and a TCP proxy on a real socket between them that can refuse
connections, delay, or let central answer and then drop the answer (a lost acknowledgement).

Nothing here is mocked: the branch's own sync worker pushes through the proxy, central commits in
PostgreSQL, and the tests read both databases directly to compare what each side holds."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests
from live import ROOT, free_port, kill_group, pos_command, start_serve, stop_group, wait_healthy
from sync_proxy import Proxy
from sync_till import MANAGER, Till, manager_session

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")

#: the demo's two branches with stock and a cashier each: (site, cashier, PIN)
BRANCHES = {"CAFE03": ("cashier3", "1234"), "CAFE07": ("cashier7", "2468")}
__all__ = ["MANAGER", "Proxy", "Till", "manager_session"]  # their homes: sync_proxy, sync_till


def pg_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def fresh_database():
    """A throw-away PostgreSQL database, dropped (connections and all) at the end."""
    name = f"pos_sync_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Proc:
    """An instance folder, its `pos` commands, and `pos serve` in its own process group (so a
    test can SIGKILL the server, its web workers and its sync worker at once)."""

    def __init__(self, instance: Path, workers: int = 1, **env: str):
        self.instance = instance
        instance.mkdir(parents=True, exist_ok=True)
        drop = {"DATABASE_URL", "RECEIPT_BASE_URL", "POS_ROLE", "CENTRAL_URL", "SECRET_KEY"}
        drop |= {k for k in os.environ if k.startswith("SYNC_")}
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(POS_INSTANCE=str(instance), PYTHONUNBUFFERED="1")
        self.env.update(env)
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = instance / "serve.log"
        self.proc: subprocess.Popen | None = None

    def pos(
        self, *args: str, check: bool = True, timeout: float = 180
    ) -> subprocess.CompletedProcess:
        done = subprocess.run(
            pos_command() + list(args),
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check:
            assert done.returncode == 0, f"pos {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def start(self, timeout: float = 40) -> str:
        args = ["--port", str(self.port), "--workers", str(self.workers), "--threads", "4"]
        self.proc = start_serve(args, self.env, self.log_path)
        return wait_healthy(self.proc, self.base, self.log_path, timeout)

    def log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-6000:]
        except OSError:
            return ""

    def kill(self) -> None:
        """Power cut: SIGKILL to the whole process group."""
        kill_group(self.proc)
        self.proc = None

    def stop(self) -> None:
        stop_group(self.proc)
        self.proc = None


class Central(Proc):
    """`POS_ROLE=central` on its own PostgreSQL database, demo catalog loaded, tokens issued.

    ``settings`` go into the instance's ``config.py`` (for keys the environment does not set,
    such as the test-only ``SYNC_DEDUP``)."""

    def __init__(self, instance: Path, database_url: str, settings: dict | None = None, **env: str):
        super().__init__(instance, workers=1, POS_ROLE="central", DATABASE_URL=database_url, **env)
        self.database_url = database_url
        if settings:
            lines = [f"{key} = {value!r}" for key, value in settings.items()]
            (instance / "config.py").write_text("\n".join(lines) + "\n", "utf-8")
        self.pos("init")
        self.pos("demo")

    def token(self, site: str) -> str:
        out = self.pos("sync", "token", site).stdout.strip().splitlines()
        return out[-1].strip()

    def revoke(self, site: str) -> None:
        self.pos("sync", "token", site, "--revoke")

    def query(self, sql: str, *params):
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params).fetchall()

    def site_id(self, code: str) -> int:
        return self.query("SELECT id FROM sites WHERE code = %s", code)[0][0]

    def open_write_transactions(self) -> int:
        """Backends of central's database inside a transaction that has written something."""
        name = self.database_url.rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
                (name,),
            ).fetchone()[0]


class Branch(Proc):
    """A branch on SQLite (`pos init` + `pos demo`) that pushes to CENTRAL_URL by itself."""

    def __init__(self, instance: Path, site: str, central_url: str, token: str, **env: str):
        settings = {
            "POS_SITE": site,
            "CENTRAL_URL": central_url,
            "SYNC_TOKEN": token,
            "SYNC_INTERVAL": "0.3",
            "SYNC_MAX_BACKOFF": "2",
            "SYNC_PULL_INTERVAL": "3600",
            "SYNC_TIMEOUT": "10",
        }
        settings.update(env)
        super().__init__(instance, workers=1, **settings)
        self.site = site
        self.db_path = instance / "pos.sqlite3"
        self.pos("init")
        self.pos("demo")
        self._till: Till | None = None

    def sql(self, query: str, *params):
        conn = sqlite3.connect(self.db_path, timeout=15)
        try:
            return conn.execute(query, params).fetchall()
        finally:
            conn.close()

    def site_id(self) -> int:
        return self.sql("SELECT id FROM sites WHERE code = ?", self.site)[0][0]

    def till(self) -> Till:
        if self._till is None:
            username, pin = BRANCHES[self.site]
            self._till = Till(self.base, username, pin)
        return self._till

    # -- what the branch itself holds ---------------------------------------------------------

    def own_totals(self, day: str | None = None) -> dict:
        """Sales and refunds of this branch's site from its own tables (per day when given)."""
        where, params = "site_id = ?", [self.site_id()]
        if day:
            where += " AND business_day = ?"
            params.append(day)
        sales = self.sql(
            "SELECT count(*), coalesce(sum(total), 0), coalesce(sum(taxable_supply), 0),"  # noqa: S608
            f" coalesce(sum(vat), 0), coalesce(sum(exempt), 0) FROM sales WHERE {where}",
            *params,
        )[0]
        refunds = self.sql(
            "SELECT count(*), coalesce(sum(total), 0), coalesce(sum(taxable_supply), 0),"  # noqa: S608
            f" coalesce(sum(vat), 0), coalesce(sum(exempt), 0) FROM refunds WHERE {where}",
            *params,
        )[0]
        return {
            "sales": sales[0],
            "gross": sales[1],
            "refunds": refunds[0],
            "refunded": refunds[1],
            "total": sales[1] - refunds[1],
            "taxable": sales[2] - refunds[2],
            "vat": sales[3] - refunds[3],
            "exempt": sales[4] - refunds[4],
        }

    def outbox(self, pending_only: bool = False) -> list[tuple]:
        """(seq, id, type, occurred_at, payload) of this site's outbox rows, in seq order."""
        cond = " AND acked_at IS NULL" if pending_only else ""
        return self.sql(
            "SELECT seq, id, type, occurred_at, payload FROM outbox"  # noqa: S608
            f" WHERE site_code = ?{cond} ORDER BY seq",
            self.site,
        )

    def pending(self) -> int:
        """Events still waiting: neither acknowledged nor rejected by central."""
        return self.sql(
            "SELECT count(*) FROM outbox WHERE site_code = ? AND acked_at IS NULL"
            " AND rejected_at IS NULL",
            self.site,
        )[0][0]

    def wait_synced(self, timeout: float = 60) -> None:
        """Until every outbox row of this site is acknowledged by central."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.site}: {self.pending()} events still waiting after {timeout} s\n"
                    f"{self.log()}"
                )
            time.sleep(0.2)


def central_totals(central: Central, site: str, day: str | None = None) -> dict:
    """The rollup row(s) of a site on central (r_site_day), summed over days or for one day."""
    where, params = "site_id = %s", [central.site_id(site)]
    if day:
        where += " AND day = %s"
        params.append(day)
    row = central.query(
        "SELECT coalesce(sum(sales), 0), coalesce(sum(gross), 0), coalesce(sum(refunds), 0),"  # noqa: S608
        " coalesce(sum(refunded), 0), coalesce(sum(total), 0), coalesce(sum(taxable), 0),"
        f" coalesce(sum(vat), 0), coalesce(sum(exempt), 0) FROM r_site_day WHERE {where}",
        *params,
    )[0]
    keys = ("sales", "gross", "refunds", "refunded", "total", "taxable", "vat", "exempt")
    return {k: int(v) for k, v in zip(keys, row, strict=True)}


def central_sale_ids(central: Central, site: str) -> list[str]:
    """Every sale row central holds for a site (duplicates would show as repeated ids)."""
    rows = central.query("SELECT id FROM c_sales WHERE site_id = %s", central.site_id(site))
    return [str(r[0]) for r in rows]


def applied_log(central: Central, site: str) -> list[tuple[int, str, object]]:
    """(seq, event id, received_at) of every event central applied or rejected for a site, in
    seq order (H3's ledger ``sync_applied``)."""
    return [
        (int(r[0]), str(r[1]), r[2])
        for r in central.query(
            "SELECT seq, event_id, received_at FROM sync_applied WHERE site_id = %s ORDER BY seq",
            central.site_id(site),
        )
    ]


def high_water(central: Central, site: str) -> int:
    rows = central.query(
        "SELECT high_water FROM sync_sites WHERE site_id = %s", central.site_id(site)
    )
    return int(rows[0][0]) if rows else 0


def push_raw(base: str, token: str | None, body: dict) -> requests.Response:
    """POST /api/sync/push straight to central, as a branch's client would."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(base + "/api/sync/push", json=body, headers=headers, timeout=60)


def wire_events(rows: list[tuple]) -> list[dict]:
    """Outbox rows (from Branch.outbox) as the push body's events (wire contract)."""
    import json

    out = []
    for seq, event_id, type_, occurred_at, payload in rows:
        at = str(occurred_at).replace(" ", "T")
        if not at.endswith("Z") and "+" not in at[10:]:
            at += "Z"
        out.append(
            {
                "id": event_id,
                "seq": seq,
                "schema": 1,
                "type": type_,
                "occurred_at": at,
                "payload": json.loads(payload),
            }
        )
    return out


def wait_until(check, timeout: float = 30, every: float = 0.2, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(message or "condition not met in time")
        time.sleep(every)


@contextmanager
def running_central(folder: Path, settings: dict | None = None, **env: str):
    """A started central on a fresh database; stopped and dropped at the end."""
    with fresh_database() as url:
        central = Central(folder, url, settings, **env)
        central.start()
        try:
            yield central
        finally:
            central.stop()


@contextmanager
def running_branch(folder: Path, site: str, central_url: str, token: str, **env: str):
    branch = Branch(folder, site, central_url, token, **env)
    branch.start()
    try:
        yield branch
    finally:
        branch.stop()


def vendor_totals(branch: Branch) -> dict[str, dict[str, int]]:
    """Per vendor BRN, what the branch's receipts say net of whole refunds (the fault tests
    refund whole sales only): taxable (공급가액), vat, exempt, total."""
    rows = branch.sql(
        "SELECT r.vendor_brn, s.status, sum(r.total), sum(r.taxable_supply), sum(r.vat),"
        " sum(r.exempt) FROM sale_receipts r JOIN sales s ON s.id = r.sale_id"
        " WHERE s.site_id = ? GROUP BY r.vendor_brn, s.status",
        branch.site_id(),
    )
    out: dict[str, dict[str, int]] = {}
    for brn, status, total, taxable, vat, exempt in rows:
        if status == "refunded":
            continue
        v = out.setdefault(brn, {"total": 0, "taxable": 0, "vat": 0, "exempt": 0})
        v["total"] += total
        v["taxable"] += taxable
        v["vat"] += vat
        v["exempt"] += exempt
    return out
