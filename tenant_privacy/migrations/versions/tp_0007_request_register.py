"""request register and disclosure exports

Revision ID: tp_0007
Revises: tp_0006
Create Date: 2026-12-05 19:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "tp_0007"
down_revision = "tp_0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tenant_privacy_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("handler", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extension_reason", sa.String(length=500), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=True),
        sa.Column("exclusions", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_privacy_request")),
    )
    op.create_index(
        op.f("ix_tenant_privacy_request_tenant_key"),
        "tenant_privacy_request",
        ["tenant_key"],
    )
    op.create_index(
        op.f("ix_tenant_privacy_request_subject_id"),
        "tenant_privacy_request",
        ["subject_id"],
    )
    op.create_index(
        "ix_tp_request_due", "tenant_privacy_request", ["tenant_key", "state", "due_at"]
    )
    op.create_table(
        "tenant_privacy_export_job",
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
        sa.Column("file_name", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downloads", sa.Integer(), nullable=False),
        sa.Column("max_downloads", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_privacy_export_job")),
        sa.UniqueConstraint(
            "token_hash", name=op.f("uq_tenant_privacy_export_job_token_hash")
        ),
    )
    op.create_index(
        op.f("ix_tenant_privacy_export_job_tenant_key"),
        "tenant_privacy_export_job",
        ["tenant_key"],
    )
    op.create_index(
        op.f("ix_tenant_privacy_export_job_request_id"),
        "tenant_privacy_export_job",
        ["request_id"],
    )


def downgrade():
    op.drop_table("tenant_privacy_export_job")
    op.drop_table("tenant_privacy_request")
