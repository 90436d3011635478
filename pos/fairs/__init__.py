"""Fair figures that need sales: the live board and the settlement per vendor. The fair itself
(event, vendors, consignment, counts) is ``inventory.fairs``."""
