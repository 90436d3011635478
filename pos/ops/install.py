"""``pos install [--print]`` (DESIGN §5): the branch server as a systemd service that starts on
boot, and the udev rule that lets it open a USB receipt printer.

The unit is ``deploy/pos.service`` filled in for this checkout: it runs ``pos serve`` as an
unprivileged user that may write only the instance folder (and a backup folder or database kept
elsewhere), so a bug or an attacker on the café Wi-Fi cannot touch the rest of the machine.
``--print`` only shows the unit. Without it the database is migrated first (as the service user,
with ``pos init``'s backup), and only then is the service installed and restarted, so a failing
migration leaves the running server as it was.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from pos import ROOT
from pos.cli import fail
from pos.server import GRACEFUL

DEPLOY = Path(ROOT) / "deploy"
SERVICE = "pos.service"
UNIT_PATH = Path("/etc/systemd/system") / SERVICE
RULE_PATH = Path("/etc/udev/rules.d/99-pos-printer.rules")
#: systemd's stop timeout. At SIGTERM ``pos serve`` gives requests in flight GRACEFUL seconds
#: (a web worker is waited for GRACEFUL + 5, then terminated), then waits the same for the
#: print and sync workers to finish their step; this covers both with room to spare, and a
#: server stuck past it is killed (nothing acknowledged is lost: SQLite has it on disk)
STOP_TIMEOUT = 2 * (GRACEFUL + 5) + 10
#: groups that own serial ports (/dev/ttyUSB*) and USB line printers (/dev/usb/lp*) on Debian
DEVICE_GROUPS = ("dialout", "lp")
#: characters a path in the unit may not hold (systemd would split or expand them)
_UNSAFE = set(" \t\n\"'\\%$;")


def _safe(path: str) -> str:
    if _UNSAFE & set(path):
        fail(
            f"경로 {path!r}에 공백이나 특수 문자가 있어 서비스에 쓸 수 없습니다. "
            "/opt/pos 처럼 영문과 숫자로 된 폴더에 내려받아 주세요."
        )
    return path


def pos_script() -> str:
    """The ``pos`` command of this checkout's virtualenv."""
    script = Path(sys.executable).with_name("pos")
    return str(script if script.exists() else Path(ROOT) / ".venv" / "bin" / "pos")


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def writable_paths(app) -> list[str]:
    """The instance folder, plus a backup folder or SQLite database kept outside it."""
    instance = os.path.realpath(app.instance_path)
    paths = [instance]
    extra = [app.config.get("BACKUP_DIR")]
    url = app.config.get("DATABASE_URL") or ""
    if url.startswith("sqlite:///"):
        extra.append(os.path.dirname(url[len("sqlite:///") :]))
    for path in extra:
        if path and not any(_inside(path, p) for p in paths):
            paths.append(os.path.realpath(path))
    return paths


def render_unit(app, user: str = "pos", host: str = "0.0.0.0", port: int = 5000) -> str:
    fields = {
        "ROOT": _safe(os.path.realpath(ROOT)),
        "INSTANCE": _safe(os.path.realpath(app.instance_path)),
        "POS": _safe(pos_script()),
        "USER": user,
        "HOST": host,
        "PORT": str(port),
        "STOP_TIMEOUT": str(STOP_TIMEOUT),
        "READ_WRITE": " ".join(_safe(p) for p in writable_paths(app)),
    }
    return _fill((DEPLOY / "pos.service").read_text("utf-8"), fields)


def render_rule(user: str = "pos") -> str:
    return _fill((DEPLOY / "99-pos-printer.rules").read_text("utf-8"), {"GROUP": user})


def _fill(text: str, fields: dict[str, str]) -> str:
    for key, value in fields.items():
        text = text.replace(f"@{key}@", value)
    return text


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        fail(f"{what}에 실패했습니다: {' / '.join(detail) or done.returncode}")


def _say(line: str) -> None:
    click.echo(f"- {line}")


