"""Reading DATABASE_URL: the driver we ship and libpq's multi-host form for a primary and its standby."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from voting import create_app
from voting.config import sqlalchemy_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/luanluu", "postgresql+psycopg://u:p@db/luanluu"),
        ("postgresql://u@db:5433/luanluu", "postgresql+psycopg://u@db:5433/luanluu"),
        ("sqlite:////srv/luanluu.sqlite3", "sqlite:////srv/luanluu.sqlite3"),
        (
            "postgresql://u:p@pg1:5432,pg2:5432/luanluu?target_session_attrs=read-write",
            "postgresql+psycopg://u:p@/luanluu?host=pg1:5432&host=pg2:5432&target_session_attrs=read-write",
        ),
        ("postgresql://u@pg1,pg2/luanluu", "postgresql+psycopg://u@/luanluu?host=pg1&host=pg2"),
    ],
)
def test_database_url_becomes_what_sqlalchemy_reads(given: str, expected: str) -> None:
    assert sqlalchemy_url(given) == expected


def test_both_servers_reach_psycopg() -> None:
    """libpq's ``h1:p1,h2:p2`` is refused by SQLAlchemy's URL parser; the rewritten URL names both hosts."""
    given = "postgresql://u@pg1:5432,pg2:5433/luanluu?target_session_attrs=read-write&connect_timeout=3"
    with pytest.raises(ValueError):
        sa.create_engine(given.replace("postgresql://", "postgresql+psycopg://"))
    engine = sa.create_engine(sqlalchemy_url(given))
    _, arguments = engine.dialect.create_connect_args(engine.url)
    assert arguments["host"] == "pg1,pg2" and arguments["port"] == "5432,5433"
    assert arguments["target_session_attrs"] == "read-write" and arguments["connect_timeout"] == "3"


@pytest.mark.parametrize("pattern", ["{cluster}/{nope}/{year}", "{cluster", "{0}/HNTK"])
def test_a_register_file_code_with_unknown_fields_stops_the_app_at_start(pattern: str) -> None:
    """A bad REGISTER_FILE_CODE was a 500 on the register page; now the app refuses to start."""
    with pytest.raises(RuntimeError, match="REGISTER_FILE_CODE"):
        create_app({"TESTING": True, "SECRET_KEY": "x" * 20, "REGISTER_FILE_CODE": pattern})


def test_the_default_register_file_code_starts() -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 20, "REGISTER_FILE_CODE": "{cluster}-{year}"})
    assert app.config["REGISTER_FILE_CODE"] == "{cluster}-{year}"
