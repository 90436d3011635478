"""Organisers' fair pages (/fairs…)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("fairs", __name__)
