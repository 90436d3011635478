"""`pos tls init` and `pos serve --cert --key` (DESIGN §5 "Branch operations"): a real server
answers HTTPS that verifies against the generated local CA, its session cookie is Secure, and
the same instance still serves plain HTTP (cookie not Secure) without a certificate."""

from __future__ import annotations

import ssl
import stat
import urllib.error
import urllib.request

import pytest
from cryptography import x509
from live import LiveServer, free_port, start_serve, stop_group, wait_healthy
from support import ApiClient

from pos.ops.tls import check_tls_files, make_certificates, tls_dir


def _get(url: str, context: ssl.SSLContext | None = None):
    with urllib.request.urlopen(url, timeout=5, context=context) as resp:
        return resp.status, resp.headers.get_all("Set-Cookie") or [], resp.read()


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("tls"))
    yield server
    server.stop()


def test_tls_init_makes_a_ca_and_renews_only_the_server_certificate(branch):
    done = branch.pos("tls", "init")
    assert done.returncode == 0, done.stderr
    folder = branch.instance / "tls"
    assert "로컬 인증기관을 새로 만들었습니다" in done.stdout
    for name in ("ca-key.pem", "server-key.pem"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    ca = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    first_ca, first_server = (folder / "ca.pem").read_bytes(), (folder / "server.pem").read_bytes()
    alt = x509.load_pem_x509_certificate(first_server).extensions
    names = alt.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert "127.0.0.1" in [str(ip) for ip in names.get_values_for_type(x509.IPAddress)]

    again = branch.pos("tls", "init")
    assert again.returncode == 0, again.stderr
    assert "기존 로컬 인증기관을 그대로 씁니다" in again.stdout
    assert (folder / "ca.pem").read_bytes() == first_ca
    assert (folder / "server.pem").read_bytes() != first_server


def test_serve_refuses_a_missing_or_wrong_certificate_in_korean(branch, tmp_path):
    folder = branch.instance / "tls"
    if not (folder / "server.pem").exists():
        assert branch.pos("tls", "init").returncode == 0
    missing = branch.pos("serve", "--cert", str(tmp_path / "nope.pem"), "--key", "x.pem")
    assert missing.returncode == 1
    assert missing.stderr.startswith("오류:") and "인증서 파일이 없습니다" in missing.stderr
    assert "Traceback" not in missing.stderr
    # the same check, in process: one half of the pair, a key of another certificate
    assert "둘 다 필요합니다" in check_tls_files(str(folder / "server.pem"), None)
    wrong = check_tls_files(str(folder / "server.pem"), str(folder / "ca-key.pem"))
    assert "짝이 맞지 않음" in wrong
    assert check_tls_files(str(folder / "server.pem"), str(folder / "server-key.pem")) is None


def test_tls_page_offers_the_ca_and_warns_over_plain_http(sqlite_app, tmp_path):
    from test_backoffice_admin_users import manager

    page = manager(sqlite_app).client.get("/admin/tls")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "암호화하지 않은 연결(HTTP)" in text and "pos tls init" in text
    assert "/tls/ca.pem" not in text  # no CA yet: nothing to download
    assert sqlite_app.test_client().get("/tls/ca.pem").status_code == 404

    make_certificates(tls_dir(sqlite_app), "CAFE03")
    text = manager(sqlite_app).client.get("/admin/tls").get_data(as_text=True)
    assert "/tls/ca.pem" in text and "iPad" in text and "안드로이드" in text
    secure = manager(sqlite_app).client.get("/admin/tls", base_url="https://localhost")
    assert "보안 연결(HTTPS)로 접속 중입니다" in secure.get_data(as_text=True)
    download = sqlite_app.test_client().get("/tls/ca.pem")
    assert download.status_code == 200
    assert download.mimetype == "application/x-x509-ca-cert"
    assert download.data == (tls_dir(sqlite_app) / "ca.pem").read_bytes()
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234").get("/admin/tls")
    assert cashier.status_code in (302, 403, 404)


def test_https_verified_against_the_ca_with_secure_cookies_then_plain_http(branch):
    folder = branch.instance / "tls"
    if not (folder / "server.pem").exists():
        assert branch.pos("tls", "init").returncode == 0
    port = free_port()
    proc = start_serve(
        [
            "--port",
            str(port),
            "--cert",
            str(folder / "server.pem"),
            "--key",
            str(folder / "server-key.pem"),
        ],
        branch.env,
        branch.log_path,
    )
    try:
        trusted = ssl.create_default_context(cafile=str(folder / "ca.pem"))
        base = f"https://127.0.0.1:{port}"
        wait_healthy(proc, base, branch.log_path, 90, context=trusted)
        status, cookies, _ = _get(f"{base}/login", trusted)
        assert status == 200
        session = [c for c in cookies if c.startswith("session=")]
        assert session and all("Secure" in c for c in session), cookies
        status, _, body = _get(f"{base}/tls/ca.pem", trusted)
        assert body == (folder / "ca.pem").read_bytes()
        # a client that does not trust the CA is refused: the chain really is checked
        with pytest.raises(urllib.error.URLError):
            _get(f"{base}/api/health", ssl.create_default_context())
        with pytest.raises(OSError):
            _get(f"http://127.0.0.1:{port}/api/health")
    finally:
        stop_group(proc)
    assert "https://127.0.0.1" in branch.log_path.read_text("utf-8")

    branch.start()
    status, cookies, _ = _get(f"{branch.base}/login")
    assert status == 200
    session = [c for c in cookies if c.startswith("session=")]
    assert session and not any("Secure" in c for c in session), cookies
