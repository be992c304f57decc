"""Certification test day (issue 19): candidates' arrivals (identity confirmed in the room).

Revision ID: 0008_h19b_test_day
Revises: 0008_h19_certification
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_h19b_test_day"
down_revision = "0008_h19_certification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certification_arrivals",
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("certification_arrivals")
