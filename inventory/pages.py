"""Stock pages (/stock…) over the ledger: stock by site, move history, receive, transfer,
count, waste, low stock and labels. Each area is its own ``pages_*`` module on this blueprint;
the JSON API for batches is a nested blueprint under /api."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("stock", __name__)

# each module registers its pages on bp; stock_service also defines the count tables
from . import pages_api, pages_count, pages_index, pages_labels, pages_moves  # noqa: E402,F401
