"""Visibility rules follow the person: erasure removes them, a link keeps the
stricter of two people's rules, an unlink keeps the split-off record protected,
and an undo gives the emptied subject its own rules back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tenant_privacy.models import CasbinRule
from tenant_privacy.services import erasure
from tenant_privacy.services import linking
from tenant_privacy.services import visibility as vis
from tests.conftest import scope_of
from tests.linking_helpers import add_contact
from tests.linking_helpers import add_lead

R = vis.Restriction


@pytest.fixture
def two(app, app_ctx):
    from demo.models import db

    a = add_contact("fjord", "Liv", "Streng", email="liv.streng@example.no")
    b = add_lead("fjord", "Liv", "Streng", email="liv.streng@example.no")
    scope = scope_of(app, "fjord")
    ids = [scope.subject_of(a).id, scope.subject_of(b).id]
    db.session.commit()
    return scope, (a, b), ids


def test_linking_keeps_the_stricter_rules_and_undo_gives_them_back(two):
    from demo.models import db

    scope, (a, b), (sa_, sb) = two
    vis.set_restrictions(
        scope,
        "operator",
        sa_,
        [
            R("email", frozenset({"admin", "staff"}), frozenset({"7"})),
            R("phone", frozenset({"admin"})),
        ],
    )
    vis.set_restrictions(
        scope,
        "operator",
        sb,
        [R("email", frozenset({"admin"}), frozenset({"7", "8"})), R(vis.PERSON)],
    )
    db.session.commit()
    merge = linking.link_records(scope, "operator", [a, b])
    db.session.commit()
    target = min(sa_, sb)
    assert vis.restrictions_of(scope, target) == {
        "email": R("email", frozenset({"admin"}), frozenset({"7"})),
        "phone": R("phone", frozenset({"admin"})),
        "person": R(vis.PERSON),
    }
    # the record that came from the other subject is as hidden as the person is
    seen = vis.visibility_for(scope, None, [a, b])
    assert seen.person_hidden(a) and seen.person_hidden(b)
    linking.undo_merge(scope, "operator", merge.id)
    db.session.commit()
    other = max(sa_, sb)
    assert set(vis.restrictions_of(scope, other)) == (
        {"email", "person"} if other == sb else {"email", "phone"}
    )


def test_unlink_keeps_the_split_off_record_protected(two):
    from demo.models import db

    scope, (a, b), _ = two
    linking.link_records(scope, "operator", [a, b])
    sid = scope.subject_of(a).id
    vis.set_restrictions(scope, "operator", sid, [R("email")])
    db.session.commit()
    merge = linking.unlink_record(scope, "operator", b)
    db.session.commit()
    assert vis.restrictions_of(scope, merge.subject_id) == {"email": R("email")}
    assert not vis.visibility_for(scope, None, [b]).can_see(b, "email")


def test_erasure_removes_the_rules(app, two):
    from demo.models import db

    scope, (a, _), (sid, other) = two
    vis.set_restrictions(scope, "operator", sid, [R("email"), R(vis.PERSON)])
    vis.set_restrictions(scope, "operator", other, [R("phone")])
    db.session.commit()
    _, job = erasure.request_erasure(scope, "user:1", sid)
    db.session.commit()
    app.extensions["tenant_privacy"].jobs.enqueue(
        "erase", tenant="fjord", erasure_id=job.id
    )
    assert vis.restrictions_of(scope, sid) == {}
    lines = db.session.scalars(
        sa.select(CasbinRule.v0).where(CasbinRule.ptype == "vp")
    ).all()
    assert lines == [f"x:{other}:phone"]  # another person's rule stays
