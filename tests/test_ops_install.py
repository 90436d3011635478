"""`pos install`: the systemd unit it writes for this checkout, checked by systemd itself, and
its refusals, which change nothing on the machine."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from live import ROOT, pos_command

from pos.ops.install import RULE_PATH, STOP_TIMEOUT, UNIT_PATH, render_rule
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
    assert d["ExecStart"] == [f"{ROOT}/.venv/bin/pos serve --host 0.0.0.0 --port 5080"]
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
    broken.write_text(unit.replace(f"ExecStart={ROOT}", "ExecStart=/nowhere"), "utf-8")
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
