"""orders (café operations)."""


def init_app(app) -> None:
    from . import models  # noqa: F401  (tables)
