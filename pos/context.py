"""Which site a request works for: the user's own site, else the site this server runs."""

from __future__ import annotations

import functools
import socket

from flask import current_app, g, request
from flask_login import current_user

from pos.api import ApiError
from pos.sites import SiteInfo, site_directory

NO_SITE_MESSAGE = "이 서버에 매장이 아직 설정되지 않았습니다. 관리자에게 문의하세요"


def server_site() -> SiteInfo | None:
    """The site this server runs (``POS_SITE``), else its first active site."""
    sites = site_directory()
    code = current_app.config.get("POS_SITE")
    return sites.by_code(code) if code else sites.first_active()


def current_site() -> SiteInfo:
    """Cashiers are bound to their site; managers and admins work at this server's site."""
    if "site" in g:
        return g.site
    site = None
    if current_user.is_authenticated and current_user.site_id:
        site = site_directory().get(current_user.site_id)
    if site is None:
        site = server_site()
    if site is None or not site.active:
        raise ApiError(
            409, "no_site", "이 서버에 매장이 아직 설정되지 않았습니다. 관리자에게 문의하세요"
        )
    g.site = site
    return site


def safe_path(target: str | None) -> str | None:
    """``target`` if it is a plain path on this server, else None: never a redirect off the
    server. Browsers drop tabs and newlines and read a backslash as a slash, so a slash, a tab
    and "/evil.example" mean "//evil.example": refuse them."""
    from urllib.parse import urlsplit

    if (
        target
        and target.startswith("/")
        and target.isprintable()
        and not any(c in target for c in " \\")
        and not target.startswith("//")
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return None


def receipt_base_url() -> str:
    """Where receipt QR codes point. ``RECEIPT_BASE_URL`` when configured; else the address
    the tablet used, but only when it names this machine (any client can send any ``Host``);
    else the address ``pos serve`` was started on."""
    configured = current_app.config.get("RECEIPT_BASE_URL")
    if configured:
        return configured.rstrip("/") + "/"
    name, port = _split_host(request.host)
    wanted_port = current_app.config.get("SERVER_PORT") or 5000
    if name.lower() in own_host_names() and port in (None, wanted_port):
        return request.host_url
    fallback = current_app.config.get("SERVER_BASE_URL")
    if fallback:
        return fallback.rstrip("/") + "/"
    lan = sorted(a for a in _interface_addresses() if not a.startswith("127."))
    port = current_app.config.get("SERVER_PORT") or 5000
    return f"http://{lan[0] if lan else 'localhost'}:{port}/"


def _split_host(host: str) -> tuple[str, int | None]:
    """``"[::1]:5000"`` → ``("::1", 5000)``, ``"pos.local"`` → ``("pos.local", None)``; a
    port that is not a number makes the whole host unusable (an empty name)."""
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif host.count(":") == 1:
        name, port_text = host.split(":")
    else:
        name, port_text = host, ""
    if not port_text:
        return name, None
    return (name, int(port_text)) if port_text.isdigit() else ("", None)


@functools.cache
def own_host_names() -> frozenset[str]:
    """This machine's names and addresses (looked up once per process)."""
    names = {"localhost", "127.0.0.1", "::1"}
    hostname = socket.gethostname()
    names.update({hostname.lower(), socket.getfqdn().lower(), f"{hostname.lower()}.local"})
    try:
        for info in socket.getaddrinfo(hostname, None):
            names.add(str(info[4][0]).lower())
    except OSError:
        pass
    names.update(_interface_addresses())
    return frozenset(names)


def _interface_addresses() -> set[str]:
    """IPv4 addresses of the network interfaces (Linux), the ones a tablet on the LAN uses."""
    found: set[str] = set()
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for _index, ifname in socket.if_nameindex():
                try:
                    packed = struct.pack("256s", ifname.encode()[:15])
                    addr = fcntl.ioctl(s.fileno(), 0x8915, packed)[20:24]  # SIOCGIFADDR
                    found.add(socket.inet_ntoa(addr))
                except OSError:
                    continue
    except (ImportError, OSError):
        pass
    return found
