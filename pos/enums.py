"""Closed sets of values (statuses, reasons, methods) as ``StrEnum``s.

One enum gives the database its ``CheckConstraint`` and pydantic its request type, so the two
can never disagree about which values exist.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The enum's values in declaration order (what the database stores)."""
    return tuple(member.value for member in enum)


def check_in(column: str, enum: type[StrEnum], name: str) -> CheckConstraint:
    """``CHECK (column in ('a','b',...))`` for the enum, named by the shared naming convention."""
    allowed = ",".join(f"'{v}'" for v in values(enum))
    return CheckConstraint(f"{column} in ({allowed})", name=name)
