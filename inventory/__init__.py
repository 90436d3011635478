"""Products, vendors, sites and the stock ledger. Uses only the shared kernel of ``pos``."""


def init_app(app) -> None:
    from . import models  # noqa: F401  (register tables with the shared metadata)
