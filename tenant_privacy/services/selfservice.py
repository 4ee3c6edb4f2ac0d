"""Self-service ("My privacy"): what a logged-in user may do about their own data.

A user is a data subject too: ``Actor.person_ref`` names their own person record,
whose subject is *their* subject. Everything here acts on that subject only and
reuses the officer's pipelines: the overview (:mod:`.overview`), the disclosure
(:mod:`.disclosure`) with the recipient fixed to the login email, and the erasure
(:mod:`.erasure`). Requests are entered in the register through the channel
``self_service`` and audited with the user as actor (``self.*`` actions).

Who sees what: for each declared field group the user picks a level, stored as
visibility restrictions on their subject (:mod:`.visibility`): ``all`` (all
colleagues) is no restriction; ``officers`` (privacy officers only) is
``Restriction(group)``, which hides it on colleagues' pages from the user too;
``me`` (nobody but me and privacy officers) is ``Restriction(group,
except_users={me})``. A restriction an officer set (the whole person, exempt
roles) is kept unless the user changes that group's level.

"About me" for related rows: a row that names one of my records in its
``person_refs`` is wholly about me; a row I only *wrote* (``author_refs``, a note
about a contact) shows me only its ``author_fields``, and my erasure only empties
its author attribute.
"""

from __future__ import annotations

import typing as t

from ..errors import InvalidInput
from ..errors import NotFound
from ..i18n import gettext
from ..models import PrivacyRequest
from ..store import locks
from . import audit
from . import disclosure
from . import erasure
from . import overview
from . import requests
from . import visibility
from .visibility import Restriction

if t.TYPE_CHECKING:
    from ..host import Actor
    from ..models import ErasureJob
    from ..models import ExportJob
    from ..store.scope import TenantScope

__all__ = [
    "ALL",
    "LEVELS",
    "ME",
    "OFFICERS",
    "OwnRequestOpen",
    "level_of",
    "own_levels",
    "set_own_levels",
    "compile_own_overview",
    "open_disclosure",
    "own_subject_id",
    "preview_own_erasure",
    "request_own_copy",
    "request_own_erasure",
]

#: A self-service disclosure in one of these states blocks a new one: it is being
#: built, or its link was mailed and is neither used nor expired.
BLOCKING = (requests.RECEIVED, requests.BUILDING, requests.READY, requests.SENT)


class OwnRequestOpen(InvalidInput):
    """The user's previous copy of their data is still on its way or unused."""


def _ref(scope: TenantScope, actor: Actor) -> tuple[str, str]:
    """The user's own person record, checked to exist in this tenant.

    :raises NotFound: the host names no person record of the user here.
    """
    if actor.person_ref is None or actor.tenant != scope.tenant:
        raise NotFound("the user has no person record in this tenant")
    ref = scope.ref(*actor.person_ref)
    scope.record(*ref)
    return ref


def own_subject_id(scope: TenantScope, actor: Actor, *, create: bool) -> int | None:
    """The id of the user's own subject (made the first time when *create*; else
    None while their record has no subject row yet).

    :raises NotFound: the user has no person record in this tenant.
    """
    ref = _ref(scope, actor)
    if create:
        return scope.subject_of(ref).id
    link = scope.link_of(ref)
    return None if link is None else link.subject_id


def compile_own_overview(scope: TenantScope, actor: Actor) -> overview.Overview:
    """What the tenant holds about the user: their subject's overview (rows they
    wrote about others limited to the fields about them); audited ``self.viewed``.
    Creates nothing. Flushes.

    :raises NotFound: the user has no person record in this tenant.
    """
    return overview.compile_record_overview(
        scope,
        audit.actor_ref(actor),
        _ref(scope, actor),
        audit_as=audit.Action.SELF_VIEWED,
    )


def preview_own_erasure(scope: TenantScope, actor: Actor) -> erasure.SubjectPlan:
    """What deleting the user would do (the erasure preview); creates nothing
    (a record without a subject row is planned under a transient subject).

    :raises NotFound: the user has no person record in this tenant.
    """
    return erasure.plan_owner(scope, _ref(scope, actor))


