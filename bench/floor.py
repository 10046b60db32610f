"""The floor: a bare Flask app doing only the cast's two inserts (or turnout's one count).

The same stack as the real app (Flask, Flask-SQLAlchemy's engine with the app's own SQLite
settings, the same driver, gunicorn) but no session, login, CSRF, rules, templates or i18n.
``gunicorn bench.floor:app`` with ``DATABASE_URL`` set.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Flask, abort, jsonify, redirect, request
from werkzeug.wrappers import Response

from voting import _configure_sqlite
from voting.config import default_config
from voting.elections.models import Ballot, Participation
from voting.elections.services import new_receipt_code
from voting.extensions import db

app = Flask(__name__)
app.config.update(default_config(app.instance_path))
db.init_app(app)
with app.app_context():
    _configure_sqlite()  # exactly the real app's connection settings


@app.post("/cast/<int:round_id>/<int:unit_id>")
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
