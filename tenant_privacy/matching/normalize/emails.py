"""Email addresses: one clean address per field, the mailbox it reaches,
consumer providers and placeholders.

Pure and deterministic.
"""

from __future__ import annotations

import re
import typing as t
from functools import lru_cache

from rapidfuzz.distance import OSA

from .text import MAX_TEXT_CHARS
from .text import bounded

__all__ = [
    "MAIL_PROVIDERS",
    "is_placeholder_email",
    "mailbox",
    "normalize_email",
]

_ANGLE_ADDRESS = re.compile(r"<([^<>@]+@[^<>]+)>")
_EMAIL_LIST = re.compile(r"[\s;,]+")


def normalize_email(raw: t.Any) -> str | None:
    """Lower-case, strip and sanity-check an email; None if it has no "@" part.

    "Ola Nordmann <Ola@X.no>" gives "ola@x.no"; a field holding several
    addresses ("ola@x.no; ola@y.no") gives the first that is one. Only the
    first :data:`~.text.MAX_TEXT_CHARS` characters are read (an address has at
    most 254).
    """
    if raw is None:
        return None
    text = bounded(str(raw), MAX_TEXT_CHARS).strip().lower()
    if "<" in text and (angle := _ANGLE_ADDRESS.search(text)):
        text = angle.group(1)
    text = text.strip("<> ")
    if text.count("@") < 2 and ";" not in text and "," not in text:
        return _one_email(text)  # one address (a stray space stays: no guessing)
    for part in _EMAIL_LIST.split(text):
        if (email := _one_email(part.strip("<>"))) is not None:
            return email
    return None


def _one_email(text: str) -> str | None:
    """``text`` as "local@domain" when it is one address (a "mailto:" and a
    trailing dot of the domain dropped), else None."""
    if text.startswith("mailto:"):
        text = text[7:]
    if text.count("@") != 1:
        return None
    local, domain = text.split("@")
    domain = domain.rstrip(".")
    if not local or "." not in domain:
        return None
    return f"{local}@{domain}"


#: Consumer mail providers (an address there is a private one, not a work one).
MAIL_PROVIDERS = frozenset(
    (
        "gmail.com googlemail.com hotmail.com hotmail.no outlook.com live.no "
        "live.com msn.com yahoo.com yahoo.no icloud.com me.com online.no "
        "frisurf.no broadpark.no getmail.no altibox.no telenor.no c2i.net "
        "proton.me protonmail.com gmx.com gmx.de web.de aol.com "
        # real domains one typo from a bigger provider: never "corrected"
        "mail.com email.com ymail.com rocketmail.com gmx.net mac.com "
        "hotmail.se hotmail.dk hotmail.de hotmail.co.uk live.se live.dk "
        "yahoo.se yahoo.dk outlook.dk"
    ).split()
)
#: Domains a provider also delivers for: one mailbox under two names.
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
#: Providers whose names are long enough that a domain one typo away is rarely
#: a real one ("gmial.com", "hotmial.com", "onlne.no"); the real ones we know
#: of are in MAIL_PROVIDERS and so never corrected.
_TYPO_TARGETS = tuple(d for d in MAIL_PROVIDERS if len(d) >= 8)


def mailbox(email: str, *, guess: bool = True) -> str:
    """The mailbox a normalised address delivers to, for matching.

    A "+tag" sub-address is dropped ("ola+crm@x.no" is "ola@x.no": Gmail,
    Outlook, iCloud and most others deliver both to one inbox), googlemail.com
    is gmail.com, and (only with ``guess``) an unknown domain one typo from
    exactly one big consumer provider is read as that provider ("gmial.com" ->
    "gmail.com"). Without ``guess`` only those certain equivalences apply: what
    a lookup that discloses or erases data may use. Dots in a Gmail local part
    are kept: an address written with and without them is rarely the same
    person's habit, and treating them as equal would join generated or
    mistyped addresses of different people.
    """
    local, _, domain = email.partition("@")
    if "+" in local and local[0] != "+":
        local = local.split("+", 1)[0]
    if guess and domain not in MAIL_PROVIDERS:
        domain = _provider_domain(domain)
    else:
        domain = _DOMAIN_ALIASES.get(domain, domain)
    return f"{local}@{domain}"


@lru_cache(maxsize=20_000)
def _provider_domain(domain: str) -> str:
    """``domain``, or the one consumer provider it is a single typo of."""
    near = [
        d
        for d in _TYPO_TARGETS
        if abs(len(d) - len(domain)) <= 1
        and OSA.distance(d, domain, score_cutoff=1) <= 1
    ]
    return _DOMAIN_ALIASES.get(near[0], near[0]) if len(near) == 1 else domain


#: Local parts and domains typed where no address is known ("ingen@ingen.no",
#: "x@firma.no", "noreply@firma.no"): such an address identifies nobody.
_PLACEHOLDER_LOCALS = frozenset(
    "ingen none noemail no-email nomail no-mail ikke ikkeoppgitt ikke.oppgitt "
    "mangler ukjent unknown dummy fake test x xx xxx na n.a noreply no-reply "
    "donotreply do-not-reply".split()
)
_PLACEHOLDER_DOMAINS = frozenset(
    "ingen.no none.no none.com noemail.com noemail.no nomail.com nomail.no "
    "ukjent.no unknown.com test.com test.no fake.com dummy.com mangler.no ikke.no "
    "invalid.invalid".split()
)


def is_placeholder_email(email: str) -> bool:
    """True for an address typed where none is known ("ingen@ingen.no")."""
    local, _, domain = email.partition("@")
    return local in _PLACEHOLDER_LOCALS or domain in _PLACEHOLDER_DOMAINS
