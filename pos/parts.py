"""Packages made of parts that each register themselves with ``init_app(app)``."""

from __future__ import annotations

import importlib


def init_parts(package: str, names: tuple[str, ...], app) -> None:
    """Import each ``package.name`` and call its ``init_app(app)`` if it has one.

    A part that does not exist is skipped, so a package can list the parts it is made of
    while they are being written; an import error inside a part is never hidden."""
    for name in names:
        try:
            module = importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{name}":
                raise
            continue
        hook = getattr(module, "init_app", None)
        if hook is not None:
            hook(app)
