"""Account links (issue 17, "one learner, one profile"): which account uses which profile, and the rows a merge
moved (so that an unlink can give them back).

Revision ID: 0008_h17_account_links
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_h17_account_links"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("profile_account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_account_links_profile_account_id", "account_links", ["profile_account_id"])
    op.create_table(
        "account_link_rows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("link_id", sa.Integer, sa.ForeignKey("account_links.id", ondelete="CASCADE"), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_key", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON, nullable=False),
    )
    op.create_index("ix_account_link_rows_link", "account_link_rows", ["link_id", "table_name"])


def downgrade() -> None:
    op.drop_index("ix_account_link_rows_link", table_name="account_link_rows")
    op.drop_table("account_link_rows")
    op.drop_index("ix_account_links_profile_account_id", table_name="account_links")
    op.drop_table("account_links")
