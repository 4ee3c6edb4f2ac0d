"""Languages: Bokmål by Accept-Language and by the user's own setting."""

from __future__ import annotations

import pathlib

import pytest

NB = {"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def test_login_page_follows_accept_language(client):
    assert "Logg inn" in client.get("/login", headers=NB).get_data(as_text=True)
    assert "Log in" in client.get("/login", headers=EN).get_data(as_text=True)


def test_module_page_in_bokmaal_inside_the_demo_layout(client, login):
    login(client, "officer@fjord.test")
    text = client.get("/privacy/", headers=NB).get_data(as_text=True)
    assert '<html lang="nb">' in text
    # the module's own catalog
    assert "Personvernoversikt" in text and "Finn en person" in text
    # the demo's catalog, in the demo's base template around the module page
    assert ">Kontakter</a>" in text and "Logg ut" in text
    # the module's menu entry in the demo's menu
    assert 'class="privacy-menu" href="/privacy/">Personvern</a>' in text


def test_english_is_the_default(client, login):
    login(client, "officer@fjord.test")
    text = client.get("/privacy/").get_data(as_text=True)
    assert "Privacy overview" in text and "Find a person" in text
    assert ">Contacts</a>" in text


def test_user_setting_wins_over_the_browser(client, login):
    login(client, "staff@fjord.test")
    response = client.post("/settings", data={"language": "nb"}, headers=EN)
    assert response.status_code == 302
    text = client.get("/contacts", headers=EN).get_data(as_text=True)
    assert "<h1>Kontakter</h1>" in text
    assert "Ingen kontakter funnet." in client.get(
        "/contacts?q=zzqqxx", headers=EN
    ).get_data(as_text=True)
    client.post("/settings", data={"language": ""})
    assert "<h1>Contacts</h1>" in client.get("/contacts", headers=EN).get_data(
        as_text=True
    )


def test_bad_language_setting_is_refused(client, login):
    login(client, "staff@fjord.test")
    assert client.post("/settings", data={"language": "xx"}).status_code == 400


def test_source_labels_are_translated(app):
    registry = app.extensions["tenant_privacy"].registry
    with app.test_request_context(headers=NB):
        assert str(registry.get("contact").label) == "Kontakter"
        assert str(registry.get("invoice").label) == "Fakturaer"


def test_every_audit_action_has_a_bokmaal_label(app):
    from tenant_privacy.services import audit

    with app.test_request_context(headers=EN):
        english = {a: audit.action_label(a) for a in audit.Action}
    with app.test_request_context(headers=NB):
        bokmaal = {a: audit.action_label(a) for a in audit.Action}
    untranslated = [a for a in audit.Action if bokmaal[a] == english[a]]
    assert not untranslated
    assert bokmaal[audit.Action.SUBJECT_VIEWED] == "Oversikt sammenstilt"


ROOT = pathlib.Path(__file__).resolve().parent.parent
#: Template folders and the Bokmål catalog their strings belong to.
TEMPLATE_CATALOGS = (
    (
        ROOT / "tenant_privacy" / "templates",
        ROOT / "tenant_privacy/translations/nb/LC_MESSAGES/tenant_privacy.po",
    ),
    (ROOT / "templates", ROOT / "demo/translations/nb/LC_MESSAGES/messages.po"),
)


@pytest.mark.parametrize(("folder", "catalog"), TEMPLATE_CATALOGS)
def test_every_template_string_has_a_bokmaal_translation(folder, catalog):
    """Every msgid used in any template has a non-empty, non-fuzzy nb msgstr."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with catalog.open("rb") as handle:
        nb = read_po(handle)
    missing = []
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(folder), method_map=[("**.html", "jinja2")]
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = nb.get(msgid)
        strings = entry and (
            entry.string if isinstance(entry.string, tuple) else (entry.string,)
        )
        if not entry or entry.fuzzy or not strings or not all(strings):
            missing.append(f"{filename}: {msgid!r}")
    assert not missing, "untranslated in Bokmål:\n" + "\n".join(sorted(set(missing)))
