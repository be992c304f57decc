"""Moodle fixes (issue 21): one course per platform and context across deployments (existing duplicates
merged), the language of gradebook comments, and no score kept for instructors.

Revision ID: 0007h_moodle
Revises: 0006_campaigns
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007h_moodle"
down_revision = "0006_campaigns"
branch_labels = None
depends_on = ("0002_learning", "0003_grades", "0004_admin", "0005_gar")  # runs after every area

_INSTRUCTOR_OF_ACTIVITY = """
    EXISTS (SELECT 1 FROM activities a JOIN memberships m ON m.course_id = a.course_id
            WHERE a.id = {table}.activity_id AND m.account_id = {table}.account_id
              AND m.role IN ('teacher', 'admin'))
"""
# tables whose course_id is handled with care below (unique keys); any other reference is simply repointed
_HANDLED = {"memberships", "grades_rosters", "grades_roster_members", "campaign_organisations"}


def _merge_course(bind: sa.Connection, keep: int, dup: int, referencing: list[tuple[str, str]]) -> None:
    run = bind.execute
    params = {"keep": keep, "dup": dup}
    run(sa.text("DELETE FROM memberships WHERE course_id = :dup AND account_id IN "
                "(SELECT account_id FROM memberships WHERE course_id = :keep)"), params)
    run(sa.text("UPDATE memberships SET course_id = :keep WHERE course_id = :dup"), params)
    if run(sa.text("SELECT 1 FROM grades_rosters WHERE course_id = :keep"), params).first():
        run(sa.text("DELETE FROM grades_rosters WHERE course_id = :dup"), params)
    else:
        run(sa.text("UPDATE grades_rosters SET course_id = :keep WHERE course_id = :dup"), params)
    run(sa.text("DELETE FROM grades_roster_members WHERE course_id = :dup AND user_id IN "
                "(SELECT user_id FROM grades_roster_members WHERE course_id = :keep)"), params)
    run(sa.text("UPDATE grades_roster_members SET course_id = :keep WHERE course_id = :dup"), params)
    kept_org = run(sa.text("SELECT id FROM campaign_organisations WHERE course_id = :keep"), params).scalar()
    dup_org = run(sa.text("SELECT id FROM campaign_organisations WHERE course_id = :dup"), params).scalar()
    if dup_org is not None and kept_org is not None:  # the campaigns of both are the course's campaigns
        orgs = {"kept": kept_org, "dup": dup_org}
        run(sa.text("UPDATE campaign_target_profiles SET organisation_id = :kept WHERE organisation_id = :dup"), orgs)
        run(sa.text("UPDATE campaigns SET organisation_id = :kept WHERE organisation_id = :dup"), orgs)
        run(sa.text("DELETE FROM campaign_organisations WHERE id = :dup"), orgs)
    elif dup_org is not None:
        run(sa.text("UPDATE campaign_organisations SET course_id = :keep WHERE id = :org"), {**params, "org": dup_org})
    for table, column in referencing:
        if table not in _HANDLED:
            run(sa.text(f'UPDATE "{table}" SET "{column}" = :keep WHERE "{column}" = :dup'), params)
    run(sa.text("DELETE FROM courses WHERE id = :dup"), params)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("grades_launch_services") as batch:
        batch.add_column(sa.Column("locale", sa.String(8), nullable=False, server_default="fr"))
    # instructors are not graded: their scores could never be delivered (Moodle answers HTTP 400)
    bind.execute(sa.text(
        "UPDATE grades_outbox SET status = 'superseded', last_error = 'score d''enseignant·e : non envoyé' "
        "WHERE kind = 'score' AND status IN ('pending', 'dead') AND "
        + _INSTRUCTOR_OF_ACTIVITY.format(table="grades_outbox")))
    bind.execute(sa.text(
        "UPDATE grades_launch_services SET lineitem = NULL, lineitems = NULL WHERE "
        + _INSTRUCTOR_OF_ACTIVITY.format(table="grades_launch_services")))

    inspector = sa.inspect(bind)
    referencing = [(table, fk["constrained_columns"][0]) for table in inspector.get_table_names()
                   for fk in inspector.get_foreign_keys(table) if fk.get("referred_table") == "courses"]
    rows = bind.execute(sa.text("SELECT issuer, context_id, id FROM courses ORDER BY issuer, context_id, id")).all()
    groups: dict[tuple[str, str], list[int]] = {}
    for issuer, context_id, course_id in rows:
        groups.setdefault((issuer, context_id), []).append(course_id)
    for ids in groups.values():
        for dup in ids[1:]:
            _merge_course(bind, ids[0], dup, referencing)
    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint("uq_course_context", type_="unique")
        batch.create_unique_constraint("uq_course_platform_context", ["issuer", "context_id"])


def downgrade() -> None:  # merged courses stay merged
    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint("uq_course_platform_context", type_="unique")
        batch.create_unique_constraint("uq_course_context", ["issuer", "deployment_id", "context_id"])
    with op.batch_alter_table("grades_launch_services") as batch:
        batch.drop_column("locale")
