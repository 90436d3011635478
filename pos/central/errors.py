"""Why central refused one event: the code goes back to the branch and onto the admins' page."""

from __future__ import annotations


class Rejected(Exception):
    """An event that can never apply as sent (malformed, unknown product, future schema).

    It is answered in ``rejected`` with its reason, recorded for the admins, and the site's
    later events still apply."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
