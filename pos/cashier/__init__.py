"""The cashier's touch screen (a page over the checkout API)."""
