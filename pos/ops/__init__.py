"""Branch operations (DESIGN §5 "Branch operations"): the branch server's care of its own
data and machine. Backups and restores, the health check, the boot service, TLS on the LAN,
log files and disk faults. Messages are Korean; a refusal exits 1."""

from __future__ import annotations

from pos.parts import init_parts

#: logs first, so the other parts' messages land in the log files
PARTS = ("logs", "storage", "backup", "restore", "check", "install", "tls", "clock")


def init_app(app) -> None:
    init_parts(__name__, PARTS, app)
