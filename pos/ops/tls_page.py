"""보안 연결(HTTPS) page (/admin/tls, manager/admin): whether this server answers over HTTPS,
the local CA certificate to download and how to trust it on an Android tablet and an iPad.

The CA certificate itself (/tls/ca.pem) needs no log-in: it is public by nature (only its key,
which never leaves the instance folder, is secret), and a new tablet must fetch it before it
can reach the log-in page without a warning."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from flask import Response, abort, current_app, render_template, request

from pos.auth.service import roles_required
from pos.central.pages import add_page
from pos.scope import SITE_ADMINS

from .tls import lan_names, tls_dir


def _certificate(path):
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return None


def _fingerprint(cert) -> str:
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


@roles_required(*SITE_ADMINS)
def tls_page():
    folder = tls_dir(current_app)
    ca = _certificate(folder / "ca.pem")
    server = _certificate(folder / "server.pem")
    names, ips = lan_names()
    port = request.host.rpartition(":")[2] if ":" in request.host else ""
    lan = [ip for ip in ips if ip != "127.0.0.1"]
    return render_template(
        "ops/tls.html",
        secure=request.is_secure,
        ca=ca,
        ca_fingerprint=_fingerprint(ca) if ca else "",
        server=server,
        server_until=server.not_valid_after_utc.strftime("%Y-%m-%d") if server else "",
        https_address=f"https://{lan[0] if lan else names[0]}{':' + port if port else ''}/",
    )


def ca_download():
    path = tls_dir(current_app) / "ca.pem"
    if not path.is_file():
        abort(404)
    # a few hundred bytes: read whole, so no file stays open after the response
    return Response(
        path.read_bytes(),
        mimetype="application/x-x509-ca-cert",
        headers={
            "Content-Disposition": "attachment; filename=kkumideun-pos-ca.crt",
            "Cache-Control": "no-cache",
        },
    )


def init_app(app) -> None:
    if app.config["POS_ROLE"] != "branch":
        return
    add_page(app, "/admin/tls", "tls", tls_page)
    app.add_url_rule("/tls/ca.pem", endpoint="ops_tls_ca", view_func=ca_download)
