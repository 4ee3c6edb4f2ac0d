"""Database triggers that guard the audit table.

One source for both :func:`tenant_privacy.models` (``metadata.create_all``) and the
module's Alembic migrations, so the two never drift apart. Each entry is a list of
statements per dialect.

- :data:`APPEND_ONLY` (migration ``tp_0001``): UPDATE and DELETE (and TRUNCATE on
  PostgreSQL) on ``tenant_privacy_audit_event`` raise.
- :data:`EXTEND_ONLY` (migration ``tp_0006``): an INSERT must extend the tenant's
  chain: its ``seq`` must be the head's ``seq + 1`` and its ``prev_hash`` the head's
  ``hash``; the trigger then moves the head (``tenant_privacy_audit_head``) to the new
  event in the same statement. Anything else (an event past the head, a second
  event with the same predecessor, an event of a tenant without a head row) raises
  an integrity error and changes nothing, so the event table and its head cannot
  drift apart.
"""

from __future__ import annotations

from sqlalchemy import DDL
from sqlalchemy import event

TABLE = "tenant_privacy_audit_event"
HEAD = "tenant_privacy_audit_head"

_EXTEND_MESSAGE = (
    f"{TABLE}: an INSERT must extend the chain "
    "(seq = head seq + 1, prev_hash = head hash)"
)

#: Statements making the event table append-only, per dialect name.
APPEND_ONLY: dict[str, list[str]] = {
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

#: Statements making every INSERT extend the chain (and move the head), per dialect.
EXTEND_ONLY: dict[str, list[str]] = {
    "postgresql": [
        f"""
CREATE OR REPLACE FUNCTION tenant_privacy_audit_extend_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {HEAD} SET seq = NEW.seq, hash = NEW.hash
    WHERE tenant_key = NEW.tenant_key AND seq = NEW.seq - 1
        AND hash = NEW.prev_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING
            MESSAGE = '{_EXTEND_MESSAGE}',
            ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$
""",
        f"DROP TRIGGER IF EXISTS tenant_privacy_audit_extend_only ON {TABLE}",
        f"""
CREATE TRIGGER tenant_privacy_audit_extend_only
BEFORE INSERT ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION tenant_privacy_audit_extend_only()
""",
    ],
    "sqlite": [
        f"""
CREATE TRIGGER IF NOT EXISTS tenant_privacy_audit_extend_only
BEFORE INSERT ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, '{_EXTEND_MESSAGE}')
    WHERE NOT EXISTS (
        SELECT 1 FROM {HEAD} WHERE tenant_key = NEW.tenant_key
            AND seq = NEW.seq - 1 AND hash = NEW.prev_hash
    );
    UPDATE {HEAD} SET seq = NEW.seq, hash = NEW.hash
    WHERE tenant_key = NEW.tenant_key;
END
""",
    ],
}

#: Every trigger statement, per dialect name (what ``metadata.create_all`` runs).
CREATE: dict[str, list[str]] = {
    dialect: APPEND_ONLY[dialect] + EXTEND_ONLY[dialect] for dialect in APPEND_ONLY
}

#: Statements dropping the :data:`APPEND_ONLY` triggers, per dialect name.
DROP_APPEND_ONLY: dict[str, list[str]] = {
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

#: Statements dropping the :data:`EXTEND_ONLY` triggers, per dialect name.
DROP_EXTEND_ONLY: dict[str, list[str]] = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS tenant_privacy_audit_extend_only ON {TABLE}",
        "DROP FUNCTION IF EXISTS tenant_privacy_audit_extend_only()",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS tenant_privacy_audit_extend_only"],
}

#: Statements dropping every trigger, per dialect name.
DROP: dict[str, list[str]] = {
    dialect: DROP_EXTEND_ONLY[dialect] + DROP_APPEND_ONLY[dialect]
    for dialect in DROP_APPEND_ONLY
}


def attach(table: object) -> None:
    """Create the triggers whenever ``metadata.create_all`` creates *table*."""
    for dialect, statements in CREATE.items():
        for statement in statements:
            event.listen(
                table,
                "after_create",
                DDL(statement.strip()).execute_if(dialect=dialect),
            )
