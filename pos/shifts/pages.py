"""일일 마감 (the Z report) and the day's shifts in the back office."""
