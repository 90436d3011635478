"""Back office: catalog (filled in by its owner)."""
