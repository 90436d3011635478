"""Back office: users (사용자). Managers and admins list, create and change users, reset PINs
and passwords, lift log-in locks and switch users off, from the browser.

Locks, PINs, passwords and sessions go through pos.auth (lock_state, unlock, User.set_pin,
User.set_password, User.end_sessions); who may touch whom is in users_rules. Every change is
committed here, and bad input re-renders the form with a Korean message beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from pos.auth import SESSION_VERSION_KEY
from pos.auth import service as auth
from pos.auth.models import ROLE_LABELS, Role, User
from pos.context import safe_path
from pos.db import db
from pos.scope import SITE_ADMINS, working_site
from pos.sites import site_directory

from . import users_rules as rules
from .views import bp

KST = ZoneInfo("Asia/Seoul")
PAGE_SIZE = 50
site_admins = auth.roles_required(*SITE_ADMINS)


@dataclass(frozen=True)
class UserRow:
    """One user as the pages show them (never a secret or its hash)."""

    user: User
    site_name: str
    failed: int
    locked_until: datetime | None  # Seoul time, only while the lock lasts
    changeable: bool

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    @property
    def until_text(self) -> str:
        if self.locked_until is None:
            return ""
        today = datetime.now(KST).date() == self.locked_until.date()
        return self.locked_until.strftime("%H:%M까지" if today else "%m월 %d일 %H:%M까지")

    @property
    def secrets_text(self) -> str:
        u = self.user
        kinds = [k for k, h in (("PIN", u.pin_hash), ("비밀번호", u.password_hash)) if h]
        return " · ".join(kinds) or "없음"


def _row(user: User) -> UserRow:
    state = auth.lock_state(user.username)
    until = state.locked_until.replace(tzinfo=UTC).astimezone(KST) if state.locked else None
    site = site_directory().get(user.site_id)
    site_name = site.name if site else ("전체 매장" if user.site_id is None else "")
    return UserRow(user, site_name, state.failed, until, rules.may_change(user))


def _list_query(args):
    q = rules.visible_users()
    text = (args.get("q") or "").strip()
    if text:
        like = f"%{text.lower()}%"
        q = q.where(
            or_(func.lower(User.username).like(like), func.lower(User.display_name).like(like))
        )
    if (role := args.get("role")) in {r.value for r in Role}:
        q = q.where(User.role == role)
    code = args.get("site") or ""
    if code == "all":
        q = q.where(User.site_id.is_(None))
    elif code and (site := site_directory().by_code(code)) is not None:
        q = q.where(User.site_id == site.id)
    state = args.get("state") or ""
    if state == "active":
        q = q.where(User.active)
    elif state == "inactive":
        q = q.where(~User.active)
    return q.order_by(User.active.desc(), User.site_id.is_(None), User.site_id, User.display_name)


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdigit() and len(value) < 6 else 1


@bp.get("/admin/users")
@site_admins
def users():
    q = _list_query(request.args)
    total = db.session.scalar(select(func.count()).select_from(q.order_by(None).subquery()))
    page = _page_number()
    found = db.session.scalars(q.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    rows = [_row(u) for u in found]
    return render_template(
        "backoffice/users/index.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        args=request.args,
        role_labels=ROLE_LABELS,
        roles=[(r.value, ROLE_LABELS[r]) for r in Role],
        filter_sites=rules.site_choices(),
    )


def _form_page(template: str, status: int = 200, **context):
    return (
        render_template(
            template,
            roles=rules.role_choices(),
            sites=rules.site_choices(),
            siteless=rules.may_leave_siteless(),
            **context,
        ),
        status,
    )


@bp.get("/admin/users/new")
@site_admins
def user_new():
    # the site the back office works on, if this manager may put users there
    codes = [s.code for s in rules.site_choices()]
    here = working_site().code
    default_site = here if here in codes else (codes[0] if codes else "")
    form = {"role": Role.CASHIER.value, "site": request.args.get("site", default_site)}
    return _form_page("backoffice/users/new.html", form=form, errors={})


@bp.post("/admin/users/new")
@site_admins
def user_create():
    checked = rules.check_new_user(request.form)
    if not checked.ok:
        form = {k: v for k, v in request.form.items() if "pin" not in k and "password" not in k}
        return _form_page("backoffice/users/new.html", 422, form=form, errors=checked.errors)
    v = checked.values
    user = User(
        username=v["username"],
        display_name=v["display_name"],
        role=v["role"],
        site_id=v["site_id"],
        active=True,
    )
    if "pin" in v:
        user.set_pin(v["pin"])
    if "password" in v:
        user.set_password(v["password"])
    db.session.add(user)
    db.session.commit()
    flash(f"{user.display_name} 님({user.role_label})을 추가했습니다.", "ok")
    return redirect(url_for(".user_edit", user_id=user.id))


def _edit_page(user: User, status: int = 200, errors: dict | None = None, form=None):
    return _form_page(
        "backoffice/users/edit.html",
        status,
        row=_row(user),
        u=user,
        errors=errors or {},
        form=form or {"role": user.role, "site": _site_code(user.site_id)},
        pin_allowed=rules.pin_allowed(user),
        password_allowed=rules.password_allowed(user),
        is_self=user.id == current_user.id,
    )


def _site_code(site_id: int | None) -> str:
    site = site_directory().get(site_id)
    return site.code if site else ""


@bp.get("/admin/users/<int:user_id>")
@site_admins
def user_edit(user_id: int):
    return _edit_page(rules.managed_user(user_id, change=False))


@bp.post("/admin/users/<int:user_id>")
@site_admins
def user_update(user_id: int):
    """Display name, role and site; a new role that logs in another way needs its secret."""
    user = rules.managed_user(user_id)
    checked = rules.Checked()
    rules.check_display_name(request.form, checked)
    rules.check_role_site(request.form, checked)
    role = checked.values.get("role")
    if user.id == current_user.id and role and role != user.role:
        checked.errors["role"] = "자기 자신의 역할은 바꿀 수 없습니다. 다른 관리자에게 부탁하세요."
    if user.id == current_user.id and checked.values.get("site_id") != user.site_id:
        checked.errors["site"] = "자기 자신의 매장은 바꿀 수 없습니다. 다른 관리자에게 부탁하세요."
    if role == Role.CASHIER.value and not user.pin_hash:
        rules.check_pin(request.form, checked)
    elif role and role != Role.CASHIER.value and not user.password_hash:
        rules.check_password(request.form, checked)
    if not checked.ok:
        form = {k: v for k, v in request.form.items() if "pin" not in k and "password" not in k}
        return _edit_page(user, 422, checked.errors, form)
    v = checked.values
    moved = (user.role, user.site_id) != (v["role"], v["site_id"])
    user.display_name = v["display_name"]
    user.role, user.site_id = v["role"], v["site_id"]
    if "pin" in v:
        user.set_pin(v["pin"])
    if "password" in v:
        user.set_password(v["password"])
    if user.role in (Role.MANAGER.value, Role.ADMIN.value) and user.pin_hash:
        user.pin_hash = None  # no short secret into an account that sees every page
    if moved:
        user.end_sessions()  # a session keeps what it was allowed when it began
    db.session.commit()
    flash(f"{user.display_name} 님의 정보를 바꿨습니다.", "ok")
    return redirect(url_for(".user_edit", user_id=user.id))


def _after_secret_change(user: User) -> None:
    """The user's other sessions end (the model raised session_version); one's own stays."""
    auth.unlock(user.username)
    if user.id == current_user.id:
        db.session.flush()
        session[SESSION_VERSION_KEY] = user.session_version
    db.session.commit()


#: per secret: who may have it, the refusal for anyone else, its form check, its name on screen
SECRETS = {
    "pin": (
        rules.pin_allowed,
        "매니저와 관리자는 PIN 대신 비밀번호로 로그인합니다.",
        rules.check_pin,
        "PIN을",
    ),
    "password": (
        rules.password_allowed,
        "계산원은 비밀번호 대신 PIN으로 로그인합니다.",
        rules.check_password,
        "비밀번호를",
    ),
}


def _change_secret(user_id: int, kind: str):
    """A new PIN or password: checked, set, the lock lifted and the user's other sessions ended."""
    allowed, refusal, check, label = SECRETS[kind]
    user = rules.managed_user(user_id)
    if not allowed(user):
        flash(refusal, "error")
        return redirect(url_for(".user_edit", user_id=user.id))
    checked = rules.Checked()
    check(request.form, checked)
    if not checked.ok:
        return _edit_page(user, 422, checked.errors)
    getattr(user, f"set_{kind}")(checked.values[kind])
    _after_secret_change(user)
    flash(f"{user.display_name} 님의 {label} 바꾸고 잠금을 풀었습니다.", "ok")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/pin")
