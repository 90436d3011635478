"""Central admin pages: sites, sync tokens, sync status of every site, rejected events."""
