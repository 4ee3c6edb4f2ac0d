"""One registration mapping read into a :class:`NormalizedRecord`.

Deterministic for one input on one day: the birth date reads today's date
(see :mod:`.dates`); everything else is pure.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from .addresses import normalize_country
from .addresses import normalize_postcode
from .addresses import normalize_street
from .addresses import split_address
from .dates import normalize_birth_date
from .emails import is_placeholder_email
from .emails import mailbox
from .emails import normalize_email
from .names import EMPTY_GROUPS
from .names import nickname_groups
from .names import read_names
from .phones import is_placeholder_phone
from .phones import normalize_phone
from .text import MAX_CODE_CHARS
from .text import MAX_TEXT_CHARS
from .text import bounded
from .text import canon_text
from .text import clean_code

if t.TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["NormalizedRecord", "normalize_record"]


@dataclass(frozen=True, slots=True)
class NormalizedRecord:
    """Comparable form of one registration; produced by :func:`normalize_record`."""

    id: t.Any
    first: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    first_groups: frozenset[int] = EMPTY_GROUPS
    email: str | None = None
    phone: str | None = None
    phone_kind: str | None = None
    birth_date: str | None = None
    street: str | None = None
    house: tuple[str, ...] = ()
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    national_id: str | None = None
    company: str | None = None

    @property
    def has_name(self) -> bool:
        """True when the record has at least one name token."""
        return bool(self.first or self.last)


def normalize_record(
    record: Mapping[str, t.Any], *, region: str = "NO"
) -> NormalizedRecord:
    """Normalise one registration mapping; unknown keys are ignored, None allowed.

    Names are folded (case, Nordic letters, diacritics) and tokenised; a missing
    first/last name is taken from ``full_name``. Phones become E.164 using the
    record's two-letter ``country`` or else ``region``; emails are lower-cased
    and read as the mailbox they reach; birth dates become ISO strings (read
    against today's date, see :mod:`.dates`). Placeholder emails and phones
    are dropped. Never raises on odd values: unusable values are dropped.

    The work is bounded whatever the input: each field is read up to
    :data:`~.text.MAX_TEXT_CHARS` (free text) or :data:`~.text.MAX_CODE_CHARS`
    (postcode, national id, birth date) characters, a phone up to
    :data:`~.phones.MAX_PHONE_CHARS`, and a name keeps at most
    :data:`~.names.MAX_NAME_TOKENS` words a part, so comparing two records
    costs microseconds to milliseconds however long a hostile value is. No
    real value comes near these bounds.
    """
    first, last = read_names(
        record.get("first_name"), record.get("last_name"), record.get("full_name")
    )
    country = normalize_country(bounded(record.get("country"), MAX_TEXT_CHARS))
    phone_region = country if country and len(country) == 2 else region
    phone, kind = _phone(record.get("phone"), phone_region)
    raw_street, raw_postcode, raw_city = split_address(
        bounded(record.get("street"), MAX_TEXT_CHARS),
        bounded(record.get("postcode"), MAX_CODE_CHARS),
        bounded(record.get("city"), MAX_TEXT_CHARS),
    )
    street = normalize_street(raw_street)
    city_tokens = canon_text(raw_city)
    company_tokens = canon_text(bounded(record.get("company"), MAX_TEXT_CHARS))
    return NormalizedRecord(
        id=record.get("id"),
        first=first,
        last=last,
        first_groups=nickname_groups(first),
        email=_email(record.get("email")),
        phone=phone,
        phone_kind=kind,
        birth_date=normalize_birth_date(
            bounded(record.get("birth_date"), MAX_CODE_CHARS)
        ),
        street=(street[0] or None) if street else None,
        house=street[1] if street else (),
        postcode=normalize_postcode(raw_postcode, country or region),
        city=" ".join(city_tokens) or None,
        country=country,
        national_id=clean_code(bounded(record.get("national_id"), MAX_CODE_CHARS)),
        company=" ".join(company_tokens) or None,
    )


def _phone(raw: t.Any, region: str) -> tuple[str | None, str | None]:
    """(E.164, kind) of a phone field, (None, None) when unusable or filler."""
    if raw is None or not str(raw).strip():
        return None, None
    parsed = normalize_phone(str(raw), region)
    if parsed is None or is_placeholder_phone(parsed[0]):
        return None, None
    return parsed


def _email(raw: t.Any) -> str | None:
    """The mailbox an email field reaches, None when unusable or filler."""
    email = normalize_email(raw)
    if not email or is_placeholder_email(email):
        return None
    return mailbox(email)
