"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${body(upgrades)}


def downgrade() -> None:
    ${body(downgrades)}
<%!
    import re

    MARKER = re.compile(r"\s*# ### .* ###")

    def body(text):
        """Return a rendered function body without autogenerate's markers: every revision is reviewed."""
        kept = [line for line in (text or "").splitlines() if not MARKER.fullmatch(line)]
        return "\n".join(kept).strip() or "pass"
%>
