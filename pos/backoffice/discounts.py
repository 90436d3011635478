"""The manager's list of discount reasons and the site's approval limit."""
