"""Database triggers that make the audit table append-only.

One source for both :func:`tenant_privacy.models` (``metadata.create_all``) and the
module's Alembic migration, so the two never drift apart. Each entry is a list of
statements per dialect; UPDATE and DELETE on ``tenant_privacy_audit_event`` raise.
"""

from __future__ import annotations

TABLE = "tenant_privacy_audit_event"

#: Statements creating the triggers, per dialect name.
CREATE: dict[str, list[str]] = {
    "postgresql": [
        """
CREATE OR REPLACE FUNCTION tenant_privacy_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'tenant_privacy_audit_event is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$
""",
        f"""
CREATE TRIGGER tenant_privacy_audit_no_update_delete
BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION tenant_privacy_audit_append_only()
""",
        f"""
CREATE TRIGGER tenant_privacy_audit_no_truncate
BEFORE TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION tenant_privacy_audit_append_only()
""",
    ],
    "sqlite": [
        f"""
CREATE TRIGGER IF NOT EXISTS tenant_privacy_audit_no_update
BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'tenant_privacy_audit_event is append-only (UPDATE refused)');
END
""",
        f"""
CREATE TRIGGER IF NOT EXISTS tenant_privacy_audit_no_delete
BEFORE DELETE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'tenant_privacy_audit_event is append-only (DELETE refused)');
END
""",
    ],
}

#: Statements dropping the triggers, per dialect name (for the migration's downgrade).
DROP: dict[str, list[str]] = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS tenant_privacy_audit_no_truncate ON {TABLE}",
        f"DROP TRIGGER IF EXISTS tenant_privacy_audit_no_update_delete ON {TABLE}",
        "DROP FUNCTION IF EXISTS tenant_privacy_audit_append_only()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS tenant_privacy_audit_no_update",
        "DROP TRIGGER IF EXISTS tenant_privacy_audit_no_delete",
    ],
}


def attach(table: object) -> None:
    """Create the triggers whenever ``metadata.create_all`` creates *table*."""
    from sqlalchemy import DDL
    from sqlalchemy import event

    for dialect, statements in CREATE.items():
        for statement in statements:
            event.listen(
                table,
                "after_create",
                DDL(statement.strip()).execute_if(dialect=dialect),
            )
