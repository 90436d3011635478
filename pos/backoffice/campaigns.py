"""만원의 행복 pages: campaigns, donations handed over, owed / donated / outstanding."""