def open_disclosure(scope: TenantScope, subject_id: int) -> PrivacyRequest | None:
    """The user's self-service copy still on its way or unused, if any."""
    stmt = (
        scope.select(PrivacyRequest)
        .where(
            PrivacyRequest.subject_id == subject_id,
            PrivacyRequest.kind == requests.DISCLOSURE,
            PrivacyRequest.channel == requests.SELF_SERVICE,
            PrivacyRequest.state.in_(BLOCKING),
        )
        .order_by(PrivacyRequest.id.desc())
        .limit(1)
    )
    return scope.session.scalars(stmt).first()


def request_own_copy(
    scope: TenantScope, actor: Actor
) -> tuple[PrivacyRequest, ExportJob]:
    """Register a copy of the user's data, mailed to their login email; audited
    ``self.exported``. One at a time. Flushes; the caller commits, then hands the
    export to the job runner (job ``build_export``).

    :raises OwnRequestOpen: a previous copy is still on its way or unused.
    :raises InvalidInput: the login email is not a valid address.
    """
    locks.tenant_lock(scope, locks.SELF_REQUEST)
    subject_id = own_subject_id(scope, actor, create=True)
    assert subject_id is not None
    if open_disclosure(scope, subject_id) is not None:
        raise OwnRequestOpen(
            gettext(
                "Your previous copy is still on its way or its link has not been "
                "used yet. Use the link in that mail, or ask again once it has "
                "expired."
            )
        )
    return disclosure.request_disclosure(
        scope,
        audit.actor_ref(actor),
        subject_id,
        actor.email,
        channel=requests.SELF_SERVICE,
    )


def request_own_erasure(
    scope: TenantScope, actor: Actor
) -> tuple[PrivacyRequest, ErasureJob]:
    """Register the erasure of the user's own subject; audited ``self.deleted``.
    The caller has checked the password and that the user is not the tenant's
    last administrator. Flushes; the caller commits, then hands the job to the
    runner (job ``erase``).

    :raises AlreadyErased: the user's subject was erased before.
    """
    locks.tenant_lock(scope, locks.SELF_REQUEST)
    subject_id = own_subject_id(scope, actor, create=True)
    assert subject_id is not None
    return erasure.request_erasure(
        scope, audit.actor_ref(actor), subject_id, channel=requests.SELF_SERVICE
    )


#: The three levels a user chooses per field group, from most to least visible.
ALL = "all"
OFFICERS = "officers"
ME = "me"
LEVELS = (ALL, OFFICERS, ME)


def level_of(restriction: Restriction | None, user_id: str) -> str:
    """The level a restriction of the user's own subject stands for."""
    if restriction is None:
        return ALL
    return ME if user_id in restriction.except_users else OFFICERS


def own_levels(scope: TenantScope, actor: Actor) -> dict[str, str]:
    """Declared field group -> the user's current level (reads only; every group
    is ``all`` while the user has no subject row)."""
    subject_id = own_subject_id(scope, actor, create=False)
    rules = visibility.restrictions_of(scope, subject_id) if subject_id else {}
    return {
        group.name: level_of(rules.get(group.name), actor.id)
        for group in scope.registry.field_groups()
    }


def set_own_levels(
    scope: TenantScope, actor: Actor, levels: t.Mapping[str, str]
) -> bool:
    """Store the user's levels (group -> level; groups left out keep theirs) as
    the restrictions of their subject; audited ``visibility.changed`` with the user
    as actor. False when nothing changed (nothing written). Flushes.

    :raises InvalidInput: an unknown group or level.
    """
    declared = {g.name for g in scope.registry.field_groups()}
    for group, level in levels.items():
        if group not in declared or level not in LEVELS:
            raise InvalidInput(gettext("Choose one of the offered levels."))
    subject_id = own_subject_id(scope, actor, create=True)
    assert subject_id is not None
    current = visibility.restrictions_of(scope, subject_id)
    wanted = dict(current)
    for group, level in levels.items():
        if level == level_of(current.get(group), actor.id):
            continue  # unchanged: an officer's exemptions stay as they are
        wanted.pop(group, None)
        if level == OFFICERS:
            wanted[group] = Restriction(group)
        elif level == ME:
            wanted[group] = Restriction(group, except_users=frozenset({actor.id}))
    if wanted == current:
        return False
    visibility.set_restrictions(scope, actor, subject_id, wanted.values())
    return True
