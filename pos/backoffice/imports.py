"""Back office: imports (filled in by its owner)."""
