"""What the review page says of one field: exact, normalised, typo, or the score."""

from __future__ import annotations

import datetime as dt

import pytest

from tenant_privacy.services.duplicates import evidence as ev


@pytest.mark.parametrize(
    ("field", "a", "b", "similarity", "kind"),
    [
        ("email", "kari@gmail.com", " Kari@Gmail.com ", 1.0, ev.SAME),
        ("email", "kari@gmail.com", "kari@gmial.com", 1.0, ev.TYPO),
        ("street", "Løvåsveien 53", "lovasveien 53", 1.0, ev.NORMALISED),
        ("last_name", "Bråthen", "BRAATHEN", 1.0, ev.NORMALISED),
        ("phone", "+47 915 55 123", "0047 91555123", 1.0, ev.NORMALISED),
        ("phone", "91555123", "91555124", 0.7, ev.TYPO),
        ("birth_date", dt.date(1979, 4, 12), "1979-04-12", 1.0, ev.SAME),
        ("first_name", "Kari", "Karoline", 0.8, ev.SIMILAR),
        ("first_name", "Kari", "Ingrid", 0.1, ev.DIFFERENT),
        ("email", "kari@example.no", None, None, ev.NOT_COMPARED),
    ],
)
def test_field_agreement(field, a, b, similarity, kind) -> None:
    found = ev.field_agreement(field, a, b, similarity)
    assert found.kind == kind
    assert found.similarity == similarity
