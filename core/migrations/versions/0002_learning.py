"""Test-taking: assessments, their answers, and the learners' knowledge elements.

Revision ID: 0002_learning
Revises: 0001_lti_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_learning"
down_revision = "0001_lti_initial"
branch_labels = None
depends_on = None


def _account() -> sa.Column:
    return sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(36), primary_key=True),
        _account(),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("competence_code", sa.String(8), nullable=True),
        sa.Column("campaign_participation_id", sa.String(64), nullable=True),
        sa.Column("target_skills", sa.JSON, nullable=False),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("improving", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("current_challenge_id", sa.String(64), nullable=True),
        sa.Column("challenge_shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_assessments_account", "assessments", ["account_id"])
    op.create_table(
        "assessment_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.String(36), sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                  nullable=False),
        _account(),
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("elapsed_seconds", sa.Float, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("assessment_id", "challenge_id", name="uq_answer_assessment_challenge"),
    )
    op.create_index("ix_answers_account", "assessment_answers", ["account_id"])
    op.create_table(
        "knowledge_elements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _account(),
        sa.Column("skill_name", sa.String(64), nullable=False),
        sa.Column("competence_code", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("earned_pix", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessment_id", sa.String(36), nullable=True),
        sa.Column("challenge_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_knowledge_elements_account", "knowledge_elements", ["account_id", "id"])


def downgrade() -> None:
    op.drop_table("knowledge_elements")
    op.drop_table("assessment_answers")
    op.drop_table("assessments")
