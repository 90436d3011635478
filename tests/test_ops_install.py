"""`pos install`: the systemd unit it writes for this checkout, checked by systemd itself, and
its refusals, which change nothing on the machine."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from live import ROOT, pos_command

from pos.ops.install import RULE_PATH, STOP_TIMEOUT, UNIT_PATH, pos_script, render_rule
from pos.server import GRACEFUL


def pos(instance: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "BACKUP_DIR"}}
    return subprocess.run(
        pos_command() + list(args),
        env={**clean, "POS_INSTANCE": str(instance), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def directives(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in unit.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    instance = tmp_path_factory.mktemp("install") / "instance"
    done = pos(instance, "install", "--print", "--port", "5080")
    assert done.returncode == 0, done.stderr
    return instance, done.stdout


def test_print_writes_the_unit_for_this_checkout(printed):
    instance, unit = printed
    d = directives(unit)
    real = os.path.realpath(instance)
    assert d["ExecStart"] == [f"{pos_script()} serve --host 0.0.0.0 --port 5080"]
    assert d["WorkingDirectory"] == [str(ROOT)]
    assert d["Environment"][0] == f"POS_INSTANCE={real}"
    assert d["User"] == ["pos"] and d["Group"] == ["pos"]
    assert d["Restart"] == ["on-failure"]
    assert d["After"] == ["network-online.target"] and d["Wants"] == ["network-online.target"]
    assert d["WantedBy"] == ["multi-user.target"]
    # the instance folder is the only place it may write
    assert d["ProtectSystem"] == ["strict"] and d["ReadWritePaths"] == [real]
    for hardening in ("NoNewPrivileges", "PrivateTmp", "RestrictSUIDSGID", "ProtectKernelModules"):
        assert d[hardening] == ["yes"], hardening
    # systemd waits long enough for the requests in flight and the workers' last step
    assert d["KillSignal"] == ["SIGTERM"] and d["KillMode"] == ["mixed"]
    assert int(d["TimeoutStopSec"][0]) == STOP_TIMEOUT >= 2 * GRACEFUL + 10
    assert not re.search(r"@[A-Z_]+@", unit)


def test_the_printed_unit_passes_systemd_analyze_verify(printed, tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here (Debian: apt install systemd)")
    _, unit = printed
    good = tmp_path / "pos.service"
    good.write_text(unit, "utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(good)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # verify only warns about a mistyped directive: there must be none for our file
    assert "pos.service:" not in done.stderr, done.stderr
    # the check can fail: a start command that does not exist is caught
    broken = tmp_path / "broken" / "pos.service"
    broken.parent.mkdir()
    broken.write_text(unit.replace(f"ExecStart={pos_script()}", "ExecStart=/nowhere/pos"), "utf-8")
    bad = subprocess.run(
        ["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode != 0 and "/nowhere" in bad.stderr


def test_a_backup_folder_elsewhere_is_writable_too(tmp_path):
    usb = tmp_path / "usb-backups"
    done = pos(tmp_path / "instance", "install", "--print", BACKUP_DIR=str(usb))
    assert done.returncode == 0, done.stderr
    paths = directives(done.stdout)["ReadWritePaths"][0].split()
    assert paths == [os.path.realpath(tmp_path / "instance"), os.path.realpath(usb)]


def test_print_changes_nothing_on_the_machine(printed):
    had_user = _user_exists("pos")
    pos(printed[0], "install", "--print")
    assert not UNIT_PATH.exists() and not RULE_PATH.exists()
    assert _user_exists("pos") == had_user


def test_install_without_systemd_is_refused_and_changes_nothing(tmp_path):
    if os.geteuid() != 0 or Path("/run/systemd/system").is_dir():
        pytest.skip("needs root on a machine not booted with systemd (a container)")
    had_user = _user_exists("pos")
    done = pos(tmp_path / "instance", "install")
    assert done.returncode == 1
    assert done.stderr.startswith("오류: ") and "systemd" in done.stderr
    assert "--print" in done.stderr and "Traceback" not in done.stderr
    assert not UNIT_PATH.exists() and _user_exists("pos") == had_user


def test_install_as_an_ordinary_user_is_refused(tmp_path):
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as nobody")
    instance = Path(tempfile.mkdtemp(prefix="pos-install-"))  # nobody cannot enter tmp_path
    try:
        instance.chmod(0o777)
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        done = subprocess.run(
            as_nobody + pos_command() + ["install"],
            env={"POS_INSTANCE": str(instance), "PATH": os.environ["PATH"], "HOME": "/"},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(instance)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.startswith("오류: 관리자 권한이 필요합니다"), done.stderr
    assert not UNIT_PATH.exists()


def test_a_path_systemd_would_split_is_refused(tmp_path):
    done = pos(tmp_path / "my instance", "install", "--print")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("오류: ") and "/opt/pos" in done.stderr


def test_the_printer_rule_gives_the_service_user_the_usb_printers():
    rule = render_rule("pos")
    lines = [ln for ln in rule.splitlines() if ln.startswith("ATTR{idVendor}")]
    assert len(lines) >= 5 and '"04b8"' in rule and '"1504"' in rule  # Epson, Bixolon
    assert all(ln.endswith('MODE="0660", GROUP="pos"') for ln in lines)
    assert 'SUBSYSTEM!="usb"' in rule and "@" not in rule


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture()
def service_user():
    """A throw-away service user, removed afterwards (the real path creates one)."""
    if os.geteuid() != 0 or shutil.which("useradd") is None or shutil.which("runuser") is None:
        pytest.skip("the real install path needs root, useradd and runuser")
    name = f"pos-t{os.getpid()}"
    if subprocess.run(["id", name], capture_output=True).returncode == 0:
        pytest.skip(f"a user {name} already exists")
    yield name
    subprocess.run(["userdel", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)


def _prepare(instance: Path, user: str):
    """`pos install` up to the systemd steps, for real: user, folders, migration."""
    from pos import create_app
    from pos.db import db
    from pos.ops.install import prepare

    app = create_app({"INSTANCE_PATH": str(instance)})
    try:
        with app.app_context():
            return prepare(app, user)
    finally:
        with app.app_context():
            db.engine.dispose()


def _others_can_run() -> bool:
    """Whether another user can start this virtualenv's Python (not so when it lives in a home
    folder, e.g. pyenv under /root): the service user must."""
    from pos.ops.install import can_run

    return can_run("nobody", "/")


def test_the_real_path_makes_the_user_hands_it_the_instance_and_migrates(service_user, capsys):
    if not _others_can_run():
        pytest.skip("this virtualenv's Python is in a folder other users cannot enter")
    instance = Path(tempfile.mkdtemp(prefix="pos-install-")) / "instance"
    instance.parent.chmod(0o755)  # as /opt/pos is
    try:
        unit = _prepare(instance, service_user)
        said = capsys.readouterr().out
        entry = pwd.getpwnam(service_user)
        assert entry.pw_shell == "/usr/sbin/nologin" and entry.pw_uid < 1000  # a system user
        assert f"사용자 {service_user}를 만들었습니다" in said and "pos init" in said
        # the database was made by the service user and is migrated
        db_file = instance / "pos.sqlite3"
        assert db_file.stat().st_uid == entry.pw_uid
        with sqlite3.connect(db_file) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()
        owners = {p.stat().st_uid for p in [instance, *instance.rglob("*")]}
        assert owners == {entry.pw_uid}  # the secret key made by root included
        assert f"User={service_user}" in unit
        # a second run (an upgrade) finds the user and changes nothing else
        _prepare(instance, service_user)
        assert f"사용자 {service_user}: 이미 있습니다" in capsys.readouterr().out
    finally:
        shutil.rmtree(instance.parent)
    assert not UNIT_PATH.exists()


def test_a_database_that_cannot_be_migrated_stops_before_systemd(service_user, capsys):
    if not _others_can_run():
        pytest.skip("this virtualenv's Python is in a folder other users cannot enter")
    instance = Path(tempfile.mkdtemp(prefix="pos-install-")) / "instance"
    instance.parent.chmod(0o755)  # as /opt/pos is
    try:
        instance.mkdir()
        (instance / "pos.sqlite3").write_bytes(b"this is not a database" * 100)
        before = (instance / "pos.sqlite3").read_bytes()
        with pytest.raises(SystemExit) as stopped:
            _prepare(instance, service_user)
        assert stopped.value.code == 1
        err = capsys.readouterr().err
        assert "오류: 데이터베이스를 준비하지 못했습니다" in err
        assert "서비스는 바꾸지 않았습니다" in err
        assert (instance / "pos.sqlite3").read_bytes() == before
    finally:
        shutil.rmtree(instance.parent)
    assert not UNIT_PATH.exists()


def test_a_python_the_service_user_cannot_run_is_refused(service_user, capsys):
    if _others_can_run():
        pytest.skip("this virtualenv's Python can be run by other users")
    instance = Path(tempfile.mkdtemp(prefix="pos-install-")) / "instance"
    instance.parent.chmod(0o755)  # as /opt/pos is
    try:
        with pytest.raises(SystemExit) as stopped:
            _prepare(instance, service_user)
        assert stopped.value.code == 1
        err = capsys.readouterr().err
        assert err.startswith("오류: ") and "/opt/pos" in err and "python3" in err
        # refused before the folders were handed over or the database was touched
        assert not (instance / "pos.sqlite3").exists()
        assert {p.stat().st_uid for p in [instance, *instance.rglob("*")]} == {0}
    finally:
        shutil.rmtree(instance.parent)
    assert not UNIT_PATH.exists()
