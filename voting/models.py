"""Column helpers shared by the feature models."""

from __future__ import annotations

import enum

import sqlalchemy as sa


def enum_column(enum_cls: type[enum.Enum], name: str, *, length: int = 20, checked: bool = True) -> sa.Enum:
    """Store an enum by value as a string, with a CHECK constraint unless *checked* is False.

    Without the constraint the database takes any string, but reading a value the enum lacks
    raises LookupError: for kinds whose list lives in a registry in the code, not in migrations.
    """
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=checked,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
