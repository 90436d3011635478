"""만원의 행복 (buy-one-donate-one) campaigns and their donations."""


def init_app(app) -> None:
    from . import models  # noqa: F401  (tables)