def _ensure_user(user: str, home: str) -> None:
    try:
        pwd.getpwnam(user)
        _say(f"사용자 {user}: 이미 있습니다")
    except KeyError:
        _run(
            ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", home]
            + ["--shell", "/usr/sbin/nologin", user],
            f"사용자 {user} 만들기",
        )
        _say(f"사용자 {user}를 만들었습니다 (로그인할 수 없는 서비스 전용 계정)")
    groups = [g for g in DEVICE_GROUPS if _group_exists(g)]
    if groups:
        _run(["usermod", "-aG", ",".join(groups), user], "프린터 장치 권한 주기")
        _say(f"{user}를 {', '.join(groups)} 그룹에 넣었습니다 (USB·시리얼 프린터)")


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def _as_user(user: str, instance: str, *args: str) -> list[str]:
    """ARGS run as USER with the service's environment and nothing of the installer's."""
    env = ["env", "-i", f"POS_INSTANCE={instance}", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
    return ["runuser", "-u", user, "--", *env, *args]


def can_run(user: str, instance: str) -> bool:
    """Whether USER can start this checkout's Python and import the app: a checkout or a
    Python (pyenv, a virtualenv) inside a home folder other users cannot enter fails here."""
    python = str(Path(pos_script()).with_name("python"))
    probe = _as_user(user, instance, python, "-c", "import pos")
    return subprocess.run(probe, cwd="/", capture_output=True).returncode == 0


def _python_home() -> str:
    return os.path.dirname(os.path.realpath(Path(pos_script()).with_name("python")))


def _give_folders(app, user: str) -> None:
    entry = pwd.getpwnam(user)
    for path in writable_paths(app):
        os.makedirs(path, exist_ok=True)
        try:
            for folder, dirs, files in os.walk(path):
                for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                    os.lchown(name, entry.pw_uid, entry.pw_gid)
        except OSError as exc:  # a FAT USB stick, a read-only mount
            fail(
                f"{path}의 소유자를 {user}로 바꿀 수 없습니다 ({exc.strerror}). 이 폴더에 "
                f"{user}가 쓸 수 있게 하거나 다른 폴더를 쓰세요."
            )
        _say(f"{path}: {user}만 쓸 수 있는 폴더로 맞췄습니다")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(text, "utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, path)


def install(app, user: str, host: str, port: int) -> None:
    """Set the service up on this machine, saying each step; refuses before changing anything
    when not root or not a systemd machine."""
    if os.geteuid() != 0:
        fail("관리자 권한이 필요합니다: sudo make install (또는 sudo .venv/bin/pos install)")
    if not Path("/run/systemd/system").is_dir() or shutil.which("systemctl") is None:
        fail(
            "이 컴퓨터는 systemd로 켜지지 않아 서비스를 설치할 수 없습니다. "
            "pos install --print 로 서비스 파일을 보고 직접 설정하세요."
        )
    unit = prepare(app, user, host, port)
    activate(unit, render_rule(user), f"{'https' if app.config.get('TLS_CERT') else 'http'}", port)


def prepare(app, user: str, host: str = "0.0.0.0", port: int = 5000) -> str:
    """The service user, its folders and its database; the unit to install. The migration runs
    here, before anything of systemd is touched: if it fails, the running server and its unit
    stay as they were (``pos init`` backs the database up before it migrates)."""
    unit = render_unit(app, user, host, port)  # refuses an unusable path before any change
    instance = os.path.realpath(app.instance_path)
    _ensure_user(user, instance)
    if not can_run(user, instance):
        fail(
            f"{user} 사용자가 {ROOT}의 프로그램이나 그 파이썬({_python_home()})을 실행할 수 "
            "없습니다. 홈 폴더 대신 /opt/pos 같은 곳에 내려받고, 시스템의 python3로 "
            "만들어 주세요 (sudo apt install python3-venv, sudo make venv)."
        )
    _give_folders(app, user)
    done = subprocess.run(_as_user(user, instance, pos_script(), "init"), text=True)
    if done.returncode != 0:
        fail("데이터베이스를 준비하지 못했습니다. 서비스는 바꾸지 않았습니다 (위 메시지 참고).")
    _say("데이터베이스를 준비했습니다 (pos init)")
    return unit


def activate(unit: str, rule: str, scheme: str, port: int) -> None:
    """Install the unit and the printer rule, then enable and (re)start the service."""
    _write(UNIT_PATH, unit)
    _say(f"{UNIT_PATH}를 썼습니다")
    _write(RULE_PATH, rule)
    _say(f"{RULE_PATH}를 썼습니다 (USB 영수증 프린터)")
    if shutil.which("udevadm"):
        _run(["udevadm", "control", "--reload-rules"], "udev 규칙 다시 읽기")
        _run(["udevadm", "trigger", "--subsystem-match=usb", "--action=add"], "USB 장치 다시 보기")
    _run(["systemctl", "daemon-reload"], "systemd 다시 읽기")
    _run(["systemctl", "enable", SERVICE], "부팅할 때 켜지게 하기")
    _run(["systemctl", "restart", SERVICE], "서비스 (다시) 시작")
    _say("서비스를 켰습니다: 컴퓨터를 켜면 스스로 시작하고, 멈추면 다시 시작합니다")
    click.echo(f"설치 완료: {scheme}://<이 컴퓨터의 IP>:{port}/")
    click.echo(f"상태: systemctl status pos   기록: journalctl -u pos   점검: {pos_script()} check")


@click.command("install")
@click.option("--print", "print_only", is_flag=True, help="write the unit to stdout only")
@click.option("--user", default="pos", show_default=True, help="unprivileged service user")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@with_appcontext
def install_cmd(print_only: bool, user: str, host: str, port: int) -> None:
    """Install the systemd service and the USB printer rule for this checkout (as root), or
    with --print show the unit and change nothing."""
    if not user.isascii() or not user.replace("-", "").replace("_", "").isalnum():
        fail(f"사용자 이름 {user!r}은 쓸 수 없습니다 (영문 소문자와 숫자)")
    app = current_app._get_current_object()
    if print_only:
        click.echo(render_unit(app, user, host, port), nl=False)
        return
    install(app, user, host, port)


def init_app(app) -> None:
    app.cli.add_command(install_cmd)
