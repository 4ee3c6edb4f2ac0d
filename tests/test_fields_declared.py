"""No field leaves the host's table undeclared (issue 18, defect 1): without
``export_fields`` a source shows its id and identity fields only, and names that say
secret are refused at registration unless marked in ``secret_fields_ok``."""

from __future__ import annotations

import pytest

from demo.models import Invoice
from demo.models import User
from demo.models import db
from tenant_privacy import RegistryError
from tenant_privacy import TenantPrivacy
from tenant_privacy.registry import name_says_secret
from tenant_privacy.services.fields import exported_columns
from tenant_privacy.services.fields import exported_fields


def _users(privacy: TenantPrivacy, **overrides):
    declaration = {
        "key": "user",
        "label": "Users",
        "model": User,
        "identity": {"full_name": "name", "email": "email"},
    }
    declaration.update(overrides)
    return privacy.person_source(**declaration)


def test_without_export_fields_only_id_and_identity_fields_are_shown():
    source = _users(TenantPrivacy(db=db))
    assert exported_columns(source) == ["id", "name", "email"]
    row = User(id=7, name="Kari", email="k@x.test", password_hash="pbkdf2:secret")
    row.session_token = "tok"
    shown = exported_fields(source, row)
    assert shown == {"id": 7, "name": "Kari", "email": "k@x.test"}


def test_a_related_source_without_export_fields_shows_its_id_only():
    privacy = TenantPrivacy(db=db)
    source = privacy.related_source(
        key="invoice", label="Invoices", model=Invoice, person_refs={"c": "contact_id"}
    )
    assert exported_columns(source) == ["id"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"export_fields": ["name", "password_hash"]},
        {"export_fields": ["session_token"]},
        {"identity": {"full_name": "name", "email": "password_hash"}},
    ],
)
def test_secret_looking_fields_are_refused_naming_source_and_field(overrides):
    privacy = TenantPrivacy(db=db)
    with pytest.raises(RegistryError) as info:
        _users(privacy, **overrides)
    message = str(info.value)
    assert "'user'" in message and "secret_fields_ok" in message
    assert "password_hash" in message or "session_token" in message
    assert len(privacy.registry) == 0


def test_a_secret_field_exported_on_purpose_is_accepted():
    source = _users(
        TenantPrivacy(db=db),
        export_fields=["name", "session_token"],
        secret_fields_ok=["session_token"],
    )
    assert exported_columns(source) == ["name", "session_token"]


def test_secret_fields_ok_must_name_attributes():
    with pytest.raises(RegistryError, match="apikey"):
        _users(TenantPrivacy(db=db), secret_fields_ok=["apikey"])


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("password_hash", True),
        ("hashed_password", True),
        ("api_key", True),
        ("apiKey", True),
        ("reset_token", True),
        ("totp_secret", True),
        ("salt", True),
        ("otp", True),
        ("monkey", False),
        ("hashtag", False),
        ("tokenizer_name", False),
        ("email", False),
        ("first_name", False),
    ],
)
def test_name_says_secret_reads_whole_words(name, secret):
    assert name_says_secret(name) is secret
