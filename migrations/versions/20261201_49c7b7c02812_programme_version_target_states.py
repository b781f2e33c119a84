"""programme versions keep the curriculum's target states

Revision ID: 49c7b7c02812
Revises: a36788c2ca54
Create Date: 2026-12-01 22:24:23.322684

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "49c7b7c02812"
down_revision = "a36788c2ca54"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, no batch: on SQLite a batch operation rebuilds the table, and dropping
    # the old one with foreign keys on would cascade to the modules that reference it. So the
    # column is nullable without a server default, and versions imported before this revision
    # (without target-states.yaml) are given "{}" here; the application sets it for new ones.
    op.add_column("programme_versions", sa.Column("target_states", sa.JSON(), nullable=True))
    op.execute("UPDATE programme_versions SET target_states = '{}'")


def downgrade():
    # SQLite has ALTER TABLE … DROP COLUMN since 3.35; again no rebuild.
    op.drop_column("programme_versions", "target_states")
