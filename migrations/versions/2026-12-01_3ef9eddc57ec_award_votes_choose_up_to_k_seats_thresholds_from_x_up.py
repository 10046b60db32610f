"""Award votes (suy tôn): choose up to k units, seats, winners, thresholds "from x% up"

Award votes are elections with office 'award': one per title and conference, several seats, their
own threshold; their plaintext ballots' marks go to ballot_marks; the units proposed to
election_winners. The rules may say "từ x% trở lên" (threshold_inclusive).

Revision ID: 3ef9eddc57ec
Revises: a91d99898733
Create Date: 2026-12-01 13:23:50.334911

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3ef9eddc57ec"
down_revision: str | Sequence[str] | None = "a91d99898733"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: the elections' checks this revision adds (certified_has_winner is relaxed for awards)
ELECTION_CHECKS = {
    "certified_has_winner": "certified_at IS NULL OR elected_unit_id IS NOT NULL OR office = 'award'",
    "award_has_title": "(office = 'award') = (award_title IS NOT NULL)",
    "office_has_one_seat": "office = 'award' OR seats = 1",
    "seats_positive": "seats >= 1",
    "award_has_threshold": "(office = 'award') = (threshold_numerator IS NOT NULL AND threshold_denominator "
    "IS NOT NULL AND threshold_inclusive IS NOT NULL)",
    "award_threshold_fraction": "threshold_numerator > 0 AND threshold_numerator < threshold_denominator",
    "candidates_top_positive": "candidates_top IS NULL OR candidates_top >= 1",
}


def upgrade() -> None:
    op.create_table(
        "election_winners",
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_election_winners_position_positive")),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name=op.f("fk_election_winners_election_id_elections")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_election_winners_unit_id_units")),
        sa.PrimaryKeyConstraint("election_id", "unit_id", name=op.f("pk_election_winners")),
        sa.UniqueConstraint("election_id", "position", name=op.f("uq_election_winners_election_id_position")),
    )
    op.create_table(
        "ballot_marks",
        sa.Column("ballot_id", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"], ["ballots.id"], name=op.f("fk_ballot_marks_ballot_id_ballots"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id", "unit_id"],
            ["round_candidates.round_id", "round_candidates.unit_id"],
            name=op.f("fk_ballot_marks_round_id_unit_id_round_candidates"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_ballot_marks_round_id_rounds")),
        sa.PrimaryKeyConstraint("ballot_id", "unit_id", name=op.f("pk_ballot_marks")),
    )
    with op.batch_alter_table("ballot_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_marks_round_id"), ["round_id"], unique=False)

    with op.batch_alter_table("conference_rules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("threshold_inclusive", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("elections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("award_title", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("seats", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("threshold_numerator", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("threshold_denominator", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("threshold_inclusive", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("candidates_top", sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_elections_conference_id_office"), type_="unique")
        batch_op.create_index(
            "uq_elections_conference_id_office",
            ["conference_id", "office"],
            unique=True,
            postgresql_where=sa.text("office <> 'award'"),
            sqlite_where=sa.text("office <> 'award'"),
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_elections_conference_id_award_title"), ["conference_id", "award_title"]
        )
        batch_op.drop_constraint(batch_op.f("ck_elections_office"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_elections_office"), "office IN ('leader', 'deputy', 'award')"
        )
        batch_op.drop_constraint(batch_op.f("ck_elections_certified_has_winner"), type_="check")
        for name, condition in ELECTION_CHECKS.items():
            batch_op.create_check_constraint(batch_op.f(f"ck_elections_{name}"), condition)

    with op.batch_alter_table("conference_rules", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_conference_rules_ballot_type"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_conference_rules_ballot_type"),
            "ballot_type IN ('choose_one', 'approve', 'choose_up_to_k')",
        )

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seats", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_rounds_seats_positive"), "seats >= 1")


def downgrade() -> None:
    # Award votes cannot exist under the old constraints: the downgrade fails on them, deleting nothing.
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_rounds_seats_positive"), type_="check")
        batch_op.drop_column("seats")

    with op.batch_alter_table("conference_rules", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_conference_rules_ballot_type"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_conference_rules_ballot_type"), "ballot_type IN ('choose_one', 'approve')"
        )

    with op.batch_alter_table("elections", schema=None) as batch_op:
        for name in ELECTION_CHECKS:
            batch_op.drop_constraint(batch_op.f(f"ck_elections_{name}"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_elections_certified_has_winner"),
            "certified_at IS NULL OR elected_unit_id IS NOT NULL",
        )
        batch_op.drop_constraint(batch_op.f("ck_elections_office"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_elections_office"), "office IN ('leader', 'deputy')")
        batch_op.drop_constraint(batch_op.f("uq_elections_conference_id_award_title"), type_="unique")
        batch_op.drop_index(
            "uq_elections_conference_id_office",
            postgresql_where=sa.text("office <> 'award'"),
            sqlite_where=sa.text("office <> 'award'"),
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_elections_conference_id_office"), ["conference_id", "office"]
        )
        batch_op.drop_column("candidates_top")
        batch_op.drop_column("threshold_inclusive")
        batch_op.drop_column("threshold_denominator")
        batch_op.drop_column("threshold_numerator")
        batch_op.drop_column("seats")
        batch_op.drop_column("award_title")

    with op.batch_alter_table("conference_rules", schema=None) as batch_op:
        batch_op.drop_column("threshold_inclusive")

    with op.batch_alter_table("ballot_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_marks_round_id"))

    op.drop_table("ballot_marks")
    op.drop_table("election_winners")
