"""conference core

Revision ID: 7acbe40360d6
Revises:
Create Date: 2026-11-26 13:44:47.341768

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "7acbe40360d6"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("parent_body", sa.String(length=160), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clusters")),
        sa.UniqueConstraint("code", name=op.f("uq_clusters_code")),
        sa.UniqueConstraint("parent_body", "name", name=op.f("uq_clusters_parent_body_name")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], name=op.f("fk_units_cluster_id_clusters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("cluster_id", "name", name=op.f("uq_units_cluster_id_name")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_units_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=120), server_default="", nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "chair",
                "secretary",
                "representative",
                "archivist",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("is_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.CheckConstraint(
            "role <> 'representative' OR unit_id IS NOT NULL", name=op.f("ck_users_representative_has_unit")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_users_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "conferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("directing_leader", sa.String(length=255), server_default="", nullable=False),
        sa.Column("report_summary", sa.Text(), server_default="", nullable=False),
        sa.Column("chair_id", sa.Integer(), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=False),
        sa.Column("outgoing_leader_id", sa.Integer(), nullable=False),
        sa.Column("outgoing_deputy_id", sa.Integer(), nullable=True),
        sa.Column("approvals", sa.Integer(), nullable=True),
        sa.CheckConstraint("chair_id <> secretary_id", name=op.f("ck_conferences_chair_is_not_secretary")),
        sa.ForeignKeyConstraint(["chair_id"], ["users.id"], name=op.f("fk_conferences_chair_id_users")),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_conferences_cluster_id_clusters")
        ),
        sa.ForeignKeyConstraint(
            ["outgoing_deputy_id"], ["units.id"], name=op.f("fk_conferences_outgoing_deputy_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["outgoing_leader_id"], ["units.id"], name=op.f("fk_conferences_outgoing_leader_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["users.id"], name=op.f("fk_conferences_secretary_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conferences")),
        sa.UniqueConstraint("cluster_id", "year", name=op.f("uq_conferences_cluster_id_year")),
    )
    with op.batch_alter_table("conferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conferences_cluster_id"), ["cluster_id"], unique=False)

    op.create_table(
        "check_ins",
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=False),
        sa.Column("checked_in_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_in_by_id"], ["users.id"], name=op.f("fk_check_ins_checked_in_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_check_ins_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_check_ins_unit_id_units")),
        sa.PrimaryKeyConstraint("conference_id", "unit_id", name=op.f("pk_check_ins")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "conference_minutes",
                name="document_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=160), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_documents_sha256_length")),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_documents_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_documents_issued_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("conference_id", "kind", name=op.f("uq_documents_conference_id_kind")),
        sa.UniqueConstraint("conference_id", "sequence", name=op.f("uq_documents_conference_id_sequence")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_conference_id"), ["conference_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)

    op.create_table(
        "elections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column(
            "office",
            sa.Enum("leader", "deputy", name="office", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("elected_unit_id", sa.Integer(), nullable=True),
        sa.Column("certified_at", sa.DateTime(), nullable=True),
        sa.Column("certified_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "certified_at IS NULL OR elected_unit_id IS NOT NULL",
            name=op.f("ck_elections_certified_has_winner"),
        ),
        sa.ForeignKeyConstraint(
            ["certified_by_id"], ["users.id"], name=op.f("fk_elections_certified_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_elections_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(
            ["elected_unit_id"], ["units.id"], name=op.f("fk_elections_elected_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elections")),
        sa.UniqueConstraint("conference_id", "office", name=op.f("uq_elections_conference_id_office")),
    )
    op.create_table(
        "flag_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("from_unit_id", sa.Integer(), nullable=False),
        sa.Column("to_unit_id", sa.Integer(), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(), nullable=False),
        sa.Column("giver_name", sa.String(length=120), nullable=False),
        sa.Column("giver_title", sa.String(length=120), nullable=False),
        sa.Column("receiver_name", sa.String(length=120), nullable=False),
        sa.Column("receiver_title", sa.String(length=120), nullable=False),
        sa.Column("witnesses", sa.Text(), nullable=False),
        sa.Column("flag_condition", sa.Text(), nullable=False),
        sa.Column("files_handed_over", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("from_unit_id <> to_unit_id", name=op.f("ck_flag_handovers_different_units")),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_flag_handovers_conference_id_conferences")
        ),
        sa.ForeignKeyConstraint(
            ["from_unit_id"], ["units.id"], name=op.f("fk_flag_handovers_from_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_flag_handovers_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["to_unit_id"], ["units.id"], name=op.f("fk_flag_handovers_to_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_handovers")),
        sa.UniqueConstraint("conference_id", name=op.f("uq_flag_handovers_conference_id")),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "closed", name="round_status", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("base", sa.Integer(), nullable=False),
        sa.CheckConstraint("(status = 'open') = (closed_at IS NULL)", name=op.f("ck_rounds_closed_has_time")),
        sa.CheckConstraint("base > 0", name=op.f("ck_rounds_base_positive")),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_rounds_election_id_elections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("election_id", "number", name=op.f("uq_rounds_election_id_number")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(
            "uq_rounds_one_open_per_election",
            ["election_id"],
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "participations",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_participations_round_id_rounds")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_participations_unit_id_units")),
        sa.PrimaryKeyConstraint("round_id", "unit_id", name=op.f("pk_participations")),
    )
    op.create_table(
        "round_candidates",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_candidates_round_id_rounds")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_round_candidates_unit_id_units")),
        sa.PrimaryKeyConstraint("round_id", "unit_id", name=op.f("pk_round_candidates")),
    )
    op.create_table(
        "ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("choice_unit_id", sa.Integer(), nullable=True),
        sa.Column("receipt_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id", "choice_unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
            name=op.f("fk_ballots_round_id_choice_unit_id_round_candidates"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_ballots_round_id_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sa.UniqueConstraint("receipt_code", name=op.f("uq_ballots_receipt_code")),
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballots_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballots_round_id"))

    op.drop_table("ballots")
    op.drop_table("round_candidates")
    op.drop_table("participations")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_rounds_one_open_per_election",
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )

    op.drop_table("rounds")
    op.drop_table("flag_handovers")
    op.drop_table("elections")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_sha256"))
        batch_op.drop_index(batch_op.f("ix_documents_conference_id"))

    op.drop_table("documents")
    op.drop_table("check_ins")
    with op.batch_alter_table("conferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conferences_cluster_id"))

    op.drop_table("conferences")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_unit_id"))

    op.drop_table("users")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_cluster_id"))

    op.drop_table("units")
    op.drop_table("clusters")
