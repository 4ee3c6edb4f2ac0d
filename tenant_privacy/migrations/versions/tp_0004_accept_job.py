"""accept job: "accept all above a score" runs as a job

Revision ID: tp_0004
Revises: tp_0003
Create Date: 2026-11-30 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "tp_0004"
down_revision = "tp_0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tenant_privacy_accept_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("min_score", sa.Float(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_privacy_accept_job")),
    )
    op.create_index(
        op.f("ix_tenant_privacy_accept_job_tenant_key"),
        "tenant_privacy_accept_job",
        ["tenant_key"],
        unique=False,
    )


def downgrade():
    op.drop_index(
        op.f("ix_tenant_privacy_accept_job_tenant_key"),
        table_name="tenant_privacy_accept_job",
    )
    op.drop_table("tenant_privacy_accept_job")
