"""Delivering a built disclosure: the download link, its mail, the download itself
and the link's end.

The link's token is random (256 bits); only its sha256 is stored. A link expires
after the tenant's setting (``export_ttl_hours``) and allows a limited number of
downloads; each download is audited with the time and a shortened client address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import pathlib
import secrets
import typing as t
from email.message import EmailMessage

import sqlalchemy as sa

from ...i18n import gettext
from ...mail import plain_message
from ...models import SUBJECT_ERASED
from ...models import ExportJob
from ...models import JobStatus
from ...models import PrivacyRequest
from ...models import as_utc
from ...models import utcnow
from ...store import jobs as job_rows
from ...store import locks
from ...store.locks import tenant_lock
from .. import audit
from .. import requests

if t.TYPE_CHECKING:
    from sqlalchemy import orm

    from ...store.scope import TenantScope

__all__ = [
    "still_wanted",
    "Download",
    "compose_mail",
    "expire_exports",
    "find_download",
    "issue_link",
    "record_download",
    "sweep_orphans",
    "refresh_all",
    "token_hash",
]


def token_hash(token: str) -> str:
    """The stored form of a download token: its sha256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def still_wanted(
    scope: TenantScope, export: ExportJob, request: PrivacyRequest
) -> bool:
    """Before a built export is kept and sent: take the tenant's grouping lock
    (an erasure of the person has committed, or waits until this build's
    transaction ends) and read the export, its request and its person afresh.
    False when the export was revoked or the person erased meanwhile."""
    tenant_lock(scope, locks.GROUPING)
    scope.session.refresh(export)
    scope.session.refresh(request)
    if export.status != JobStatus.RUNNING or request.state == requests.REVOKED:
        return False
    if request.subject_id is None:
        return True
    subject = scope.subject(request.subject_id)
    scope.session.refresh(subject)
    return subject.state != SUBJECT_ERASED


def issue_link(export: ExportJob, ttl_hours: int, max_downloads: int) -> str:
    """Give *export* a new random token; return the token (stored hashed only)."""
    token = secrets.token_urlsafe(32)
    export.token_hash = token_hash(token)
    export.expires_at = utcnow() + dt.timedelta(hours=ttl_hours)
    export.max_downloads = max_downloads
    return token


def compose_mail(
    sender: str, recipient: str, tenant_name: str, link: str, expires: dt.datetime
) -> EmailMessage:
    """The mail that brings the person their download link, in the current locale."""
    return plain_message(
        sender,
        recipient,
        gettext("Your personal data from %(tenant)s", tenant=tenant_name),
        gettext(
            "You asked %(tenant)s for a copy of the personal data we hold about "
            "you. Download it here:\n\n%(link)s\n\nThe link works until %(expires)s "
            "(UTC) and only a few times. The zip holds index.html to read in a "
            "browser and data.json for other services.\n\nIf you did not ask for "
            "this, ignore this mail.",
            tenant=tenant_name,
            link=link,
            expires=expires.strftime("%Y-%m-%d %H:%M"),
        ),
    )


class Download(t.NamedTuple):
    """What a valid token opens: the export and its file."""

    export: ExportJob
    path: pathlib.Path


#: Why a download link no longer works (answered with 410).
GONE = "gone"


def find_download(
    session: orm.Session, folder: pathlib.Path, token: str, tenant: str | None
) -> Download | str | None:
    """The export a download *token* opens, :data:`GONE` when it expired, was used
    up or deleted, or None when unknown (also another tenant's while a tenant is
    known). Reads only."""
    if not token or len(token) > 128:
        return None
    export = session.scalars(
        sa.select(ExportJob).where(ExportJob.token_hash == token_hash(token))
    ).first()
    if export is None or (tenant is not None and export.tenant_key != tenant):
        return None
    path = folder / (export.file_name or "")
    if (
        export.deleted_at is not None
        or export.expires_at is None
        or as_utc(export.expires_at) <= utcnow()
        or export.downloads >= export.max_downloads
        or not export.file_name
        or not path.is_file()
    ):
        return GONE
    return Download(export, path)


