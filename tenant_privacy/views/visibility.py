"""Officer pages: set or clear who may see what about a person (on the overview).

Rules replace the person's rules as a whole (one audited change); the overview
shows them in words. Roles and users are given as comma-separated lists (users by
their login email, resolved through the host's staff loaders).
"""

from __future__ import annotations

import typing as t

from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for

from .. import inputs
from ..errors import InvalidInput
from ..i18n import gettext
from ..proxies import current_privacy
from ..services import visibility
from .context import request_actor
from .context import request_scope
from .routing import Route

if t.TYPE_CHECKING:
    from ..store.scope import TenantScope

#: Most characters of the comma-separated role and user lists.
LIST_MAX = 2000


def _subject_url(subject_id: int) -> str:
    return url_for(f"{request.blueprint}.subject", subject_id=subject_id)


def _names(field: str) -> list[str]:
    raw = inputs.text_arg(request.form.get(field), LIST_MAX, field)
    return list(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))


def _user_ids(tenant: str, emails: list[str]) -> frozenset[str]:
    ids = set()
    for email in emails:
        user = current_privacy.host.find_staff(tenant, email)
        if user is None:
            raise InvalidInput(
                gettext("No staff member has the email address %(email)s.", email=email)
            )
        ids.add(user.id)
    return frozenset(ids)


def overview_context(scope: TenantScope, subject_id: int | None) -> dict[str, t.Any]:
    """What the overview page shows of a person's rules: the groups an officer
    may restrict (label and whether restricted), the exempt roles and staff."""
    groups = [(g.name, g.label) for g in scope.registry.field_groups()]
    groups.append((visibility.PERSON, gettext("The whole person")))
    rules = {} if subject_id is None else visibility.restrictions_of(scope, subject_id)
    roles = sorted({r for rule in rules.values() for r in rule.except_roles})
    users = sorted({u for rule in rules.values() for u in rule.except_users})
    staff = current_privacy.host.labels(scope.tenant, users)
    return {
        "groups": groups,
        "rules": rules,
        "roles": roles,
        "users": [(u, staff.get(u, gettext("a former staff member"))) for u in users],
    }


def visibility_save(subject_id: int) -> t.Any:
    """Replace the person's rules with the form's: the groups ticked in ``hide``,
    exempting ``except_roles``, ``except_users`` (staff emails) and the exempt
    staff still ticked in ``keep_users`` (ids)."""
    scope = request_scope()
    return _save(scope, scope.subject(subject_id))


def record_visibility_save(source_key: str, record_id: str) -> t.Any:
    """As :func:`visibility_save`, for a record without a subject yet (it gets
    one: rules belong to a person)."""
    scope = request_scope()
    for field, value in (("source_key", source_key), ("record_id", record_id)):
        inputs.text_arg(value, None, field, trim=False)
    return _save(scope, scope.subject_of((source_key, record_id)))


def _save(scope: TenantScope, subject: t.Any) -> t.Any:
    if subject.state != "active":
        abort(400, description=gettext("Only an active person can have rules."))
    groups = [inputs.text_arg(g, 64, "hide") for g in request.form.getlist("hide")]
    roles = frozenset(_names("except_roles"))
    users = _user_ids(scope.tenant, _names("except_users"))
    kept = [
        inputs.text_arg(u, 64, "keep_users") for u in request.form.getlist("keep_users")
    ]
    users |= frozenset(current_privacy.host.labels(scope.tenant, kept))
    rules = [visibility.Restriction(g, roles, users) for g in dict.fromkeys(groups)]
    if rules:
        visibility.set_restrictions(scope, request_actor(), subject.id, rules)
        message = gettext("Saved: who may see this person has changed.")
    elif visibility.clear_restrictions(scope, request_actor(), subject.id):
        message = gettext("Every visibility rule of this person was removed.")
    else:
        message = gettext("This person has no visibility rules.")
    scope.session.commit()
    flash(message, "success")
    return redirect(_subject_url(subject.id))


def visibility_clear(subject_id: int) -> t.Any:
    """Remove every rule of the person."""
    scope = request_scope()
    subject = scope.subject(subject_id)
    removed = visibility.clear_restrictions(scope, request_actor(), subject.id)
    scope.session.commit()
    flash(
        gettext("Every visibility rule of this person was removed.")
        if removed
        else gettext("This person has no visibility rules."),
        "success",
    )
    return redirect(_subject_url(subject.id))


ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        "/subjects/<tp_id:subject_id>/visibility",
        "visibility_save",
        visibility_save,
    ),
    Route(
        "POST",
        "/subjects/<tp_id:subject_id>/visibility/clear",
        "visibility_clear",
        visibility_clear,
    ),
    Route(
        "POST",
        "/records/<source_key>/<record_id>/visibility",
        "record_visibility_save",
        record_visibility_save,
    ),
)
