"""Checkpoints of the audit heads, signed and kept outside the database.

The hash chain proves that the events in the table agree with each other and with
the tenant's head row. Someone who can write the database can still cut events off
the end and wind the head back, or delete a tenant's chain with its head: what is
left verifies. A checkpoint (as AWS CloudTrail's signed digest files) records each
tenant's head (``seq``, ``hash``, time) with an HMAC-SHA256 signature under a key
that is not in the database, in a folder that is not the database.
:func:`verify` then also shows a chain that is shorter than a checkpoint, an event
at a checkpoint's ``seq`` with another hash, a chain missing although a checkpoint
exists, and a checkpoint file that was changed.

The caller (the CLI) passes the key and the folder; see ``docs/rights-and-audit.md``
for what this does and does not prove.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass
from pathlib import Path

from ..core import audit_chain
from ..core.audit_chain import Checkpoint
from ..errors import AuditChainBroken
from ..errors import AuditCheckpointInvalid
from ..errors import ConfigError
from ..models import utcnow
from ..store import audit_checkpoints as files
from . import audit

if t.TYPE_CHECKING:
    from sqlalchemy import orm

__all__ = ["Checkpoint", "Verified", "checkpoint", "latest", "load", "verify"]


@dataclass(frozen=True)
class Verified:
    """What :func:`verify` found: the verified head and the checkpoint it matched."""

    tenant: str
    seq: int
    hash: str
    #: the latest valid checkpoint (None: the tenant has none yet)
    checkpoint: Checkpoint | None


def need_key(key: bytes | None) -> bytes:
    """*key*, or :class:`ConfigError` saying which setting to make."""
    if not key:
        raise ConfigError(
            "no key to sign audit checkpoints: set "
            "TENANT_PRIVACY_AUDIT_CHECKPOINT_KEY (or the app's SECRET_KEY)"
        )
    return key


def load(directory: Path, tenant: str, key: bytes | None) -> list[Checkpoint]:
    """Every checkpoint of *tenant* in *directory*, oldest first.

    :raises AuditCheckpointInvalid: at the first file that is not a checkpoint of
        *tenant* with a valid signature.
    :raises ConfigError: if there are files but no key to check them with.
    """
    found = files.read_all(directory, tenant)
    if not found:
        return []
    secret = need_key(key)
    checkpoints = []
    for name, document in found:
        try:
            checkpoint = audit_chain.open_checkpoint(secret, document)
        except ValueError as exc:
            raise AuditCheckpointInvalid(tenant, name, str(exc)) from None
        if checkpoint.tenant != tenant:
            raise AuditCheckpointInvalid(
                tenant, name, f"it is a checkpoint of {checkpoint.tenant!r}"
            )
        checkpoints.append(checkpoint)
    checkpoints.sort(key=lambda c: (c.seq, c.created_at))
    return checkpoints


def latest(directory: Path, tenant: str, key: bytes | None) -> Checkpoint | None:
    """The latest checkpoint of *tenant* (highest ``seq``, then newest), if any."""
    checkpoints = load(directory, tenant, key)
    return checkpoints[-1] if checkpoints else None


def verify(
    session: orm.Session, tenant: str, *, key: bytes | None, directory: Path
) -> Verified:
    """Verify *tenant*'s chain (:func:`audit.verify`) and hold it against its
    latest checkpoint.

    :raises AuditCheckpointInvalid: a checkpoint file was changed (or is not one).
    :raises AuditChainBroken: the chain is broken, or shorter than the latest
        checkpoint (truncated), or differs from it at its ``seq``, or is missing
        although a checkpoint exists.
    :raises ConfigError: checkpoints exist but no key is configured.
    """
    last = latest(directory, tenant, key)
    seq, digest = audit.verify_head(session, tenant)
    if last is not None and last.seq > 0:
        when = last.created_at
        if seq == 0:
            raise AuditChainBroken(
                tenant,
                1,
                f"the chain is missing, but the checkpoint of {when} recorded "
                f"{last.seq} events (deleted)",
            )
        if seq < last.seq:
            raise AuditChainBroken(
                tenant,
                seq + 1,
                f"truncated: the head is #{seq}, but the checkpoint of {when} "
                f"recorded #{last.seq}",
            )
        if audit.event_hash(session, tenant, last.seq) != last.hash:
            raise AuditChainBroken(
                tenant,
                last.seq,
                f"the event differs from the checkpoint of {when} (chain rewritten)",
            )
    return Verified(tenant, seq, digest, last)


def checkpoint(
    session: orm.Session,
    tenant: str,
    *,
    key: bytes | None,
    directory: Path,
    now: dt.datetime | None = None,
) -> tuple[Checkpoint, Path]:
    """Verify *tenant*'s chain against its checkpoints, then write a new signed
    checkpoint of the verified head; return it and the file written.

    A broken or truncated chain is never signed: the errors of :func:`verify`
    propagate and nothing is written.

    :raises ConfigError: no key.
    """
    secret = need_key(key)
    verified = verify(session, tenant, key=secret, directory=directory)
    created = audit_chain.format_time(now or utcnow())
    made = Checkpoint(tenant, verified.seq, verified.hash, created)
    name = f"{made.seq:020d}-{created[:26].replace('-', '').replace(':', '')}Z"
    path = files.write(
        directory, tenant, name, audit_chain.sign_checkpoint(secret, made)
    )
    return made, path
