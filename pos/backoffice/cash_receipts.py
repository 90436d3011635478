"""현금영수증 requests of a day and their issuing approval numbers."""
