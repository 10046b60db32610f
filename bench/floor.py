"""The floors: bare Flask apps doing only the cast's inserts (or turnout's one count).

The same stack as the real app (Flask, Flask-SQLAlchemy's engine with the app's own SQLite
settings, the same driver, gunicorn). ``/cast`` is the bare floor: no session, login, CSRF, rules,
templates or i18n. ``/auth/cast`` is the authenticated floor: Flask-Login whose user loader joins
the user to its live server-side login session (the app's own query), Flask-WTF's CSRF, and the
cast's two inserts in one transaction on the app's own tables; ``/audit/cast`` is the same plus the
app's hash-chained audit append. ``gunicorn bench.floor:app`` with ``DATABASE_URL`` set.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Flask, abort, jsonify, redirect, request, session
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect
from werkzeug.wrappers import Response

from voting import _configure_sqlite
from voting.audit.services import record
from voting.auth.models import User
from voting.auth.security import SESSION_ID_FIELD
from voting.auth.services import user_for_session
from voting.config import default_config
from voting.elections.models import Ballot, Participation
from voting.elections.services import new_receipt_code
from voting.extensions import db
from voting.formatting import utc_now

app = Flask(__name__)
app.config.update(default_config(app.instance_path))
db.init_app(app)
with app.app_context():
    _configure_sqlite()  # exactly the real app's connection settings
logins = LoginManager(app)
csrf = CSRFProtect(app)


@logins.user_loader
def load_user(user_id: str) -> User | None:
    """Load the account joined to its live login session, in one query, as the app does."""
    return user_for_session(int(user_id), session.get(SESSION_ID_FIELD)) if user_id.isdigit() else None


def _insert_ballot(round_id: int, unit_id: int, choice: str) -> None:
    db.session.execute(sa.insert(Participation).values(round_id=round_id, unit_id=unit_id))
    db.session.execute(
        sa.insert(Ballot).values(
            id=secrets.token_hex(16),
            round_id=round_id,
            choice_unit_id=None if choice == "blank" else int(choice),
            receipt_code=new_receipt_code(),
        )
    )


def _authenticated_cast(round_id: int, *, audit: bool) -> Response:
    account: User = current_user._get_current_object()  # type: ignore[attr-defined]
    if not account.is_authenticated or account.unit_id is None:
        abort(403)
    try:
        _insert_ballot(round_id, account.unit_id, request.form.get("choice", "blank"))
        if audit:
            record(
                "ballot.cast",
                actor=account,
                now=utc_now().replace(second=0, microsecond=0),
                details={"round_id": round_id, "unit_id": account.unit_id},
            )
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        abort(409)
    return redirect(f"/receipt/{round_id}")


@app.post("/auth/cast/<int:round_id>")
def authenticated_cast(round_id: int) -> Response:
    """The authenticated floor: the logged-in unit's two inserts, CSRF checked."""
    return _authenticated_cast(round_id, audit=False)


@app.post("/audit/cast/<int:round_id>")
def audited_cast(round_id: int) -> Response:
    """The authenticated floor plus the hash-chained audit append."""
    return _authenticated_cast(round_id, audit=True)


@app.post("/cast/<int:round_id>/<int:unit_id>")
@csrf.exempt
def cast(round_id: int, unit_id: int) -> Response:
    """Insert the participation and the ballot in one transaction."""
    choice = request.form.get("choice", "blank")
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(Participation).values(round_id=round_id, unit_id=unit_id))
            connection.execute(
                sa.insert(Ballot).values(
                    id=secrets.token_hex(16),
                    round_id=round_id,
                    choice_unit_id=None if choice == "blank" else int(choice),
                    receipt_code=new_receipt_code(),
                )
            )
    except sa.exc.IntegrityError:
        abort(409)
    return redirect(f"/receipt/{round_id}")


@app.get("/turnout/<int:round_id>")
def turnout(round_id: int) -> Response:
    """Count the round's participations."""
    with db.engine.connect() as connection:
        voted = connection.scalar(
            sa.select(sa.func.count()).select_from(Participation).where(Participation.round_id == round_id)
        )
    return jsonify(round_id=round_id, voted=voted)
