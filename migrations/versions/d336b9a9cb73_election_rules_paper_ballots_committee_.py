"""election rules, paper ballots, committee, audit log, counting-committee role

Besides the new tables and columns, the CHECK constraints behind two string enums change
(role gets 'counter', round_status gets 'voided'): batch mode recreates them on SQLite and
drops/adds them on PostgreSQL.

Generated on e1698f5e2eb7 alongside 330b8afc8d38 (signed documents), then placed after it so the
history stays one line; the two alter different tables.

Revision ID: d336b9a9cb73
Revises: 330b8afc8d38
Create Date: 2026-11-26 13:55:17.178967

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d336b9a9cb73"
down_revision: str | Sequence[str] | None = "330b8afc8d38"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_username", sa.String(length=64), server_default="", nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("details", sa.Text(), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_entries_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_audit_entries_conference_id_conferences")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entries_hash")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_conference_id"), ["conference_id"], unique=False)

    op.create_table(
        "committee_members",
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_head", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("approvals", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_committee_members_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_committee_members_user_id_users")),
        sa.PrimaryKeyConstraint("conference_id", "user_id", name=op.f("pk_committee_members")),
    )
    with op.batch_alter_table("committee_members", schema=None) as batch_op:
        batch_op.create_index(
            "uq_committee_members_one_head",
            ["conference_id"],
            unique=True,
            postgresql_where=sa.text("is_head"),
            sqlite_where=sa.text("is_head"),
        )

    op.create_table(
        "conference_rules",
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column(
            "vote_form",
            sa.Enum(
                "secret",
                "open",
                "consensus",
                name="vote_form",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="secret",
            nullable=False,
        ),
        sa.Column(
            "ballot_type",
            sa.Enum(
                "choose_one",
                "approve",
                name="ballot_type",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="choose_one",
            nullable=False,
        ),
        sa.Column("quorum_numerator", sa.Integer(), server_default="2", nullable=False),
        sa.Column("quorum_denominator", sa.Integer(), server_default="3", nullable=False),
        sa.Column("threshold_numerator", sa.Integer(), server_default="1", nullable=False),
        sa.Column("threshold_denominator", sa.Integer(), server_default="2", nullable=False),
        sa.Column(
            "threshold_base",
            sa.Enum(
                "present",
                "members",
                "valid",
                name="threshold_base",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="present",
            nullable=False,
        ),
        sa.Column("leader_excludes_outgoing", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("deputy_excludes_outgoing_leader", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("self_vote_allowed", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("max_rounds", sa.Integer(), server_default="3", nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("max_rounds BETWEEN 1 AND 10", name=op.f("ck_conference_rules_max_rounds_range")),
        sa.CheckConstraint(
            "quorum_numerator > 0 AND quorum_numerator <= quorum_denominator",
            name=op.f("ck_conference_rules_quorum_fraction"),
        ),
        sa.CheckConstraint(
            "threshold_numerator > 0 AND threshold_numerator < threshold_denominator",
            name=op.f("ck_conference_rules_threshold_fraction"),
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_conference_rules_conference_id_conferences")
        ),
        sa.PrimaryKeyConstraint("conference_id", name=op.f("pk_conference_rules")),
    )
    op.create_table(
        "paper_counts",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("blank", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(confirmed_at IS NULL) = (confirmed_by_id IS NULL)",
            name=op.f("ck_paper_counts_confirmed_has_time"),
        ),
        sa.CheckConstraint("blank <= valid", name=op.f("ck_paper_counts_blank_le_valid")),
        sa.CheckConstraint(
            "blank >= 0 AND invalid >= 0 AND valid >= 0", name=op.f("ck_paper_counts_not_negative")
        ),
        sa.CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> entered_by_id",
            name=op.f("ck_paper_counts_four_eyes"),
        ),
        sa.CheckConstraint("returned <= issued", name=op.f("ck_paper_counts_returned_le_issued")),
        sa.CheckConstraint("valid + invalid = returned", name=op.f("ck_paper_counts_valid_plus_invalid")),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_paper_counts_confirmed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_paper_counts_entered_by_id_users")
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_paper_counts_round_id_rounds")),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_paper_counts")),
    )
    op.create_table(
        "named_votes",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("choice_unit_id", sa.Integer(), nullable=True),
        sa.Column("is_against", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.CheckConstraint(
            "NOT is_against OR choice_unit_id IS NOT NULL", name=op.f("ck_named_votes_against_has_nominee")
        ),
        sa.ForeignKeyConstraint(
            ["round_id", "choice_unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
            name=op.f("fk_named_votes_round_id_choice_unit_id_round_candidates"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_named_votes_round_id_rounds")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_named_votes_unit_id_units")),
        sa.PrimaryKeyConstraint("round_id", "unit_id", name=op.f("pk_named_votes")),
    )
    op.create_table(
        "paper_count_lines",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("against", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("votes >= 0 AND against >= 0", name=op.f("ck_paper_count_lines_not_negative")),
        sa.ForeignKeyConstraint(
            ["round_id", "unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
            name=op.f("fk_paper_count_lines_round_id_unit_id_round_candidates"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["paper_counts.round_id"], name=op.f("fk_paper_count_lines_round_id_paper_counts")
        ),
        sa.PrimaryKeyConstraint("round_id", "unit_id", name=op.f("pk_paper_count_lines")),
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_against", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "decision_method",
                sa.Enum(
                    "consensus",
                    "lots",
                    name="decision_method",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("decision_statement", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("decision_agreeing", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lots_seed", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("witnesses", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_elections_decided_by_id_users"), "users", ["decided_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_elections_decided_unit_id_units"), "units", ["decided_unit_id"], ["id"]
        )

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column(
                "method",
                sa.Enum(
                    "electronic",
                    "paper",
                    name="round_method",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                server_default="electronic",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.Text(), server_default="", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_rounds_voided_by_id_users"), "users", ["voided_by_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_rounds_round_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_rounds_round_status"), "status IN ('open', 'closed', 'voided')"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_rounds_voided_has_reason"),
            "(status = 'voided') = (voided_at IS NOT NULL AND void_reason <> '')",
        )

    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f("ck_ballots_against_has_nominee"), "NOT is_against OR choice_unit_id IS NOT NULL"
        )

    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f("ck_elections_decision_has_unit"), "(decided_at IS NULL) = (decided_unit_id IS NULL)"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_elections_lots_have_seed_and_witnesses"),
            "decision_method <> 'lots' OR (lots_seed IS NOT NULL AND witnesses <> '')",
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_users_role"),
            "role IN ('admin', 'chair', 'secretary', 'representative', 'archivist', 'counter')",
        )


def downgrade() -> None:
    # Counters and voided rounds cannot exist under the old constraints: the downgrade fails on
    # them rather than deleting history.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_users_role"),
            "role IN ('admin', 'chair', 'secretary', 'representative', 'archivist')",
        )

    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_elections_lots_have_seed_and_witnesses"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_elections_decision_has_unit"), type_="check")

    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_ballots_against_has_nominee"), type_="check")

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_rounds_voided_has_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_rounds_round_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_rounds_round_status"), "status IN ('open', 'closed')")
        batch_op.drop_constraint(batch_op.f("ck_rounds_round_method"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_rounds_voided_by_id_users"), type_="foreignkey")
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_by_id")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("method")
        batch_op.drop_column("member_count")

    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_elections_decision_method"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_elections_decided_unit_id_units"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_elections_decided_by_id_users"), type_="foreignkey")
        batch_op.drop_column("decided_by_id")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("witnesses")
        batch_op.drop_column("lots_seed")
        batch_op.drop_column("decision_agreeing")
        batch_op.drop_column("decision_statement")
        batch_op.drop_column("decision_method")
        batch_op.drop_column("decided_unit_id")

    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_column("is_against")

    op.drop_table("paper_count_lines")
    op.drop_table("named_votes")
    op.drop_table("paper_counts")
    op.drop_table("conference_rules")
    with op.batch_alter_table("committee_members", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_committee_members_one_head",
            postgresql_where=sa.text("is_head"),
            sqlite_where=sa.text("is_head"),
        )

    op.drop_table("committee_members")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_conference_id"))

    op.drop_table("audit_entries")
