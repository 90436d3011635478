"""Back office: users (filled in by its owner)."""
