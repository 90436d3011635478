"""Receipts: documents per legal seller, the persistent print queue and the e-receipt page."""
