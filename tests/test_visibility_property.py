"""The fast path answers exactly as Casbin does with the shipped model.

On random rules (groups, the whole person, exempt roles and users), random users
with random roles and random officers, ``visibility_for`` (and ``hidden_clause``
for the whole person) must agree with a ``casbin.Enforcer`` loaded with
``tenant_privacy/casbin/visibility.conf`` and the same stored lines, on every
(user, person, group).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tenant_privacy import Actor
from tenant_privacy.models import CasbinRule
from tenant_privacy.models import Subject
from tenant_privacy.models import SubjectRecord
from tenant_privacy.services import visibility as vis
from tenant_privacy.services.rights import ROLE
from tenant_privacy.services.visibility import policy
from tests.conftest import scope_of

TENANT = "fjord"
SUBJECTS = 4
USERS = [str(i) for i in range(1, 6)]
ROLES = ["admin", "staff", "sales"]
GROUPS = ["email", "phone", "address", "balance", vis.PERSON]

restriction = st.builds(
    vis.Restriction,
    group=st.sampled_from(GROUPS),
    except_roles=st.frozensets(st.sampled_from(ROLES), max_size=2),
    except_users=st.frozensets(st.sampled_from(USERS), max_size=2),
)
rules = st.dictionaries(
    st.integers(0, SUBJECTS - 1),
    st.lists(restriction, max_size=3, unique_by=lambda r: r.group),
    max_size=SUBJECTS,
)
user_roles = st.fixed_dictionaries(
    {u: st.frozensets(st.sampled_from(ROLES), max_size=2) for u in USERS}
)
officers = st.frozensets(st.sampled_from(USERS), max_size=2)


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, make_app):
    """A bare demo app with a tenant, and SUBJECTS contacts with a subject each
    (on SQLite and on PostgreSQL: the SQL condition runs on both)."""
    from demo.models import Contact
    from demo.models import Tenant
    from demo.models import db

    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server").create_database()
    app = make_app(url, TENANT_PRIVACY_AUTO_MATCH=False)
    with app.app_context():
        db.session.add(Tenant(key=TENANT, name="Fjord"))
        db.session.flush()
        refs = []
        for i in range(SUBJECTS):
            contact = Contact(tenant_key=TENANT, first_name=f"P{i}", last_name="X")
            db.session.add(contact)
            db.session.flush()
            subject = Subject(tenant_key=TENANT)
            db.session.add(subject)
            db.session.flush()
            ref = ("contact", str(contact.id))
            db.session.add(
                SubjectRecord(
                    tenant_key=TENANT,
                    source_key="contact",
                    record_id=ref[1],
                    subject_id=subject.id,
                )
            )
            refs.append((ref, subject.id))
        db.session.commit()
        yield app, refs


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rules=rules, roles=user_roles, officer_ids=officers)
def test_fast_path_equals_casbin(world, rules, roles, officer_ids):
    from demo.models import Contact
    from demo.models import db

    app, refs = world
    with app.app_context():
        scope = scope_of(app, TENANT)
        db.session.execute(sa.delete(CasbinRule))
        for user in officer_ids:
            db.session.add(
                CasbinRule(ptype="g", v0=f"u:{user}", v1=ROLE, v2=f"t:{TENANT}")
            )
        for index, items in rules.items():
            vis.set_restrictions(scope, "operator", refs[index][1], items)
        db.session.flush()
        enforcer = policy.enforcer(
            policy.casbin_rows(db.session, TENANT), TENANT, roles
        )
        all_refs = [ref for ref, _ in refs]
        for user in USERS:
            viewer = Actor(id=user, tenant=TENANT, roles=roles[user])
            page = vis.visibility_for(scope, viewer, all_refs)
            for ref, sid in refs:
                for group in GROUPS:
                    expected = enforcer.enforce(
                        f"u:{user}", f"t:{TENANT}", f"s:{sid}", group
                    )
                    assert page.can_see(ref, group) == expected, (user, sid, group)
            shown = set(
                db.session.scalars(
                    sa.select(Contact.id).where(
                        Contact.tenant_key == TENANT,
                        vis.hidden_clause(scope, viewer, "contact"),
                    )
                )
            )
            hidden = set(
                db.session.scalars(
                    sa.select(Contact.id).where(
                        Contact.tenant_key == TENANT,
                        vis.hidden_rows_clause(scope, viewer, "contact"),
                    )
                )
            )
            for ref, sid in refs:
                expected = enforcer.enforce(
                    f"u:{user}", f"t:{TENANT}", f"s:{sid}", vis.PERSON
                )
                assert (int(ref[1]) in shown) == expected, (user, sid)
                assert (int(ref[1]) in hidden) != expected, (user, sid)
        db.session.rollback()
