"""Request body of the JSON log-in."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    username: str = Field(min_length=1, max_length=60)
    password: str | None = Field(default=None, max_length=200)
    pin: str | None = Field(default=None, pattern=r"^[0-9]{4,6}$")


class LoginOut(BaseModel):
    """Who is logged in, and the token unsafe calls send as ``X-CSRFToken``."""

    user: str
    name: str
    role: str
    site: str | None
    csrf_token: str


class OkOut(BaseModel):
    ok: bool
