"""Phone numbers: E.164 and kind (mobile, fixed, unknown), placeholders.

Pure and deterministic; Norwegian numbers take a fast path that gives what
``phonenumbers`` gives, every other number is parsed by ``phonenumbers``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

__all__ = [
    "MAX_PHONE_CHARS",
    "is_placeholder_phone",
    "normalize_phone",
]

_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.PAGER,
}
_AMBIGUOUS_TYPES = {
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.UNKNOWN,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.VOIP,
}


#: Most characters of a phone field that are read (the rest is dropped unread,
#: before ``phonenumbers`` sees it): the longest in the bench sets has 15, a field
#: with two numbers and remarks ("22 33 44 55 (jobb) eller 912 34 567 (mob)") 41.
#: It bounds how many numbers one field can make us parse.
MAX_PHONE_CHARS = 64

_NOT_DIAL = re.compile(r"[^\d+]")
#: A remark in parentheses: "(privat)", "(jobb)", "(mob.)".
_PHONE_REMARK = re.compile(r"\([^)]*[^\W\d_][^)]*\)")
#: Text that may separate several numbers in one field (checked before the regex).
_PHONE_LIST_MARKS = ("/", ";", ",", "|", " eller ", " og ", " or ", " and ")
#: What separates several numbers in one field.
_PHONE_LIST = re.compile(r"\s*(?:[/;,|]|\b(?:eller|or|og|and)\b)\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s().\-/]")


def _norwegian_kind(nat: str) -> str:
    """Kind of an 8-digit Norwegian national number by its first digit."""
    # 4/9 mobiles, 2/3/5/6/7 landlines; 8 (service numbers) and the unassigned
    # 0/1 say nothing about who holds them
    if nat[0] in "49":
        return "mobile"
    return "fixed" if nat[0] in "23567" else "unknown"


def normalize_phone(raw: str, region: str = "NO") -> tuple[str, str] | None:
    """Parse a phone number to ``(E.164, kind)`` with ``region`` as the default.

    ``kind`` is "mobile", "fixed" or "unknown" (kind decides how identifying a
    shared number is). "+47 912 34 567", "0047 91234567" and "91 23 45 67" all give
    ("+4791234567", "mobile"). Remarks in parentheses ("(privat)") and the
    trunk zero of "+47 (0) ..." are dropped; a field holding several numbers
    ("912 34 567 / 22 33 44 55") gives its first mobile, else its first number.
    Only the first :data:`MAX_PHONE_CHARS` characters are read. Returns None
    when the text is not a phone number.
    """
    return _phone_number(str(raw)[:MAX_PHONE_CHARS], region)


@lru_cache(maxsize=200_000)
def _phone_number(raw: str, region: str) -> tuple[str, str] | None:
    """Memoised body of :func:`normalize_phone` (``raw`` already bounded)."""
    text = raw.strip()
    if not text:
        return None
    if "(" in text:
        text = _PHONE_REMARK.sub(" ", text).replace("(0)", " ").strip()
    listed = any(mark in text for mark in _PHONE_LIST_MARKS)
    parts = _PHONE_LIST.split(text) if listed else [text]
    if len(parts) > 1 and all(len(_NOT_DIAL.sub("", p)) >= 5 for p in parts):
        numbers = [n for n in (_phone_number(p, region) for p in parts) if n]
        mobiles = [n for n in numbers if n[1] == "mobile"]
        return (mobiles or numbers or [None])[0]
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]  # a number that went through a spreadsheet as a float
    digits = _NOT_DIAL.sub("", text)
    if digits.startswith("00"):
        text = digits = "+" + digits[2:]
    # fast path for Norwegian numbers (most of a Norwegian tenant), the same
    # result phonenumbers gives: 8 digits, with +47 or in the region NO
    if not _SEPARATORS.sub("", text).lstrip("+").isdigit():
        pass  # letters or other marks: let phonenumbers decide
    elif digits.startswith("+47") and len(digits) == 11:
        return digits, _norwegian_kind(digits[3:])
    elif region == "NO" and len(digits) == 8 and digits.isdigit():
        return "+47" + digits, _norwegian_kind(digits)
    return _parse_phone(text, region)


def _parse_phone(text: str, region: str) -> tuple[str, str] | None:
    """:func:`normalize_phone` of one cleaned number, through ``phonenumbers``."""
    try:
        num = phonenumbers.parse(text, region or "NO")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if num.country_code == 47:
        nat = str(num.national_number)
        if len(nat) == 8:
            kind = _norwegian_kind(nat)
        else:
            kind = "unknown"
        return e164, kind
    ntype = phonenumbers.number_type(num)
    if ntype in _MOBILE_TYPES:
        kind = "mobile"
    elif ntype in _AMBIGUOUS_TYPES:
        kind = "unknown"
    else:
        kind = "fixed"
    return e164, kind


def is_placeholder_phone(e164: str) -> bool:
    """True for a number typed where none is known: one digit repeated
    ("99999999", "00000000") or a run up or down ("12345678", "98765432")."""
    digits = e164[3:] if e164.startswith("+47") else e164.lstrip("+")
    if len(digits) < 6 or not digits.isdigit():
        return False
    step = int(digits[1]) - int(digits[0])
    if step not in (-1, 0, 1):
        return False  # most real numbers: decided by their first two digits
    return all(
        int(y) - int(x) == step for x, y in zip(digits[1:], digits[2:], strict=False)
    )
