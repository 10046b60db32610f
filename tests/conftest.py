"""Fixtures: an app on SQLite (or on ``TEST_DATABASE_URL``), the database per test, clients and factories.

How a test meets the database:

* By default a test runs inside a transaction that is rolled back when it ends: ``db.session`` is
  bound to one connection in a begun transaction and joins it with a savepoint, so the code's own
  ``commit()`` and ``rollback()`` only release or roll back savepoints. Service tests (no client)
  work this way.
* A test marked ``commits`` commits for real and the tables are emptied after it. Tests that use a
  client (``client``, ``login``, ``site``, ``make_site``, ``demo``, ``live_server``) are marked so
  automatically: a request pushes its own app context and session. Mark by hand the tests whose other
  threads, processes or connections must see the data (``@pytest.mark.commits``).
* A module whose tests only read an expensive stage builds it once with ``build_for_module``.

The factories (``make_cluster``, ``make_user``, ``make_conference``; ``tests/factories.py``) build
through the app's services and commit what they made, as data that existed before the test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from argon2 import PasswordHasher
from flask import Flask, current_app
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import downgrade, upgrade
from flask_sqlalchemy.session import Session

from tests.factories import Factories, Site, Stage
from tests.helpers import PASSWORD, Demo, csrf_token
from voting import create_app
from voting.auth import services as auth_services
from voting.auth.models import Role, User
from voting.clusters.models import Cluster
from voting.conferences.models import Conference
from voting.demo import create_demo
from voting.extensions import db
from voting.signing import softhsm

T = TypeVar("T")
#: modules whose build_for_module data is committed: none of their tests may empty the tables
_MODULES_WITH_SHARED_DATA: set[str] = set()
#: fixtures that commit for real: using one marks the test ``commits``
COMMITTING_FIXTURES = frozenset({"client", "login", "site", "make_site", "demo", "live_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``commits`` every test that uses a committing fixture."""
    for item in items:
        if COMMITTING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.commits)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the test database: ``TEST_DATABASE_URL`` (PostgreSQL in CI) or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session", autouse=True)
