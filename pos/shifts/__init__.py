"""shifts (café operations): the till's float, cash in and out, closing counts and the day's
Z report (일일 마감): API under /api, slips on the receipt printer, the back-office page."""


def init_app(app) -> None:
    # tables, print renderers and API routes register on import
    from . import models, printing, reports, views  # noqa: F401

    app.register_blueprint(views.bp)
