"""꿈이든 POS: the app factory. ``POS_ROLE`` decides which blueprints and workers start."""

from __future__ import annotations

import os

from flask import Flask
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIGRATIONS = os.path.join(ROOT, "migrations")

csrf = CSRFProtect()
migrate = Migrate(directory=MIGRATIONS, render_as_batch=True)


def create_app(test_config: dict | None = None) -> Flask:
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("POS_INSTANCE")
    app = Flask(
        __name__,
        instance_path=instance or os.path.join(ROOT, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)

    from . import config

    config.load(app, test_config)
    app.json.ensure_ascii = False  # Korean stays readable in API responses

    import inventory

    from . import api, auth, db, limits, outbox  # noqa: F401
    from .cashier import views as cashier_views
    from .fairs import api as fair_api  # noqa: F401  (board and settlement routes)
    from .receipts import views as receipt_views
    from .sales import views as sales_views  # noqa: F401  (registers API routes)

    db.init_app(app)
    inventory.init_app(app)
    migrate.init_app(app, db.db)
    # api first: its body limit must be set before CSRF's check opens the request stream
    api.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)
    auth.init_app(app)
    # /api/login has no session to protect yet; it returns the token later calls must send.
    csrf.exempt("pos.auth.views.api_login")
    app.register_blueprint(api.bp)
    app.register_blueprint(receipt_views.bp)
    app.register_blueprint(cashier_views.bp)
    from . import backoffice, korean, staff

    korean.init_app(app)

    staff.init_app(app)
    backoffice.init_app(app)
    from . import orders, refunds, shifts

    shifts.init_app(app)
    refunds.init_app(app)
    orders.init_app(app)

    from . import central, reports, sync

    central.init_app(app)
    sync.init_app(app)
    reports.init_app(app)

    from . import cli, ops

    ops.init_app(app)
    cli.init_app(app)

    @app.after_request
    def _security_headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    return app
