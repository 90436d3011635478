"""HTTPS on the café LAN (DESIGN §5 "Branch operations"): ``pos tls init`` makes a local
certificate authority once and a server certificate for this machine's LAN addresses. Tablets
trust the CA once (the 보안 연결(HTTPS) page offers it); the server certificate can then be
renewed without touching a tablet again.

Session cookies are Secure while ``pos serve`` runs with TLS: it sets ``POS_SERVE_TLS`` for its
web processes, so a ``flask run`` over plain HTTP on the same instance keeps working."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

#: set by ``pos serve`` for its web processes when it serves HTTPS
SERVE_TLS_ENV = "POS_SERVE_TLS"
CA_YEARS = 20
#: browsers refuse server certificates valid longer than 398 days
SERVER_DAYS = 397


def tls_dir(app) -> Path:
    return Path(app.instance_path) / "tls"


def serving_tls() -> bool:
    return os.environ.get(SERVE_TLS_ENV) == "1"


def lan_names() -> tuple[list[str], list[str]]:
    """(DNS names, IP addresses) the server certificate names: localhost, this machine's host
    names and every IPv4 address of its interfaces, the ones a tablet types or scans."""
    from pos.context import _interface_addresses

    hostname = socket.gethostname().lower()
    names = ["localhost"]
    for name in (hostname, f"{hostname}.local"):
        if name and name not in names:
            names.append(name)
    ips = ["127.0.0.1"]
    for addr in sorted(_interface_addresses()):
        if addr not in ips:
            ips.append(addr)
    return names, ips


def _write_private(path: Path, data: bytes) -> None:
    """Write DATA readable by the owner only, from the first byte (no window at 0644)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _ca(folder: Path, site: str):
    """The existing CA (kept: tablets already trust it), or a new one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path, key_path = folder / "ca.pem", folder / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return cert, key, False
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "꿈이든 POS"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"꿈이든 POS {site} 로컬 인증기관"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, key.private_bytes(*_pem_private()))
    _write_public(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert, key, True


def _pem_private():
    from cryptography.hazmat.primitives import serialization

    return (
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_certificates(folder: Path, site: str) -> tuple[bool, list[str], list[str]]:
    """Keep or make the CA, then a fresh server certificate and key signed by it.
    Returns (CA newly made, DNS names, IP addresses)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    ca_cert, ca_key, made = _ca(folder, site)
    names, ips = lan_names()
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    alt = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[-1])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(folder / "server-key.pem", key.private_bytes(*_pem_private()))
    _write_public(folder / "server.pem", cert.public_bytes(serialization.Encoding.PEM))
    return made, names, ips


@click.group("tls")
def tls_group() -> None:
    """HTTPS for the café LAN: a local CA and this server's certificate."""


@tls_group.command("init")
@with_appcontext
def tls_init_cmd() -> None:
    """Make (or keep) the local CA and renew this server's certificate."""
    from pos.cli import fail

    folder = tls_dir(current_app)
    site = current_app.config.get("POS_SITE") or "POS"
    try:
        made, names, ips = make_certificates(folder, site)
    except OSError as exc:
        fail(f"인증서를 만들 수 없습니다: {folder} 폴더에 쓸 수 없습니다 ({exc.strerror})")
    click.echo(
        ("로컬 인증기관을 새로 만들었습니다" if made else "기존 로컬 인증기관을 그대로 씁니다")
        + f": {folder / 'ca.pem'}"
    )
    click.echo(f"서버 인증서를 새로 만들었습니다 ({SERVER_DAYS}일 유효): {', '.join(names + ips)}")
    click.echo(f"pos serve --cert {folder / 'server.pem'} --key {folder / 'server-key.pem'}")


def check_tls_files(cert: str | None, key: str | None) -> str | None:
    """A Korean reason the pair cannot serve HTTPS, or None when it can."""
    import ssl

    if bool(cert) != bool(key):
        return "HTTPS에는 인증서(--cert)와 개인 키(--key)가 둘 다 필요합니다"
    if not cert:
        return None
    for label, path in (("인증서", cert), ("개인 키", key)):
        if not os.path.isfile(path):
            return f"{label} 파일이 없습니다: {path} (pos tls init 으로 만드세요)"
        if not os.access(path, os.R_OK):
            return f"{label} 파일을 읽을 수 없습니다 (권한): {path}"
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (ssl.SSLError, ValueError, OSError):
        return f"인증서와 개인 키를 쓸 수 없습니다 (형식이 틀렸거나 짝이 맞지 않음): {cert}, {key}"
    return None


def init_app(app) -> None:
    app.cli.add_command(tls_group)
    if serving_tls():
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    from . import tls_page

    tls_page.init_app(app)
