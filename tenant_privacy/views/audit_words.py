"""Audit events in words: one translated sentence form per action.

Events hold opaque refs, field names and typed ids and counts (``data``, see
:data:`tenant_privacy.services.audit.DATA_KEYS`); pages show what happened as a
sentence that follows the actor's name ("linked 2 registrations into one
person"), never as ``key=value`` codes or ``source:id`` refs.
"""

from __future__ import annotations

import typing as t

from flask_babel import format_datetime

from ..i18n import gettext
from ..i18n import ngettext
from ..services import audit

if t.TYPE_CHECKING:
    import datetime as dt

    from ..models import AuditEvent

A = audit.Action


def _get(event: AuditEvent | t.Mapping[str, t.Any], name: str) -> t.Any:
    """A field of *event*, an :class:`AuditEvent` or its dict form."""
    if isinstance(event, t.Mapping):
        return event.get(name)
    return getattr(event, name, None)


def _count(event: t.Any, key: str) -> int:
    value = (_get(event, "data") or {}).get(key)
    return value if isinstance(value, int) else 0


def _staff_name(event: t.Any, names: t.Mapping[str, str]) -> str:
    for source_key, record_id in _get(event, "record_refs") or []:
        if source_key == "user":
            name = names.get(f"user:{record_id}")
            if name:
                return name
    return gettext("a former staff member")


def _format(event: t.Any) -> str:
    detail = _get(event, "detail") or ""
    fmt = detail.removeprefix("format=") if detail.startswith("format=") else ""
    return fmt.upper() if fmt in ("csv", "json") else ""


def describe(
    event: AuditEvent | t.Mapping[str, t.Any], names: t.Mapping[str, str] | None = None
) -> str:
    """What *event* records, as a sentence to follow the actor's name.

    :param names: ``{"user:<id>": name}`` of the tenant's staff
        (:func:`~.context.actor_labels`), for role changes.
    """
    names = names or {}
    action = str(_get(event, "action"))
    refs = len(_get(event, "record_refs") or [])
    if action == A.SUBJECT_VIEWED:
        return ngettext(
            "compiled the overview of a person with %(num)s registration",
            "compiled the overview of a person with %(num)s registrations",
            _count(event, "registrations"),
        )
    if action == A.SEARCH:
        return ngettext(
            "searched for a person and found %(num)s match",
            "searched for a person and found %(num)s matches",
            _count(event, "hits"),
        )
    if action == A.RECORDS_LINKED:
        return ngettext(
            "linked %(num)s registration into one person",
            "linked %(num)s registrations into one person",
            refs,
        )
    if action == A.RECORDS_UNLINKED:
        return gettext("took a registration out of a person into a person of its own")
    if action == A.MERGE_UNDONE:
        return ngettext(
            "undid a link: %(num)s registration went back to where it was",
            "undid a link: %(num)s registrations went back to where they were",
            refs,
        )
    if action == A.SUGGESTION_REJECTED:
        return gettext("decided that a suggested duplicate is two different people")
    if action == A.SCAN_STARTED:
        return gettext("started a duplicate scan")
    if action == A.SCAN_FINISHED:
        return gettext(
            "finished a duplicate scan: %(read)s, %(found)s",
            read=ngettext(
                "%(num)s record read", "%(num)s records read", _count(event, "records")
            ),
            found=ngettext(
                "%(num)s suggestion to review",
                "%(num)s suggestions to review",
                _count(event, "suggestions"),
            ),
        )
    if action == A.ROLE_GRANTED:
        return gettext(
            "made %(name)s a privacy officer", name=_staff_name(event, names)
        )
    if action == A.ROLE_REVOKED:
        return gettext(
            "took the privacy officer role from %(name)s",
            name=_staff_name(event, names),
        )
    if action == A.MODULE_ENABLED:
        return gettext("switched the privacy module on for this tenant")
    if action == A.MODULE_DISABLED:
        return gettext("switched the privacy module off for this tenant")
    if action == A.AUDIT_EXPORTED:
        fmt = _format(event)
        if fmt:
            return gettext("exported the audit log as %(format)s", format=fmt)
        return gettext("exported the audit log")
    sentence = _request_sentence(action, event)
    return sentence or audit.action_label(action)


