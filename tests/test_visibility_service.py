"""Visibility rules as a service: set, read, clear, audit, tenants, the fast path."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tenant_privacy.errors import InvalidInput
from tenant_privacy.errors import NotFound
from tenant_privacy.models import AuditEvent
from tenant_privacy.models import CasbinRule
from tenant_privacy.models import PolicyVersion
from tenant_privacy.services import visibility as vis
from tenant_privacy.services.rights import load_rules
from tests.conftest import scope_of
from tests.linking_helpers import add_contact
from tests.visibility_helpers import actor
from tests.visibility_helpers import subject_id


@pytest.fixture
def person(app, app_ctx):
    from demo.models import db

    ref = add_contact("fjord", "Vera", "Vern", email="vera@example.no")
    sid = subject_id(app, "fjord", ref)
    db.session.commit()
    return ref, sid


def test_set_read_clear_and_audit(app, person):
    from demo.models import db

    ref, sid = person
    scope = scope_of(app, "fjord")
    rules = [
        vis.Restriction("email", frozenset({"admin"})),
        vis.Restriction("balance", except_users=frozenset({"42"})),
    ]
    vis.set_restrictions(scope, actor("fjord", "officer"), sid, rules)
    db.session.commit()
    assert vis.restrictions_of(scope, sid) == {r.group: r for r in rules}
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "visibility.changed")
    ).one()
    assert event.subject_id == sid and event.fields == ["balance", "email"]
    assert event.data == {"exempt_roles": 1, "exempt_users": 1}
    version = db.session.get(PolicyVersion, "fjord").version
    # the rights loader never reads visibility lines
    assert all(p in ("p", "g") for p, _ in load_rules(db.session, "fjord"))
    assert vis.clear_restrictions(scope, "operator", sid) is True
    db.session.commit()
    assert vis.restrictions_of(scope, sid) == {}
    assert db.session.get(PolicyVersion, "fjord").version == version + 1
    assert vis.clear_restrictions(scope, "operator", sid) is False
    assert not db.session.scalars(
        sa.select(CasbinRule).where(CasbinRule.ptype.in_(("vp", "vg")))
    ).all()


def test_bad_input_changes_nothing(app, person):
    _, sid = person
    scope = scope_of(app, "fjord")
    with pytest.raises(InvalidInput):
        vis.set_restrictions(scope, "operator", sid, [vis.Restriction("shoe_size")])
    with pytest.raises(InvalidInput):
        vis.set_restrictions(
            scope, "operator", sid, [vis.Restriction("email", frozenset({" "}))]
        )
    with pytest.raises(NotFound):
        vis.set_restrictions(
            scope_of(app, "nordlys"), "operator", sid, [vis.Restriction("email")]
        )
    assert vis.restrictions_of(scope, sid) == {}


def test_fast_path_officer_role_user_and_other_tenant(app, person):
    from demo.models import db

    ref, sid = person
    scope = scope_of(app, "fjord")
    staff, admin, officer = (actor("fjord", x) for x in ("staff", "admin", "officer"))
    vis.set_restrictions(
        scope,
        officer,
        sid,
        [
            vis.Restriction("email", frozenset({"admin"})),
            vis.Restriction(vis.PERSON, except_users=frozenset({staff.id})),
        ],
    )
    db.session.commit()
    seen = vis.visibility_for(scope, staff, [ref])
    assert not seen.person_hidden(ref) and not seen.can_see(ref, "email")
    row = {"email": "vera@example.no", "first_name": "Vera"}
    assert seen.mask(ref, row) == {"email": vis.MASKED, "first_name": "Vera"}
    seen = vis.visibility_for(scope, admin, [ref])
    assert seen.person_hidden(ref) and not seen.can_see(ref, "balance")
    assert seen.can_see(("contact", "999999"), "email")
    assert vis.visibility_for(scope, officer, [ref]).hidden_groups(ref) == frozenset()
    # another tenant's same-named user is no exemption, its people no rules
    other = actor("nordlys", "staff")
    assert vis.visibility_for(scope, other, [ref]).person_hidden(ref)
    assert vis.visibility_for(scope_of(app, "nordlys"), other, [ref]).hidden == {}
