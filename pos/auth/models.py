"""Users (cashiers with a PIN; organisers, managers and admins with a password) and the
failed log-in counts that lock a name after too many wrong tries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from pos.db import db, utcnow
from pos.enums import check_in, values
from pos.versions import version_column, versioned


class Role(StrEnum):
    CASHIER = "cashier"
    ORGANISER = "organiser"
    MANAGER = "manager"
    ADMIN = "admin"


ROLES = values(Role)
ROLE_LABELS = {
    Role.CASHIER: "계산원",
    Role.ORGANISER: "행사 담당",
    Role.MANAGER: "매니저",
    Role.ADMIN: "관리자",
}


class LoginMethod(StrEnum):
    PIN = "pin"
    PASSWORD = "password"


def _hash_method() -> str:
    """scrypt in production; tests may pick a cheaper method to stay fast."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (check_in("role", Role, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    #: one of Role
    role: Mapped[str] = mapped_column(String(16))
    #: the site this user may work at; None = every site (managers, admins)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: raised by log-out and secret resets: sessions made before stop working
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: catalog version of the last change that flows down to branches (not log-ins, log-outs)
    version: Mapped[int] = version_column()

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:
        return self.active

    def set_pin(self, pin: str) -> None:
        self.pin_hash = generate_password_hash(pin, method=_hash_method())
        self.end_sessions()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every session cookie of this user, saved copies included, stops working."""
        self.session_version = (self.session_version or 0) + 1

    def check_pin(self, pin: str) -> bool:
        return bool(self.pin_hash) and check_password_hash(self.pin_hash, pin)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]


versioned(User, "user", lambda u: u.username, local=("session_version", "created_at"))


class LoginFailure(db.Model):
    """Wrong tries per typed name and method, for names that exist and names that do not
    alike: a lock-out must not tell which names exist, and PIN tries never lock a password."""

    __tablename__ = "login_failures"
    __table_args__ = (check_in("method", LoginMethod, "method"),)

    #: the name as typed (trimmed, lower-cased)
    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: one of LoginMethod
    method: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: wrong tries since the last good one
    failed: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
