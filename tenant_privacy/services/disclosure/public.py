"""A person's own request, made on the tenant's public form and confirmed by mail.

Nothing is stored until the person confirms: the confirmation link carries the
tenant, the address and the kind, signed with the app's secret and valid for a
day (so a flood of the form creates no rows at all). The answer never says
whether the address is known. On confirmation every data subject with a
registration carrying the address gets a request in the register, received
through the channel ``person``; with none, one request without a subject is
registered, so the tenant still answers the person. An erasure request waits
in the register for an officer, who previews and runs the erasure (it is never
run from a mail alone).
"""

from __future__ import annotations

import datetime as dt
import typing as t
from email.message import EmailMessage

from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer

from ...errors import InvalidInput
from ...i18n import gettext
from ...mail import plain_message
from ...models import PrivacyRequest
from ...models import utcnow
from .. import audit
from .. import requests
from .. import search
from .requesting import check_recipient

if t.TYPE_CHECKING:
    from ...store.scope import TenantScope

__all__ = [
    "CONFIRM_HOURS",
    "compose_confirmation",
    "confirm_request",
    "read_token",
    "sign_request",
]

#: How long a confirmation link works.
CONFIRM_HOURS = 24
_SALT = "tenant_privacy.person_request"


def sign_request(secret: str | bytes, tenant: str, address: str, kind: str) -> str:
    """The confirmation token of a person's request (signed, not stored)."""
    if kind not in requests.KINDS:
        raise InvalidInput(gettext("Unknown kind of request."))
    email = check_recipient(address)
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps([tenant, email, kind])


def read_token(secret: str | bytes, token: str, tenant: str) -> tuple[str, str]:
    """``(email, kind)`` of a confirmation token of *tenant*.

    :raises InvalidInput: the token is forged, of another tenant, or older than
        :data:`CONFIRM_HOURS`.
    """
    try:
        found = URLSafeTimedSerializer(secret, salt=_SALT).loads(
            token, max_age=CONFIRM_HOURS * 3600
        )
    except SignatureExpired as exc:
        raise InvalidInput(gettext("This confirmation link has expired.")) from exc
    except BadSignature as exc:
        raise InvalidInput(gettext("This confirmation link is not valid.")) from exc
    if not isinstance(found, list) or len(found) != 3 or found[0] != tenant:
        raise InvalidInput(gettext("This confirmation link is not valid."))
    return str(found[1]), str(found[2])


def compose_confirmation(
    sender: str,
    address: str,
    tenant_name: str,
    link: str,
    kind: str = requests.DISCLOSURE,
) -> EmailMessage:
    """The mail asking the person to confirm their request (a copy of their data,
    or its erasure), in the current locale."""
    if kind == requests.ERASURE:
        body = gettext(
            "Someone, probably you, asked %(tenant)s to erase the personal data "
            "held about this address. To confirm the request, open this link within "
            "%(hours)s hours:\n\n%(link)s\n\nIf you did not ask, ignore this mail: "
            "nothing happens without your confirmation.",
            tenant=tenant_name,
            hours=CONFIRM_HOURS,
            link=link,
        )
    else:
        body = gettext(
            "Someone, probably you, asked %(tenant)s about the personal data held "
            "about this address. To confirm the request, open this link within "
            "%(hours)s hours:\n\n%(link)s\n\nIf you did not ask, ignore this mail: "
            "nothing happens without your confirmation.",
            tenant=tenant_name,
            hours=CONFIRM_HOURS,
            link=link,
        )
    return plain_message(
        sender,
        address,
        gettext("Confirm your request to %(tenant)s", tenant=tenant_name),
        body,
    )


def confirm_request(
    scope: TenantScope, address: str, kind: str
) -> list[PrivacyRequest]:
    """Register the person's confirmed request; audited. A second confirmation of
    the same link within a day registers nothing new. Flushes; the caller commits.
    Returns the requests (one per data subject with the address, or one without)."""
    email = check_recipient(address)
    since = utcnow() - dt.timedelta(hours=CONFIRM_HOURS)
    existing = list(
        scope.session.scalars(
            scope.select(PrivacyRequest).where(
                PrivacyRequest.channel == "person",
                PrivacyRequest.kind == kind,
                PrivacyRequest.recipient == email,
                PrivacyRequest.received_at >= since,
            )
        )
    )
    if existing:
        return existing
    subject_ids = list(search.subjects_by_email(scope, email)) or [None]
    made = []
    for subject_id in subject_ids:
        row = requests.new_request(
            scope,
            kind=kind,
            subject_id=subject_id,
            channel="person",
            handler=audit.SYSTEM,
            recipient=email,
        )
        audit.record(
            scope.session,
            scope.tenant,
            audit.SYSTEM,
            audit.Action.DISCLOSURE_REQUESTED
            if kind == requests.DISCLOSURE
            else audit.Action.ERASURE_REQUESTED,
            subject_id=subject_id,
            data={"request": row.id},
        )
        made.append(row)
    return made