def record_download(scope: TenantScope, export: ExportJob, client: str | None) -> None:
    """Count one download, mark the request downloaded, audit it with the time and
    the client's address shortened to its network (/24, /48). Flushes."""
    export.downloads += 1
    request = scope.get(PrivacyRequest, id=export.request_id)
    if request.state in (requests.READY, requests.SENT):
        request.state = requests.DOWNLOADED
        request.closed_at = utcnow()
    audit.record(
        scope.session,
        scope.tenant,
        audit.SYSTEM,
        audit.Action.DISCLOSURE_DOWNLOADED,
        subject_id=request.subject_id,
        data={
            "request": request.id,
            "export": export.id,
            "downloads": export.downloads,
        },
        detail=_network(client),
    )
    scope.session.flush()


def _network(client: str | None) -> str:
    """The client's network, not its address: ``ip 192.168.1.*`` or an IPv6 /48."""
    try:
        ip = ipaddress.ip_address((client or "").strip())
    except ValueError:
        return ""
    if ip.version == 4:
        return "ip " + ".".join(str(ip).split(".")[:3]) + ".*"
    net = ipaddress.ip_network(f"{ip}/48", strict=False)
    return f"ip {net.network_address.compressed}/48"


def refresh_all(scope: TenantScope, rows: t.Sequence[PrivacyRequest]) -> None:
    """Bring the building requests among *rows* up to date with their builds, with
    one query for them (however many rows): a build that failed or went stale (its
    worker died) makes the request failed, never stuck in "building". Flushes; the
    caller commits."""
    pending = {
        row.id: row
        for row in rows
        if row.state in (requests.BUILDING, requests.RECEIVED)
    }
    if not pending:
        return
    builds = scope.session.scalars(
        scope.select(ExportJob)
        .where(ExportJob.request_id.in_(pending))
        .order_by(ExportJob.id.desc())
    )
    latest: dict[int, ExportJob] = {}
    for build in builds:
        latest.setdefault(build.request_id, build)
    if any(b.active and job_rows.is_stale(b, scope.config) for b in latest.values()):
        job_rows.reap_stale(scope, ExportJob)
    for request_id, build in latest.items():
        if build.status == JobStatus.FAILED:
            pending[request_id].state = requests.FAILED
    scope.session.flush()


def latest_export(scope: TenantScope, request: PrivacyRequest) -> ExportJob | None:
    """The newest build of *request*, or None."""
    stmt = (
        scope.select(ExportJob)
        .where(ExportJob.request_id == request.id)
        .order_by(ExportJob.id.desc())
        .limit(1)
    )
    return scope.session.scalars(stmt).first()


def sweep_orphans(
    session: orm.Session, folder: pathlib.Path, older_than: dt.timedelta
) -> int:
    """Delete what a killed build left in the export folder: temporary build
    folders and zips no export row names, once older than *older_than* (a build
    still running is younger). Returns how many were deleted."""
    if not folder.is_dir():
        return 0
    named = set(
        session.scalars(
            sa.select(ExportJob.file_name).where(
                ExportJob.file_name.is_not(None), ExportJob.deleted_at.is_(None)
            )
        )
    )
    cutoff = (utcnow() - older_than).timestamp()
    removed = 0
    for path in folder.iterdir():
        if path.stat().st_mtime > cutoff or path.name in named:
            continue
        if path.is_dir() and path.name.startswith(".build-"):
            for part in path.iterdir():
                part.unlink(missing_ok=True)
            path.rmdir()
            removed += 1
        elif path.is_file() and path.suffix == ".zip":
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def expire_exports(
    session: orm.Session, folder: pathlib.Path, now: dt.datetime | None = None
) -> list[ExportJob]:
    """Delete the files of every export (all tenants) whose link expired or was
    used up; mark their requests expired when never downloaded; audit each.
    Flushes; returns the exports ended."""
    now = now or utcnow()
    stmt = sa.select(ExportJob).where(
        ExportJob.deleted_at.is_(None),
        ExportJob.file_name.is_not(None),
        sa.or_(
            ExportJob.expires_at <= now,
            ExportJob.downloads >= ExportJob.max_downloads,
        ),
    )
    ended = list(session.scalars(stmt))
    for export in ended:
        (folder / str(export.file_name)).unlink(missing_ok=True)
        export.deleted_at = now
        request = session.get(PrivacyRequest, export.request_id)
        if request is not None and request.state in (requests.READY, requests.SENT):
            request.state = requests.EXPIRED
        audit.record(
            session,
            export.tenant_key,
            audit.SYSTEM,
            audit.Action.DISCLOSURE_EXPIRED,
            subject_id=request.subject_id if request is not None else None,
            data={"request": export.request_id, "export": export.id},
        )
    session.flush()
    return ended
