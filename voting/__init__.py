"""Luân Lưu: elections and flag handover for emulation clusters."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from voting.config import PLACEHOLDER_KEYS, default_config, file_code_problem
from voting.extensions import csrf, db, login_manager, migrate
from voting.transactions import begin_sqlite

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(default_config(app.instance_path))
    if config:
        app.config.update(config)
    if app.testing and "LOOPBACK_LINKS_ALLOWED" not in (config or {}):
        app.config["LOOPBACK_LINKS_ALLOWED"] = True  # tests serve on 127.0.0.1 and issue documents
    _refuse_weak_secret(app)
    if problem := file_code_problem(app.config.get("REGISTER_FILE_CODE") or ""):
        raise RuntimeError(problem)
    _trust_proxies(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    with app.app_context():
        _configure_sqlite()

    # The factory sits above every layer: it imports the features only when it wires them in.
    from voting import cli, i18n, links, security, views
    from voting.admin.agency_routes import bp as admin_agency_bp
    from voting.admin.certificate_routes import bp as certificates_bp
    from voting.admin.external_certificate_routes import bp as external_certificates_bp
    from voting.admin.routes import bp as admin_bp
    from voting.admin.throttle_routes import bp as throttles_bp
    from voting.admin.trust_routes import bp as trust_bp
    from voting.api.routes import bp as api_bp
    from voting.auth import security as auth_security
    from voting.auth.routes import bp as auth_bp
    from voting.conferences.notes_routes import bp as notes_bp
    from voting.conferences.routes import bp as conferences_bp
    from voting.console.routes import bp as console_bp
    from voting.display.routes import bp as display_bp
    from voting.documents.routes import bp as documents_bp
    from voting.elections.paper_routes import bp as paper_bp
    from voting.elections.routes import bp as elections_bp
    from voting.elections.secret_routes import bp as secret_bp
    from voting.emulation.award_routes import bp as awards_bp
    from voting.emulation.routes import bp as emulation_bp
    from voting.emulation.scoring_routes import bp as scoring_bp
    from voting.handovers.routes import bp as handovers_bp
    from voting.signing.agency_routes import bp as agency_bp
    from voting.signing.routes import bp as signing_bp
    from voting.trustees.routes import bp as trustees_bp

    for blueprint in (
        auth_bp,
        conferences_bp,
        notes_bp,
        trustees_bp,
        console_bp,
        elections_bp,
        secret_bp,
        paper_bp,
        handovers_bp,
        emulation_bp,
        scoring_bp,
        awards_bp,
        documents_bp,
        signing_bp,
        agency_bp,
        api_bp,
        admin_bp,
        certificates_bp,
        external_certificates_bp,
        throttles_bp,
        admin_agency_bp,
        trust_bp,
        display_bp,
    ):
        app.register_blueprint(blueprint)
    i18n.init_app(app)
    views.init_app(app)
    security.init_app(app)
    auth_security.init_app(app)
    cli.init_app(app)
    links.init_app(app)
    return app


def _refuse_weak_secret(app: Flask) -> None:
    """Refuse to start outside tests without a real secret key."""
    if app.testing:
        return
    key = app.config.get("SECRET_KEY") or ""
    if key.lower() in PLACEHOLDER_KEYS or len(key) < 16:
        raise RuntimeError(
            "SECRET_KEY is missing or too weak: set the SECRET_KEY environment variable "
            "(at least 16 random characters) or write one to instance/secret_key."
        )


def _trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the configured number of reverse proxies."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        # Only the last *hops* entries of X-Forwarded-For/-Proto are believed: a client cannot forge them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _configure_sqlite() -> None:
    """Make SQLite check foreign keys and run real transactions with savepoints."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 15000")
        # WAL: a page that only reads sees a snapshot and never waits for a writer, nor it for readers.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    # The write lock up front for a POST (writers queue on busy_timeout instead of failing on a lock
    # upgrade), not for a GET, nor for a view that takes it just before its writes (see transactions).
    sa.event.listen(engine, "begin", begin_sqlite)
