"""Products, vendors, sites and the stock ledger. Uses only the shared kernel of ``pos``."""


def init_app(app) -> None:
    from . import availability, cache, campaigns, models, views  # noqa: F401  (tables, API routes register)
    from .fairs import models as fair_models  # noqa: F401

    campaigns.init_app(app)
    from .fairs import views as fair_views  # noqa: F401  (the fair API)
