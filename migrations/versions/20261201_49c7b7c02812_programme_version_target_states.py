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
    # Versions imported before this revision had no target-states.yaml: they get "{}".
    with op.batch_alter_table("programme_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target_states", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("programme_versions", schema=None) as batch_op:
        batch_op.drop_column("target_states")
