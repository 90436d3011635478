"""refunds (café operations): refunds and voids of sales, their 반품 영수증 and outbox events."""


def init_app(app) -> None:
    # the tables, and the "refund" print job's renderer
    from . import models, printing  # noqa: F401
