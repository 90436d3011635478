"""Back office: today (filled in by its owner)."""
