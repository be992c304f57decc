"""Personal data: names from a school's class list move to the pupil's GAR profile (the list entry, with its
birth date, is deleted once matched); a keyed digest of erased identities (so that an LMS roster does not
re-create an erased pupil's data); an index on accounts' last use (retention).

Revision ID: 0007c_personal_data
Revises: 0006_campaigns (and needs 0005_gar)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007c_personal_data"
down_revision = "0006_campaigns"
branch_labels = None
depends_on = ("0005_gar",)


def upgrade() -> None:
    op.add_column("gar_profiles", sa.Column("listed_given_name", sa.String(255), nullable=True))
    op.add_column("gar_profiles", sa.Column("listed_family_name", sa.String(255), nullable=True))
    # Entries already matched: their names go to the profile; the entry (and its birth date) goes.
    matched = "SELECT {col} FROM gar_roster_entries e WHERE e.account_id = gar_profiles.account_id"
    op.execute(
        f"UPDATE gar_profiles SET listed_given_name = ({matched.format(col='e.given_name')}), "
        f"listed_family_name = ({matched.format(col='e.family_name')}) "
        "WHERE EXISTS (SELECT 1 FROM gar_roster_entries e WHERE e.account_id = gar_profiles.account_id)"
    )
    op.execute("DELETE FROM gar_roster_entries WHERE account_id IS NOT NULL")
    op.create_table(
        "privacy_erased_identities",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_accounts_last_launch_at", "accounts", ["last_launch_at"])


def downgrade() -> None:
    op.drop_index("ix_accounts_last_launch_at", table_name="accounts")
    op.drop_table("privacy_erased_identities")
    with op.batch_alter_table("gar_profiles") as batch:
        batch.drop_column("listed_family_name")
        batch.drop_column("listed_given_name")
