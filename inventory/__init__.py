"""Products, vendors, sites and the stock ledger. Uses only the shared kernel of ``pos``."""


def init_app(app) -> None:
    from . import cache, models, views  # noqa: F401  (tables and API routes register on import)
    from .fairs import models as fair_models  # noqa: F401
    from .fairs import views as fair_views  # noqa: F401  (the fair API)
