"""Fixtures: an app on SQLite (or on ``TEST_DATABASE_URL``), clients, and factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import downgrade, upgrade

from tests.helpers import Demo, csrf_token
from voting import create_app
from voting.auth import services as auth_services
from voting.conferences.models import Conference
from voting.demo import PASSWORD, create_demo
from voting.extensions import db


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the test database: ``TEST_DATABASE_URL`` (PostgreSQL in CI) or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """Create the app once and build its schema from the migrations (down and up again)."""
    # Hashing at production cost would make every factory call slow.
    auth_services._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    application = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with application.app_context():
        _drop_everything()
        upgrade()
        downgrade(revision="base")
        upgrade()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_everything() -> None:
    """Start from an empty database, whatever an earlier run left."""
    metadata = sa.MetaData()
    metadata.reflect(db.engine)
    metadata.drop_all(db.engine)


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    """Empty the tables after each test; service tests also get an app context.

    Tests that use a client get none: a request reuses an app context that is already
    pushed, and with it ``g`` and the database session, which would leak between clients.
    """
    uses_client = bool({"client", "login"} & set(request.fixturenames))
    context = None if uses_client else app.app_context()
    if context is not None:
        context.push()
    try:
        yield
    finally:
        if context is not None:
            db.session.rollback()
            context.pop()
        with app.app_context(), db.engine.begin() as connection:
            existing = set(sa.inspect(connection).get_table_names())
            for table in reversed(db.metadata.sorted_tables):
                if table.name in existing:  # a model without its migration fails test_cli instead
                    connection.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def conference() -> Conference:
    """The demo's 2016 conference of Cụm thi đua số 4, ready to run (8 units, nobody checked in)."""
    created, _logins = create_demo()
    db.session.commit()
    return created


@pytest.fixture
def demo(app: Flask) -> Demo:
    """Create the demo 2016 conference and return its ids."""
    with app.app_context():
        created, _logins = create_demo()
        db.session.commit()
        return Demo(created.id, created.cluster_id, {u.name: u.id for u in created.cluster.units})


@pytest.fixture
def login(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a function that gives a new client logged in as a demo account."""

    def log_in(username: str) -> FlaskClient:
        browser = app.test_client()
        token = csrf_token(browser, "/login")
        response = browser.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, f"login as {username} failed"
        return browser

    return log_in
