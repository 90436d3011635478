"""Who may manage whom on the users page, and the checks of its forms (Korean, per field).

A manager with a site sees and manages only that site's users; no manager creates, edits or
becomes an admin, or puts a user on a site outside their own scope. Secrets are checked here
and stored only as hashes by the `User` model; nothing here ever shows one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, func, select

from pos.auth.models import ROLE_LABELS, Role, User
from pos.db import db
from pos.sites import SiteInfo, site_directory

USERNAME_RE = re.compile(r"[A-Za-z0-9._-]{2,30}")
PIN_RE = re.compile(r"[0-9]{4,6}")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
DISPLAY_MAX = 30
#: roles that must belong to one site (they work at one till or one fair)
SITE_BOUND = (Role.CASHIER.value, Role.ORGANISER.value)


def is_admin() -> bool:
    return current_user.role == Role.ADMIN.value


def scope_site_id() -> int | None:
    """The one site this manager looks after; None = every site (and always for admins)."""
    return None if is_admin() else current_user.site_id


def visible_users() -> Select:
    """Users this manager may see, in a stable order."""
    q = select(User)
    if (site_id := scope_site_id()) is not None:
        q = q.where(User.site_id == site_id)
    return q


def managed_user(user_id: int, *, change: bool = True) -> User:
    """The user behind a page or form: 404 outside the manager's sites, 403 for a manager
    changing an admin."""
    user = db.session.execute(visible_users().where(User.id == user_id)).scalar_one_or_none()
    if user is None:
        abort(404)
    if change and not may_change(user):
        abort(403)
    return user


def may_change(user: User) -> bool:
    return is_admin() or user.role != Role.ADMIN.value


def role_choices() -> list[tuple[str, str]]:
    roles = [r for r in Role if is_admin() or r is not Role.ADMIN]
    return [(r.value, ROLE_LABELS[r]) for r in roles]


def site_choices() -> list[SiteInfo]:
    """Sites a user may be put on by this manager (active ones only)."""
    sites = sorted(site_directory().sites.values(), key=lambda s: s.code)
    if (site_id := scope_site_id()) is not None:
        return [s for s in sites if s.id == site_id]
    return [s for s in sites if s.active]


def may_leave_siteless() -> bool:
    """Only a manager who sees every site can give someone every site."""
    return scope_site_id() is None


@dataclass
class Checked:
    """Cleaned values and Korean messages per field; ``ok`` when there are none."""

    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_role_site(form, out: Checked) -> None:
    role = (form.get("role") or "").strip()
    if role not in {value for value, _ in role_choices()}:
        out.errors["role"] = "역할을 고르세요."
        role = ""
    out.values["role"] = role
    code = (form.get("site") or "").strip()
    site_id = None
    if code:
        site = next((s for s in site_choices() if s.code == code), None)
        if site is None:
            out.errors["site"] = "맡으신 매장 가운데에서 고르세요."
        else:
            site_id = site.id
    elif not may_leave_siteless():
        out.errors["site"] = "매장을 고르세요."
    elif role in SITE_BOUND:
        out.errors["site"] = "계산원과 행사 담당은 매장을 정해야 합니다."
    out.values["site_id"] = site_id


def check_display_name(form, out: Checked) -> None:
    name = " ".join((form.get("display_name") or "").split())
    if not name:
        out.errors["display_name"] = "화면에 보일 이름을 입력하세요."
    elif len(name) > DISPLAY_MAX:
        out.errors["display_name"] = f"이름은 {DISPLAY_MAX}자까지 쓸 수 있습니다."
    out.values["display_name"] = name


def check_pin(form, out: Checked, *, required: bool = True) -> None:
    pin, again = form.get("pin") or "", form.get("pin_again") or ""
    if not pin and not required:
        return
    if not (PIN_RE.fullmatch(pin) and pin.isascii()):
        out.errors["pin"] = "PIN은 숫자 4~6자리로 입력하세요."
    elif pin != again:
        out.errors["pin_again"] = "두 번 입력한 PIN이 서로 다릅니다."
    else:
        out.values["pin"] = pin


def check_password(form, out: Checked, *, required: bool = True) -> None:
    password, again = form.get("password") or "", form.get("password_again") or ""
    if not password and not required:
        return
    if len(password) < PASSWORD_MIN:
        out.errors["password"] = f"비밀번호는 {PASSWORD_MIN}자 이상으로 정하세요."
    elif len(password) > PASSWORD_MAX:
        out.errors["password"] = f"비밀번호는 {PASSWORD_MAX}자까지 쓸 수 있습니다."
    elif password != again:
        out.errors["password_again"] = "두 번 입력한 비밀번호가 서로 다릅니다."
    else:
        out.values["password"] = password


def check_new_user(form) -> Checked:
    out = Checked()
    username = (form.get("username") or "").strip()
    if not USERNAME_RE.fullmatch(username):
        out.errors["username"] = "로그인 이름은 영문, 숫자, 점(.), 밑줄(_), 빼기(-)로 2~30자입니다."
    elif db.session.scalars(
        select(User.id).where(func.lower(User.username) == username.lower())
    ).first():
        # log-in ignores capitals, so names may not differ only in them
        out.errors["username"] = "이미 있는 로그인 이름입니다. 다른 이름을 정하세요."
    out.values["username"] = username
    check_display_name(form, out)
    check_role_site(form, out)
    role = out.values["role"]
    if role == Role.CASHIER.value:
        check_pin(form, out)
    elif role:
        check_password(form, out)
        if role == Role.ORGANISER.value:
            check_pin(form, out, required=False)  # a fair's booth tablet may use the keypad
    return out


def pin_allowed(user: User) -> bool:
    """Who logs in with a PIN: cashiers and organisers; managers and admins keep to
    passwords, so a PIN set here never opens a short-secret way into their accounts."""
    return user.role in SITE_BOUND or bool(user.pin_hash)


def password_allowed(user: User) -> bool:
    return user.role != Role.CASHIER.value or bool(user.password_hash)
