"""Grades: launch services (AGS/NRPS claims), line items, delivery outbox, rosters.

Revision ID: 0003_grades
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_grades"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str, target: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "grades_launch_services",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("account_id", "accounts.id"),
        _fk("activity_id", "activities.id"),
        _fk("registration_id", "lti_registrations.id"),
        sa.Column("lineitem", sa.String(1024), nullable=True),
        sa.Column("lineitems", sa.String(1024), nullable=True),
        sa.Column("ags_scopes", sa.JSON, nullable=False),
        sa.Column("memberships_url", sa.String(1024), nullable=True),
        _ts("updated_at"),
        sa.UniqueConstraint("account_id", "activity_id", name="uq_grades_launch_services"),
    )
    op.create_index("ix_grades_launch_services_activity_id", "grades_launch_services", ["activity_id"])
    op.create_table(
        "grades_line_items",
        sa.Column("activity_id", sa.Integer, sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("url", sa.String(1024), nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "grades_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        _fk("registration_id", "lti_registrations.id"),
        _fk("activity_id", "activities.id", nullable=True),
        _fk("account_id", "accounts.id", nullable=True),
        _fk("course_id", "courses.id", nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("score_value", sa.Float, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _ts("next_attempt_at"),
        _ts("lease_until", nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        _ts("created_at"),
        _ts("delivered_at", nullable=True),
    )
    op.create_index("ix_grades_outbox_due", "grades_outbox", ["status", "next_attempt_at"])
    op.create_index("ix_grades_outbox_subject", "grades_outbox", ["kind", "activity_id", "account_id"])
    op.create_table(
        "grades_rosters",
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
        _ts("fetched_at"),
        sa.Column("member_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "grades_roster_members",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("course_id", "courses.id"),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("given_name", sa.String(255), nullable=True),
        sa.Column("family_name", sa.String(255), nullable=True),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.UniqueConstraint("course_id", "user_id", name="uq_grades_roster_member"),
    )


def downgrade() -> None:
    for table in ("grades_roster_members", "grades_rosters", "grades_outbox", "grades_line_items",
                  "grades_launch_services"):
        op.drop_table(table)
