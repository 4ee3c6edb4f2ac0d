"""Registry validation: a bad source declaration fails at start-up, naming the
source and the field."""

from __future__ import annotations

import pytest

from demo.models import Contact
from demo.models import Invoice
from demo.models import db
from tenant_privacy import PersonSource
from tenant_privacy import RegistryError
from tenant_privacy import TenantPrivacy


def _person(privacy: TenantPrivacy, **overrides):
    declaration = {
        "key": "contact",
        "label": "Contacts",
        "model": Contact,
        "tenant_column": "tenant_key",
        "identity": {"first_name": "first_name", "email": "email"},
    }
    declaration.update(overrides)
    return privacy.person_source(**declaration)


def test_a_valid_declaration_is_accepted():
    privacy = TenantPrivacy(db=db)
    source = _person(privacy, export_fields=["first_name"], erasure={"email": "null"})
    assert isinstance(source, PersonSource)
    assert [s.key for s in privacy.registry] == ["contact"]


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"export_fields": ["first_name", "shoe_size"]}, ["contact", "shoe_size"]),
        ({"tenant_column": ""}, ["contact", "tenant column"]),
        ({"tenant_column": "customer_id"}, ["contact", "customer_id"]),
        ({"erasure": {"email": "shred"}}, ["contact", "email", "shred"]),
        ({"erasure": {"mail": "null"}}, ["contact", "mail"]),
        ({"identity": {"nickname": "first_name"}}, ["contact", "nickname"]),
        ({"identity": {"email": "mail_address"}}, ["contact", "mail_address"]),
        ({"identity": {}}, ["contact", "identity"]),
        ({"retain": {"email": "law"}, "erasure": {"email": "null"}}, ["email"]),
        ({"field_labels": {"shoe_size": "Shoe size"}}, ["contact", "shoe_size"]),
        ({"money_fields": ["balance"]}, ["contact", "money field", "balance"]),
    ],
)
def test_invalid_declarations_name_source_and_field(overrides, words):
    privacy = TenantPrivacy(db=db)
    with pytest.raises(RegistryError) as info:
        _person(privacy, **overrides)
    for word in words:
        assert word in str(info.value)
    assert len(privacy.registry) == 0


def test_duplicate_key_is_refused():
    privacy = TenantPrivacy(db=db)
    _person(privacy)
    with pytest.raises(RegistryError, match="'contact' is registered twice"):
        _person(privacy)


def test_related_source_must_point_at_a_person_source(make_app):
    from flask import Flask

    privacy = TenantPrivacy(db=db)
    privacy.related_source(
        key="invoice",
        label="Invoices",
        model=Invoice,
        person_refs={"customer": "contact_id"},
    )
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    with pytest.raises(RegistryError) as info:
        privacy.init_app(app)
    assert "invoice" in str(info.value) and "customer" in str(info.value)


def test_registry_is_frozen_after_init_app(app):
    privacy = app.extensions["tenant_privacy"].extension
    with pytest.raises(RegistryError, match="frozen"):
        _person(privacy, key="another")


def test_the_demo_declares_all_its_sources(app):
    registry = app.extensions["tenant_privacy"].registry
    assert {s.key for s in registry.person_sources()} == {"contact", "lead", "user"}
    assert {s.key for s in registry.related_sources()} == {"invoice", "note"}
    invoice = registry.get("invoice")
    assert set(invoice.retain) == {"amount", "number", "due_date"}
    assert invoice.erasure == {"*": "delete_row"}
    assert invoice.retain["amount"].years == 5
    assert registry.get("note").erasure == {"body": "redact_text"}
    assert registry.get("contact").identity["company"] == "company_name"


def test_each_app_gets_its_own_module_instance(make_app):
    first, second = make_app(), make_app()
    assert (
        first.extensions["tenant_privacy"].extension
        is not second.extensions["tenant_privacy"].extension
    )
