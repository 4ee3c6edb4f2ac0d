"""Job entry points of disclosure: build a zip and mail its link; end old links.

The build runs through :func:`~.lifecycle.run_tracked`: it reports progress (a
heartbeat a page can show), writes the zip under a temporary name and renames it
only when complete, then (under the grouping lock, so an erasure of the person
either came first and revoked it, or waits) issues the link and sends the mail.
A build that fails marks its request failed (the page offers a retry) and leaves
no file behind; one whose person was erased meanwhile keeps and sends nothing.
"""

from __future__ import annotations

import pathlib
import secrets
import typing as t

from flask import has_request_context
from flask import url_for
from flask_babel import force_locale

from ..config import config_value
from ..errors import ConfigError
from ..errors import ExportRevoked
from ..models import ExportJob
from ..models import PrivacyRequest
from ..models import utcnow
from ..proxies import current_privacy
from ..services import audit
from ..services import disclosure
from ..services import requests
from ..services.tenants import settings_of
from ..store.jobs import stale_limit
from .lifecycle import Progress
from .lifecycle import run_tracked

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

__all__ = ["build_export_job", "download_url", "expire_exports_job"]


def download_url(token: str) -> str:
    """The absolute URL of the download link of *token*.

    :raises ConfigError: outside a request without ``TENANT_PRIVACY_PUBLIC_URL``.
    """
    endpoint = f"{config_value('BLUEPRINT_NAME')}.download"
    if has_request_context():
        return url_for(endpoint, token=token, _external=True)
    base = config_value("PUBLIC_URL")
    if not base:
        raise ConfigError(
            "TENANT_PRIVACY_PUBLIC_URL (e.g. 'https://crm.example.com') is needed to "
            "mail download links from a worker"
        )
    prefix = config_value("URL_PREFIX")
    return f"{str(base).rstrip('/')}{prefix}/download/{token}"


def build_export_job(tenant: str, export_id: int) -> int | None:
    """Build the queued export *export_id* of *tenant* and mail its link. Returns
    the size of the zip, or None when the export was not queued."""
    state = current_privacy
    scope = state.scope(tenant)
    folder = pathlib.Path(state.export_dir)
    file_name = f"{secrets.token_hex(16)}.zip"

    def work(export: ExportJob, progress: Progress) -> int:
        request = scope.get(PrivacyRequest, id=export.request_id)
        request.state = requests.BUILDING
        progress(0, 0)
        settings = settings_of(scope)
        info = state.host.tenant_info(tenant)
        name = info.name if info is not None else tenant
        folder.mkdir(parents=True, exist_ok=True)
        with force_locale(settings.language):
            writer = disclosure.build_bundle(
                scope,
                request,
                folder / file_name,
                max_bytes=int(config_value("EXPORT_MAX_BYTES")),
                tenant_name=name,
                language=settings.language,
                progress=progress,
            )
            if not disclosure.still_wanted(scope, export, request):
                raise ExportRevoked(f"export {export.id} was revoked")
            export.file_name = file_name
            export.size, export.sha256 = writer.zip_size, writer.zip_sha256
            export.truncated = writer.truncated
            token = disclosure.issue_link(
                export,
                settings.export_ttl_hours,
                int(config_value("EXPORT_MAX_DOWNLOADS")),
            )
            request.state = requests.READY
            _audit(scope, request, export, audit.Action.DISCLOSURE_BUILT)
            mail = disclosure.compose_mail(
                state.mailer.sender,
                str(request.recipient),
                name,
                download_url(token),
                export.expires_at or utcnow(),
            )
            state.mailer.send(mail)
        export.sent_at = utcnow()
        request.state = requests.SENT
        _audit(scope, request, export, audit.Action.DISCLOSURE_SENT)
        return export.size

    try:
        return run_tracked(scope, ExportJob, export_id, work, commit_progress=True)
    except Exception:
        (folder / file_name).unlink(missing_ok=True)
        export = scope.get(ExportJob, id=int(export_id))
        request = scope.get(PrivacyRequest, id=export.request_id)
        if request.state != requests.REVOKED:  # a revoked one stays revoked
            request.state = requests.FAILED
        scope.session.commit()
        raise


def _audit(
    scope: TenantScope,
    request: PrivacyRequest,
    export: ExportJob,
    action: audit.Action,
) -> None:
    audit.record(
        scope.session,
        scope.tenant,
        audit.SYSTEM,
        action,
        subject_id=request.subject_id,
        data={"request": request.id, "export": export.id, "bytes": export.size},
    )


def expire_exports_job() -> int:
    """Delete the files of every export whose link expired or was used up, and
    what killed builds left behind (older than ``JOB_STALE_MINUTES``); commit.
    Returns how many exports ended."""
    state = current_privacy
    folder = pathlib.Path(state.export_dir)
    ended = disclosure.expire_exports(state.session, folder)
    state.session.commit()
    disclosure.sweep_orphans(
        state.session, folder, stale_limit(ExportJob, state.config)
    )
    return len(ended)