@site_admins
def user_pin(user_id: int):
    return _change_secret(user_id, "pin")


@bp.post("/admin/users/<int:user_id>/password")
@site_admins
def user_password(user_id: int):
    return _change_secret(user_id, "password")


@bp.post("/admin/users/<int:user_id>/unlock")
@site_admins
def user_unlock(user_id: int):
    user = rules.managed_user(user_id)
    auth.unlock(user.username)
    db.session.commit()
    flash(f"{user.display_name} 님의 잠금을 풀었습니다. 이제 로그인할 수 있습니다.", "ok")
    back = safe_path(request.form.get("back"))
    if not (back and back.startswith("/admin/")):
        back = url_for(".user_edit", user_id=user.id)
    return redirect(back)


@bp.post("/admin/users/<int:user_id>/active")
@site_admins
def user_active(user_id: int):
    """Switch a user off (their sessions end at once) or on again; nobody is deleted, since
    sales keep their cashier."""
    user = rules.managed_user(user_id)
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash("자기 자신은 사용 중지할 수 없습니다.", "error")
        return redirect(url_for(".user_edit", user_id=user.id))
    user.active = active
    user.end_sessions()
    if active:
        auth.unlock(user.username)
    db.session.commit()
    word = "다시 사용하게 했습니다" if active else "사용 중지했습니다. 로그인할 수 없습니다"
    flash(f"{user.display_name} 님을 {word}.", "ok")
    return redirect(url_for(".user_edit", user_id=user.id))
