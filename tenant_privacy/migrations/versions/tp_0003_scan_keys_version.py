"""scan job: the version of the blocking keys it stored

Revision ID: tp_0003
Revises: tp_0002
Create Date: 2026-11-30 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "tp_0003"
down_revision = "tp_0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenant_privacy_scan_job") as batch:
        batch.add_column(sa.Column("keys_version", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("tenant_privacy_scan_job") as batch:
        batch.drop_column("keys_version")