def _softhsm_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the SoftHSM2 tokens the tests make (the clerk's agency keys) out of the instance folder."""
    softhsm.configure(tmp_path_factory.mktemp("softhsm"))


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
    if db.engine.dialect.name == "postgresql":  # the migrations' function outlives the tables
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP FUNCTION IF EXISTS audit_append"))


# The database per test ---------------------------------------------------------------------------


class _JoinedSession(Session):
    """``db.session`` of a rolled-back test: every statement goes to the test's connection."""

    def get_bind(self, *args: Any, bind: Any = None, **kwargs: Any) -> Any:
        # Flask-SQLAlchemy's get_bind picks the engine; here the session's own bind is the connection.
        return bind if bind is not None else self.bind


@contextmanager
def _rolled_back(app: Flask) -> Iterator[None]:
    """Push an app context whose ``db.session`` runs in a transaction that is rolled back at the end.

    SQLAlchemy's "joining a session into an external transaction" recipe. On SQLite the app's
    ``begin`` listener emits ``BEGIN IMMEDIATE`` when the connection begins; savepoints then nest
    inside. Reach the database through ``db.session`` only: on SQLite another connection would wait
    for this transaction's write lock. Another app (a test that builds its own) gets its usual session.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        options = {**original.session_factory.kw, "bind": connection}
        # the code's commit() releases a savepoint, its rollback() rolls back to one
        joined = sa_orm.sessionmaker(
            class_=_JoinedSession, join_transaction_mode="create_savepoint", **options
        )

        def new_session() -> sa_orm.Session:
            is_test_app = current_app._get_current_object() is app  # type: ignore[attr-defined]
            return joined() if is_test_app else original.session_factory()

        db.session = sa_orm.scoped_session(new_session, scopefunc=original.registry.scopefunc)  # type: ignore[arg-type]
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@contextmanager
def _emptied_afterwards(app: Flask, *, push_context: bool) -> Iterator[None]:
    """Let the test commit; empty every table afterwards.

    Tests that use a client get no app context: a request reuses an app context that is already
    pushed, and with it ``g`` and the database session, which would leak between clients.
    """
    context = app.app_context() if push_context else None
    if context is not None:
        context.push()
    try:
        yield
    finally:
        if context is not None:
            db.session.rollback()
            context.pop()
        _empty_tables(app)


def _empty_tables(app: Flask) -> None:
    """Delete every row of every table."""
    with app.app_context(), db.engine.begin() as connection:
        existing = set(sa.inspect(connection).get_table_names())
        for table in reversed(db.metadata.sorted_tables):
            if table.name in existing:  # a model without its migration fails test_cli instead
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _database(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    """Roll the test's transaction back, or (``commits``) empty the tables after it."""
    if request.node.get_closest_marker("commits") is None:
        with _rolled_back(app):
            yield
    else:
        assert request.module.__name__ not in _MODULES_WITH_SHARED_DATA, (
            f"{request.node.nodeid} commits, and its cleanup would empty the data that "
            "build_for_module keeps for the module: move it to another module"
        )
        uses_client = bool({"client", "login", "site", "make_site"} & set(request.fixturenames))
        with _emptied_afterwards(app, push_context=not uses_client):
            yield


# Clients -------------------------------------------------------------------------------------------


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def login(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a function that gives a new client logged in as an account (a factory's or the demo's)."""

    def log_in(username: str) -> FlaskClient:
        browser = app.test_client()
        token = csrf_token(browser, "/login")
        response = browser.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, f"login as {username} failed"
        return browser

    return log_in


# Factories -----------------------------------------------------------------------------------------


@pytest.fixture
def factories() -> Factories:
    """This test's factories (numbering what they create)."""
    return Factories()


def _committed(build: Callable[..., T]) -> Callable[..., T]:
    """Return *build* committing what it made: the test meets it as data that existed before."""

    def build_and_commit(*args: Any, **kwargs: Any) -> T:
        made = build(*args, **kwargs)
        db.session.commit()
        return made

    return build_and_commit


@pytest.fixture
def make_cluster(factories: Factories) -> Callable[..., Cluster]:
    """Return ``make_cluster(units=8)``: a cluster, its member units, their representatives and staff."""
    return _committed(factories.cluster)


@pytest.fixture
def make_user(factories: Factories) -> Callable[..., User]:
    """Return ``make_user(role, username=None, unit=None)``: an account with the test password."""
    return _committed(factories.user)


@pytest.fixture
def make_conference(factories: Factories) -> Callable[..., Conference]:
    """Return ``make_conference(stage=Stage.CREATED, units=8, …)``: a conference run to a stage."""
    return _committed(factories.conference)


@pytest.fixture(scope="module")
def build_for_module(
    request: pytest.FixtureRequest, app: Flask
) -> Iterator[Callable[[Callable[[Factories], T]], T]]:
    """Return ``build_for_module(build)``: run ``build(factories)`` once, commit, keep it for the module.

    For a module of tests that only read an expensive stage (a signed conference): *build* runs in
    its own app context and should return ids or files, not ORM objects; each test still runs in a
    rolled-back transaction on top. The tables are emptied when the module ends, so the module must
    hold no test marked ``commits`` (its cleanup would take the module's data with it).
    """

    def build_once(build: Callable[[Factories], T]) -> T:
        with app.app_context():
            made = build(Factories())
            db.session.commit()
            return made

    _MODULES_WITH_SHARED_DATA.add(request.module.__name__)
    yield build_once
    _MODULES_WITH_SHARED_DATA.discard(request.module.__name__)
    _empty_tables(app)


@pytest.fixture(scope="module")
def ended_id(build_for_module: Callable[[Callable[[Factories], int]], int]) -> int:
    """A conference played to its end through the services, its documents issued, unsigned (per module)."""
    return build_for_module(lambda factories: factories.conference(Stage.MINUTES_ISSUED).id)


@pytest.fixture
def ended(ended_id: int) -> Conference:
    """The module's ended conference in this test's session; what a test changes is rolled back after it."""
    conference = db.session.get(Conference, ended_id)
    assert conference is not None
    return conference


@pytest.fixture
def conference(make_conference: Callable[..., Conference]) -> Conference:
    """A conference of a new 8-unit cluster, ready to run (nobody checked in)."""
    return make_conference()


@pytest.fixture
def make_site(app: Flask, factories: Factories) -> Callable[..., Site]:
    """Return ``make_site(stage, …)``: a committed factory conference, an archivist and an administrator.

    For tests that go through the client: the result holds ids and usernames, not ORM objects.
    """

    def make(stage: Stage = Stage.CREATED, **kwargs: Any) -> Site:
        with app.app_context():
            built = factories.conference(stage, **kwargs)
            site = Site.of(built, archivist=factories.user(Role.ARCHIVIST), admin=factories.user(Role.ADMIN))
            db.session.commit()
            return site

    return make


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    """A committed 8-unit conference, nobody checked in, with its accounts' usernames."""
    return make_site()


# The demo ------------------------------------------------------------------------------------------


@pytest.fixture
def demo_conference() -> Conference:
    """The demo's 2016 conference of Cụm thi đua số 4 (8 named units, nobody checked in)."""
    created, _logins = create_demo()
    db.session.commit()
    return created


@pytest.fixture
def demo(app: Flask) -> Demo:
    """Commit the demo 2016 conference and return its ids, for tests that go through the client."""
    with app.app_context():
        created, _logins = create_demo()
        db.session.commit()
        return Demo(created.id, created.cluster_id, {u.name: u.id for u in created.cluster.units})
