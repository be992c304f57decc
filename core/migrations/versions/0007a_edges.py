"""Dynamic registration: hosts waiting for an administrator's approval (issue 13, the edges).

Revision ID: 0007a_edges
Revises: 0006_campaigns
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007a_edges"
down_revision = "0006_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_dynreg_host_requests",
        sa.Column("host", sa.String(253), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("lti_dynreg_host_requests")