def _request_sentence(action: str, event: t.Any) -> str:
    """The sentence of a disclosure or erasure request's event, or ""."""
    number = _count(event, "request")
    if action == A.DISCLOSURE_REQUESTED:
        return gettext(
            "registered request %(id)s for a copy of a person's data", id=number
        )
    if action == A.DISCLOSURE_BUILT:
        return gettext("built the copy of data for request %(id)s", id=number)
    if action == A.DISCLOSURE_SENT:
        return gettext("mailed the download link of request %(id)s", id=number)
    if action == A.DISCLOSURE_DOWNLOADED:
        return gettext("the person downloaded their data (request %(id)s)", id=number)
    if action == A.DISCLOSURE_EXPIRED:
        return gettext("the download link of request %(id)s ended", id=number)
    if action == A.REQUEST_EXTENDED:
        return ngettext(
            "extended the due date of request %(id)s by %(num)s month",
            "extended the due date of request %(id)s by %(num)s months",
            _count(event, "months"),
            id=number,
        )
    if action == A.ERASURE_REQUESTED:
        return gettext("registered request %(id)s to erase a person", id=number)
    if action == A.ERASURE_PREVIEWED:
        return ngettext(
            "looked at what erasing a person would do to %(num)s record",
            "looked at what erasing a person would do to %(num)s records",
            _count(event, "records"),
        )
    if action == A.ERASURE_EXECUTED:
        return gettext(
            "erased a person: %(anonymised)s anonymised, %(deleted)s deleted, "
            "%(held)s kept for a legal reason",
            anonymised=_count(event, "anonymised"),
            deleted=_count(event, "deleted"),
            held=_count(event, "held"),
        )
    if action == A.ERASURE_FAILED:
        return gettext(
            "could not finish the erasure of request %(id)s; nothing was erased, "
            "it waits in the register to be started again",
            id=number,
        )
    if action == A.SELF_VIEWED:
        return gettext("looked at what the system holds about themselves")
    if action == A.SELF_EXPORTED:
        return gettext("asked for a copy of their own data (request %(id)s)", id=number)
    if action == A.SELF_DELETED:
        return gettext("deleted their own account and data (request %(id)s)", id=number)
    if action == A.ERASURE_RETENTION_FINISHED:
        return gettext("ended a legal retention period and erased what it kept")
    if action == A.VISIBILITY_CHANGED:
        return _visibility_words(event)
    if action == A.ERASURE_REPLAYED:
        return ngettext(
            "erased %(num)s restored record again (erasure %(id)s)",
            "erased %(num)s restored records again (erasure %(id)s)",
            _count(event, "records"),
            id=_count(event, "erasure"),
        )
    return _purpose_sentence(action, event)


def _purpose_sentence(action: str, event: t.Any) -> str:
    """The sentence of a purpose review's event, or ""."""
    review = _count(event, "review")
    if action == A.PURPOSE_REVIEW_PROPOSED:
        return ngettext(
            "proposed %(num)s person kept past its purpose for erasure (review %(id)s)",
            "proposed %(num)s persons kept past their purpose for erasure "
            "(review %(id)s)",
            _count(event, "persons"),
            id=review,
        )
    if action == A.PURPOSE_REVIEW_APPROVED:
        return gettext(
            "approved review %(id)s: %(num)s to erase, %(excluded)s kept",
            id=review,
            num=_count(event, "persons"),
            excluded=_count(event, "excluded"),
        )
    if action == A.PURPOSE_SETTINGS_CHANGED:
        return gettext("changed how long data is kept for its purpose")
    return ""


def _visibility_words(event: t.Any) -> str:
    groups = list(_get(event, "fields") or [])
    if not groups:
        return gettext("removed every visibility rule of a person")
    return gettext(
        "set who may see a person: restricted %(groups)s; %(roles)s roles and "
        "%(users)s users exempt",
        groups=", ".join(str(g) for g in groups),
        roles=_count(event, "exempt_roles"),
        users=_count(event, "exempt_users"),
    )


def format_when(value: dt.datetime | None, fmt: str = "medium") -> str:
    """*value* as date and time in the reader's locale and time zone (Flask-Babel)."""
    if value is None:
        return ""
    return str(format_datetime(value, fmt))
