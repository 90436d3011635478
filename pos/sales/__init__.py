"""Sales: pricing a checkout, payments, 현금영수증, and the sale record every reader shares."""
