"""The request register: every disclosure and erasure a tenant receives.

A request has a kind, a subject (None when a person's own request found nothing),
how it was received (``officer``, ``self_service``, ``person``, ``purpose``: a
purpose review), who handles it,
the date it was received and the date it is due: one month later (GDPR art.
12(3)), extended by up to two more months only with a written reason.

States of a disclosure: ``received -> building -> ready -> sent -> downloaded``,
plus ``failed`` (the build or the mail failed; retry is one click),
``expired`` (the link ran out before it was used) and ``revoked`` (the person was
erased before it was used).

States of an erasure: ``received -> erasing -> done``, or ``failed`` (nothing was
changed; it can be started again).
"""

from __future__ import annotations

import calendar
import datetime as dt
import typing as t

import sqlalchemy as sa

from ..errors import InvalidInput
from ..i18n import gettext
from ..models import PrivacyRequest
from ..models import as_utc
from ..models import utcnow
from . import audit

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

__all__ = [
    "CHANNELS",
    "KINDS",
    "STATES",
    "add_months",
    "count_requests",
    "due_soon",
    "extend",
    "is_overdue",
    "list_requests",
    "new_request",
]

DISCLOSURE = "disclosure"
ERASURE = "erasure"
KINDS = (DISCLOSURE, ERASURE)
#: How a request was received: ``self_service`` is a user's own, from "My privacy".
SELF_SERVICE = "self_service"
CHANNELS = ("officer", SELF_SERVICE, "person", "purpose")

RECEIVED = "received"
BUILDING = "building"
READY = "ready"
SENT = "sent"
DOWNLOADED = "downloaded"
FAILED = "failed"
EXPIRED = "expired"
REVOKED = "revoked"
ERASING = "erasing"
DONE = "done"
#: Every state, in the order a request goes through them.
STATES = (
    RECEIVED,
    BUILDING,
    ERASING,
    READY,
    SENT,
    DOWNLOADED,
    DONE,
    FAILED,
    EXPIRED,
    REVOKED,
)
#: States in which the tenant still owes the person an answer.
OPEN = (RECEIVED, BUILDING, ERASING, READY, FAILED)
#: Most months a due date may be extended by (art. 12(3)).
MAX_EXTENSION_MONTHS = 2
#: A request due within this many days is highlighted.
DUE_SOON_DAYS = 7
REASON_MAX = 500


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """*when* plus *months* calendar months, on the last day of a shorter month."""
    month0 = when.month - 1 + months
    year, month = when.year + month0 // 12, month0 % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


def new_request(
    scope: TenantScope,
    *,
    kind: str,
    subject_id: int | None,
    channel: str,
    handler: str,
    recipient: str | None = None,
    exclusions: t.Sequence[t.Mapping[str, t.Any]] = (),
) -> PrivacyRequest:
    """Enter a request in the tenant's register, received now and due in one month.

    Flushes; the caller writes the audit event of what the request is for.

    :raises InvalidInput: for an unknown kind or channel.
    """
    if kind not in KINDS or channel not in CHANNELS:
        raise InvalidInput(gettext("Unknown kind of request."))
    now = utcnow()
    row = PrivacyRequest(
        tenant_key=scope.tenant,
        kind=kind,
        subject_id=subject_id,
        state=RECEIVED,
        channel=channel,
        handler=handler,
        received_at=now,
        due_at=add_months(now, 1),
        recipient=recipient,
        exclusions=[dict(e) for e in exclusions],
    )
    scope.session.add(row)
    scope.session.flush()
    return row


def extend(
    scope: TenantScope, actor: str, request_id: int | str, months: t.Any, reason: str
) -> PrivacyRequest:
    """Extend the request's due date to one month plus *months* (1 or 2) after it
    was received, for the written *reason*; audited (the reason is not: it may
    name the person).

    :raises InvalidInput: *months* out of range, or no reason given.
    :raises NotFound: no such request in this tenant.
    """
    row = scope.by_id(PrivacyRequest, request_id, "request")
    reason = (reason or "").strip()
    try:
        months = int(months)
    except (TypeError, ValueError):
        months = 0
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise InvalidInput(gettext("A due date can be extended by one or two months."))
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(
            gettext("Say why the answer needs more time (at most 500 characters).")
        )
    row.due_at = add_months(as_utc(row.received_at), 1 + months)
    row.extension_reason = reason
    audit.record(
        scope.session,
        scope.tenant,
        actor,
        audit.Action.REQUEST_EXTENDED,
        subject_id=row.subject_id,
        data={"request": row.id, "months": months},
    )
    scope.session.flush()
    return row


def _filtered(
    scope: TenantScope, state: str | None, kind: str | None, overdue: bool
) -> sa.Select[tuple[PrivacyRequest]]:
    if state is not None and state not in STATES:
        raise InvalidInput(gettext("Unknown state."))
    if kind is not None and kind not in KINDS:
        raise InvalidInput(gettext("Unknown kind of request."))
    stmt = scope.select(PrivacyRequest)
    if state:
        stmt = stmt.where(PrivacyRequest.state == state)
    if kind:
        stmt = stmt.where(PrivacyRequest.kind == kind)
    if overdue:
        stmt = stmt.where(
            PrivacyRequest.state.in_(OPEN), PrivacyRequest.due_at < utcnow()
        )
    return stmt


def list_requests(
    scope: TenantScope,
    *,
    state: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[PrivacyRequest]:
    """The tenant's requests, open ones by due date first (overdue on top), then
    closed ones newest first; *limit* rows from *offset*.

    :raises InvalidInput: an unknown state or kind.
    """
    stmt = _filtered(scope, state, kind, overdue)
    is_open = sa.case((PrivacyRequest.state.in_(OPEN), 0), else_=1)
    stmt = stmt.order_by(is_open, PrivacyRequest.due_at, PrivacyRequest.id.desc())
    return list(scope.session.scalars(stmt.limit(limit).offset(offset)))


def count_requests(
    scope: TenantScope,
    *,
    state: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
) -> int:
    """How many requests :func:`list_requests` would list without a limit.

    :raises InvalidInput: an unknown state or kind.
    """
    stmt = _filtered(scope, state, kind, overdue).with_only_columns(sa.func.count())
    return int(scope.session.scalar(stmt) or 0)


def is_overdue(row: PrivacyRequest, now: dt.datetime | None = None) -> bool:
    """True when the tenant still owes an answer and the due date has passed."""
    return row.state in OPEN and as_utc(row.due_at) < (now or utcnow())


def due_soon(row: PrivacyRequest, now: dt.datetime | None = None) -> bool:
    """True when the request is open and due within :data:`DUE_SOON_DAYS` days."""
    now = now or utcnow()
    due = as_utc(row.due_at)
    return row.state in OPEN and now <= due < now + dt.timedelta(days=DUE_SOON_DAYS)
