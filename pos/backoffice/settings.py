"""Back office: settings (filled in by its owner)."""
