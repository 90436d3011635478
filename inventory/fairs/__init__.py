"""One-day fairs (하루장터): the event, its vendors' booths, consignment in, counts at close and
audited corrections. Sales figures for the board and the settlement live in ``pos.fairs``,
because inventory never reads sales (DESIGN §3)."""
