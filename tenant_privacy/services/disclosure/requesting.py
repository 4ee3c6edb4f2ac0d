"""Asking for a disclosure: the request in the register and its first build.

The officer's wizard and ``privacy export request`` come here: the subject, the
recipient (an address of the subject's, or a typed one), and what is left out
(records or fields, each with a written reason, never values).
"""

from __future__ import annotations

import typing as t

from ...errors import InvalidInput
from ...i18n import gettext
from ...matching.normalize import normalize_email
from ...models import ExportJob
from ...models import PrivacyRequest
from ...store import jobs as job_rows
from .. import audit
from .. import requests
from ..fields import exported_columns

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = [
    "check_exclusions",
    "check_recipient",
    "recipient_choices",
    "request_disclosure",
    "retry",
]

REASON_MAX = 300


def recipient_choices(scope: TenantScope, subject_id: int) -> list[str]:
    """The email addresses on the subject's registrations, the wizard's choices."""
    subject = scope.subject(subject_id)
    found: list[str] = []
    for source_key, record_id in scope.subject_refs(subject):
        source = scope.person_source(source_key)
        attr = source.identity.get("email")
        row = scope.records(source, [record_id]).get(record_id) if attr else None
        email = normalize_email(getattr(row, attr, None)) if row is not None else None
        if email and email not in found:
            found.append(email)
    return found


def check_recipient(address: str) -> str:
    """*address* as one normalised email address.

    :raises InvalidInput: if it is not one valid address.
    """
    email = (
        normalize_email((address or "").strip()) if len(address or "") <= 254 else None
    )
    if email is None or " " in (address or "").strip():
        raise InvalidInput(gettext("That is not a valid email address."))
    return email


def check_exclusions(
    scope: TenantScope, subject_id: int, items: t.Iterable[t.Mapping[str, t.Any]]
) -> list[dict[str, t.Any]]:
    """The officer's exclusions, checked: each names a source of the registry, a
    record of the subject's (or a field of the source), and a written reason.

    :raises InvalidInput: an unknown source or field, or a missing reason.
    """
    out: list[dict[str, t.Any]] = []
    for item in items:
        source_key = str(item.get("source") or "")
        if source_key not in scope.registry:
            raise InvalidInput(gettext("Unknown kind of record."))
        reason = str(item.get("reason") or "").strip()
        if not reason or len(reason) > REASON_MAX:
            raise InvalidInput(
                gettext("Say why it is left out (at most 300 characters).")
            )
        field = item.get("field")
        source = scope.registry.get(source_key)
        if field and field not in exported_columns(source):
            raise InvalidInput(gettext("Unknown field."))
        record_id = None if field else str(item.get("record_id") or "")
        if not field and not record_id:
            raise InvalidInput(gettext("Name the record or the field to leave out."))
        out.append(
            {
                "source": source_key,
                "record_id": record_id,
                "field": field or None,
                "reason": reason,
            }
        )
    return out


def request_disclosure(
    scope: TenantScope,
    actor: str,
    subject_id: int,
    recipient: str,
    *,
    channel: str = "officer",
    exclusions: t.Sequence[t.Mapping[str, t.Any]] = (),
) -> tuple[PrivacyRequest, ExportJob]:
    """Register a disclosure of the subject to *recipient* and queue its build;
    audited (ids and counts only). Flushes; the caller commits, then hands the
    export to the job runner (job ``build_export``).

    :raises NotFound: no such subject in this tenant.
    :raises InvalidInput: a bad recipient or exclusion.
    """
    subject = scope.subject(subject_id)
    email = check_recipient(recipient)
    checked = check_exclusions(scope, subject.id, exclusions)
    request = requests.new_request(
        scope,
        kind=requests.DISCLOSURE,
        subject_id=subject.id,
        channel=channel,
        handler=actor,
        recipient=email,
        exclusions=checked,
    )
    export = _new_export(scope, request, actor)
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.SELF_EXPORTED
        if channel == requests.SELF_SERVICE
        else audit.Action.DISCLOSURE_REQUESTED,
        subject_id=subject.id,
        # what was left out, by ref and field name; the reasons stay on the request
        record_refs=[(e["source"], e["record_id"]) for e in checked if e["record_id"]],
        fields=[f"{e['source']}.{e['field']}" for e in checked if e["field"]],
        data={"request": request.id, "export": export.id, "excluded": len(checked)},
    )
    return request, export


def retry(scope: TenantScope, actor: str, request_id: int | str) -> ExportJob:
    """Queue a build of a disclosure: a first one for a request a person made
    themselves (received, not built yet), or a new one after a build failed or a
    link expired. The caller commits, then hands it to the job runner.

    :raises InvalidInput: the request is no disclosure in one of those states, or
        has no subject (nothing was found to send).
    """
    request = scope.by_id(PrivacyRequest, request_id, "request")
    unbuilt = request.state == requests.RECEIVED and not _has_export(scope, request)
    if (
        request.kind != requests.DISCLOSURE
        or request.subject_id is None
        or not (unbuilt or request.state in (requests.FAILED, requests.EXPIRED))
    ):
        raise InvalidInput(
            gettext("Only a failed or expired disclosure can be retried.")
        )
    request.state = requests.RECEIVED
    return _new_export(scope, request, actor)


def _has_export(scope: TenantScope, request: PrivacyRequest) -> bool:
    stmt = scope.select(ExportJob).where(ExportJob.request_id == request.id).limit(1)
    return scope.session.scalars(stmt).first() is not None


def _new_export(scope: TenantScope, request: PrivacyRequest, actor: str) -> ExportJob:
    return job_rows.queue(scope, ExportJob, actor, request_id=request.id)
