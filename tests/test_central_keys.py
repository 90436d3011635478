"""The Citus rule over the models: every table is distributed by site (``site_id`` in its
primary key and in every unique key), reference data (the catalog, replicated to every node),
or branch-only (a branch's own working tables, not sharded on central). A new table must be
put in one of the lists, so the store can still move to Citus when one server is outgrown."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint

from pos.db import db

#: sharded by site_id on Citus: the central facts, rollups and the sync ledger
DISTRIBUTED = {
    "c_sales",
    "c_sale_lines",
    "c_sale_payments",
    "c_refunds",
    "c_refund_lines",
    "c_refund_payments",
    "c_stock_moves",
    "c_stock_levels",
    "c_shifts",
    "c_cash_moves",
    "c_donations",
    "c_fairs",
    "r_site_day",
    "r_site_hour",
    "r_site_hour_month",
    "r_product_day",
    "r_vendor_day",
    "r_method_day",
    "r_campaign_day",
    "r_site_month",
    "r_site_week",
    "r_product_month",
    "r_vendor_month",
    "r_method_month",
    "r_campaign_month",
    "sync_sites",
    "sync_applied",
    "sync_rejections",
}
#: small tables every node reads (Citus reference tables): the catalog, sites, users, tokens
REFERENCE = {
    "sites",
    "vendors",
    "categories",
    "products",
    "option_groups",
    "options",
    "product_option_groups",
    "site_products",
    "campaigns",
    "discount_reasons",
    "users",
    "login_failures",
    "catalog_state",
    "catalog_clock",
    "catalog_tombstones",
    "sync_tokens",
}
#: a branch's working tables: written where the sale happens, reach central as events
BRANCH_ONLY = {
    "sales",
    "sale_lines",
    "sale_receipts",
    "payments",
    "cash_receipts",
    "refunds",
    "refund_lines",
    "refund_payments",
    "shifts",
    "cash_movements",
    "order_counters",
    "order_tickets",
    "print_jobs",
    "outbox",
    "sync_state",
    "stock_levels",
    "stock_moves",
    "stock_counts",
    "stock_count_lines",
    "donations",
    "fairs",
    "fair_vendors",
    "consignments",
    "consignment_lines",
    "fair_counts",
    "fair_count_lines",
    "fair_adjustments",
}


def _tables(app_factory):
    app_factory("sqlite")  # every part's models are imported
    return db.metadata.tables


def test_every_table_is_classified_exactly_once(app_factory):
    classes = (DISTRIBUTED, REFERENCE, BRANCH_ONLY)
    for i, a in enumerate(classes):
        for b in classes[i + 1 :]:
            assert not a & b, a & b
    names = set(_tables(app_factory))
    unclassified = names - DISTRIBUTED - REFERENCE - BRANCH_ONLY
    assert not unclassified, f"classify these tables in tests/test_central_keys.py: {unclassified}"
    assert not (DISTRIBUTED | REFERENCE | BRANCH_ONLY) - names, "a listed table is gone"


def _unique_keys(table) -> list[tuple[str, list[str]]]:
    keys = [
        (c.name or "unique", [col.name for col in c.columns])
        for c in table.constraints
        if isinstance(c, UniqueConstraint)
    ]
    keys += [(i.name, [col.name for col in i.columns]) for i in table.indexes if i.unique]
    keys += [(c.name, [c.name]) for c in table.columns if c.unique]
    return keys


def test_distributed_tables_are_keyed_by_site(app_factory):
    """site_id (the distribution column) in the primary key and every unique key; a foreign
    key goes to a reference table or carries site_id (Citus co-location)."""
    tables = _tables(app_factory)
    for name in sorted(DISTRIBUTED):
        table = tables[name]
        pk = [c.name for c in table.primary_key.columns]
        assert pk[0] == "site_id", (name, pk)
        for key, columns in _unique_keys(table):
            assert "site_id" in columns, (name, key, columns)
        for fk in table.foreign_key_constraints:
            target = fk.referred_table.name
            cols = [c.name for c in fk.columns]
            assert target in REFERENCE or (target in DISTRIBUTED and "site_id" in cols), (
                name,
                target,
            )


def test_fact_tables_are_partitioned_by_month_of_day(app_factory):
    """Partitioned facts keep day in the key (PostgreSQL requires the partition column in
    every unique key of a partitioned table)."""
    tables = _tables(app_factory)
    partitioned = {
        name
        for name, t in tables.items()
        if t.dialect_options["postgresql"].get("partition_by") == "RANGE (day)"
    }
    facts = {n for n in DISTRIBUTED if n.startswith("c_")} - {"c_stock_levels", "c_fairs"}
    assert partitioned == facts
    for name in partitioned:
        pk = [c.name for c in tables[name].primary_key.columns]
        assert pk[:2] == ["site_id", "day"], (name, pk)
        for key, columns in _unique_keys(tables[name]):
            assert "day" in columns, (name, key)
