"""The trustees' page and the key ceremony's JSON endpoints."""

from __future__ import annotations

from flask import Blueprint

from voting.trustees import models  # noqa: F401 - the tables, for the app and its migrations

bp = Blueprint("trustees", __name__)
