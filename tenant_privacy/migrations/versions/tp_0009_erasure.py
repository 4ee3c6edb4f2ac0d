"""erasure jobs and retention holds

Revision ID: tp_0009
Revises: tp_0008
Create Date: 2026-12-12 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from tenant_privacy.models import record_id_trimmed

revision = "tp_0009"
down_revision = "tp_0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tenant_privacy_erasure_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("anonymised", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_privacy_erasure_job")),
    )
    op.create_index(
        op.f("ix_tenant_privacy_erasure_job_tenant_key"),
        "tenant_privacy_erasure_job",
        ["tenant_key"],
    )
    op.create_index(
        op.f("ix_tenant_privacy_erasure_job_request_id"),
        "tenant_privacy_erasure_job",
        ["request_id"],
    )
    op.create_table(
        "tenant_privacy_retention_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("erasure_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            record_id_trimmed(),
            name=op.f("ck_tenant_privacy_retention_hold_record_id_trimmed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_privacy_retention_hold")),
    )
    op.create_index(
        "ix_tp_hold_due", "tenant_privacy_retention_hold", ["finished_at", "due_at"]
    )
    op.create_index(
        "ix_tp_hold_record",
        "tenant_privacy_retention_hold",
        ["tenant_key", "source_key", "record_id"],
    )


def downgrade():
    op.drop_index("ix_tp_hold_record", table_name="tenant_privacy_retention_hold")
    op.drop_index("ix_tp_hold_due", table_name="tenant_privacy_retention_hold")
    op.drop_table("tenant_privacy_retention_hold")
    op.drop_index(
        op.f("ix_tenant_privacy_erasure_job_request_id"),
        table_name="tenant_privacy_erasure_job",
    )
    op.drop_index(
        op.f("ix_tenant_privacy_erasure_job_tenant_key"),
        table_name="tenant_privacy_erasure_job",
    )
    op.drop_table("tenant_privacy_erasure_job")
