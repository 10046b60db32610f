"""Forms shared across features."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A bare button: only the CSRF token."""
