"""Certification sessions (issue 19): centres, staff, sessions, candidates, certification courses, answers,
issue reports, results.

Revision ID: 0008_h19_certification
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_h19_certification"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = ("0007h_moodle",)  # courses are one per platform and context (centres reference them)

_TZ = sa.DateTime(timezone=True)


def _account(name: str, **kw: object) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True, **kw)


def upgrade() -> None:
    op.create_table(
        "certification_centres",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("uai", sa.String(8), nullable=True, unique=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=True,
                  unique=True),
        sa.Column("version", sa.String(2), nullable=False, server_default="v3"),
        sa.Column("session_creators", sa.String(16), nullable=False, server_default="managers"),
        sa.Column("publication", sa.String(16), nullable=False, server_default="automatic"),
        sa.Column("address", sa.String(512), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
    )
    op.create_table(
        "certification_centre_staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("centre_id", sa.Integer, sa.ForeignKey("certification_centres.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.UniqueConstraint("centre_id", "account_id", name="uq_certification_centre_staff"),
    )
    op.create_index("ix_certification_centre_staff_account_id", "certification_centre_staff", ["account_id"])
    op.create_table(
        "certification_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("centre_id", sa.Integer, sa.ForeignKey("certification_centres.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("time", sa.String(5), nullable=False),
        sa.Column("room", sa.String(255), nullable=False),
        sa.Column("address", sa.String(512), nullable=False, server_default=""),
        sa.Column("examiner", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("access_code", sa.String(6), nullable=False),
        sa.Column("invigilator_password", sa.String(6), nullable=False),
        sa.Column("version", sa.String(2), nullable=False, server_default="v3"),
        sa.Column("state", sa.String(16), nullable=False, server_default="created"),
        _account("created_by"),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("finalised_at", _TZ, nullable=True),
        _account("finalised_by"),
        sa.Column("examiner_comment", sa.Text, nullable=True),
        sa.Column("published_at", _TZ, nullable=True),
    )
    op.create_index("ix_certification_sessions_centre_id", "certification_sessions", ["centre_id"])
    op.create_table(
        "certification_candidates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("certification_sessions.id", ondelete="CASCADE"),
                  nullable=False),
        _account("account_id"),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("last_name", sa.String(255), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=True),
        sa.Column("division", sa.String(255), nullable=True),
        sa.Column("extra_time_percent", sa.Integer, nullable=False, server_default="0"),
        sa.Column("accessibility_adjustment", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("present", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("present_at", _TZ, nullable=True),
        sa.Column("absent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", _TZ, nullable=False),
        sa.UniqueConstraint("session_id", "account_id", name="uq_certification_candidate_account"),
    )
    op.create_index("ix_certification_candidates_session_id", "certification_candidates", ["session_id"])
    op.create_index("ix_certification_candidates_account", "certification_candidates", ["account_id"])
    op.create_table(
        "certification_courses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("certification_sessions.id", ondelete="CASCADE"),
                  nullable=False),
        _account("account_id"),
        sa.Column("version", sa.String(2), nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, server_default="started"),
        sa.Column("started_at", _TZ, nullable=False),
        sa.Column("ended_at", _TZ, nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("paused_at", _TZ, nullable=True),
        sa.Column("paused_seconds", sa.Integer, nullable=False, server_default="0"),
        sa.Column("extra_minutes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("current_challenge_id", sa.String(64), nullable=True),
        sa.Column("current_challenge_at", _TZ, nullable=True),
        sa.Column("reentry_authorised", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_seen_at", _TZ, nullable=True),
        sa.Column("planned", sa.JSON, nullable=False),
        sa.Column("excluded_challenge_ids", sa.JSON, nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
    )
    op.create_index("ix_certification_courses_session_id", "certification_courses", ["session_id"])
    op.create_index("ix_certification_courses_account_id", "certification_courses", ["account_id"])
    op.create_table(
        "certification_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("certification_courses.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("focused_out", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("time_seconds", sa.Integer, nullable=True),
        sa.Column("answered_at", _TZ, nullable=False),
        sa.UniqueConstraint("course_id", "challenge_id", name="uq_certification_answer_challenge"),
        sa.UniqueConstraint("course_id", "position", name="uq_certification_answer_position"),
    )
    op.create_table(
        "certification_issue_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("certification_courses.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("challenge_id", sa.String(64), nullable=True),
        sa.Column("raised_at", _TZ, nullable=False),
        _account("reported_by"),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("resolved_at", _TZ, nullable=True),
        _account("resolved_by"),
    )
    op.create_index("ix_certification_issue_reports_candidate_id", "certification_issue_reports", ["candidate_id"])
    op.create_index("ix_certification_issue_reports_course_id", "certification_issue_reports", ["course_id"])
    op.create_table(
        "certification_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("course_id", sa.Integer, sa.ForeignKey("certification_courses.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("certification_candidates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("global_level", sa.String(32), nullable=True),
        sa.Column("competence_levels", sa.JSON, nullable=False),
        sa.Column("capacity", sa.Float, nullable=True),
        sa.Column("reproducibility_rate", sa.Float, nullable=True),
        sa.Column("neutralised", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("computed_at", _TZ, nullable=False),
        sa.Column("published_at", _TZ, nullable=True),
    )
    op.create_index("ix_certification_results_candidate_id", "certification_results", ["candidate_id"])


def downgrade() -> None:
    for table in ("certification_results", "certification_issue_reports", "certification_answers",
                  "certification_courses", "certification_candidates", "certification_sessions",
                  "certification_centre_staff", "certification_centres"):
        op.drop_table(table)
