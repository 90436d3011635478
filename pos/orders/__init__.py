"""orders (café operations): the bar's tickets and order board, the cash drawer's kicks."""


def init_app(app) -> None:
    from . import (
        models,  # noqa: F401  (tables)
        printing,  # noqa: F401  (the kitchen and drawer renderers)
        views,
    )

    app.register_blueprint(views.bp)
