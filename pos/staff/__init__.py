"""The staff page: a manager unlocks a locked-out cashier or resets a PIN from the browser."""

from __future__ import annotations


def init_app(app) -> None:
    from .views import bp

    app.register_blueprint(bp)
