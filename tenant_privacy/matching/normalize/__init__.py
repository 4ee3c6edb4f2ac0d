"""Normalisation of person registrations into comparable values, by field kind.

- :mod:`.text`: case and Nordic folding, canonical spelling, sound keys, codes;
- :mod:`.names`: name tokens, given-name knowledge, orientation;
- :mod:`.phones`, :mod:`.emails`, :mod:`.dates`, :mod:`.addresses`: one field
  kind each;
- :mod:`.record`: :class:`NormalizedRecord` and :func:`normalize_record`.

Everything is deterministic, and pure but for birth dates: reading one
depends on today's date (see :mod:`.dates`), so the same mapping gives the same
:class:`NormalizedRecord` within a day, not necessarily on every day. The names
below are the package's interface; import them from here.
"""

from __future__ import annotations

from .addresses import normalize_street
from .dates import normalize_birth_date
from .emails import MAIL_PROVIDERS
from .emails import is_placeholder_email
from .emails import mailbox
from .emails import normalize_email
from .names import AMBIGUOUS_NAMES
from .names import GIVEN_NAMES
from .names import NAME_NOISE
from .names import NAME_PLACEHOLDERS
from .names import NICK_GROUPS
from .names import is_given_name
from .names import orient_names
from .names import split_full_name
from .phones import is_placeholder_phone
from .phones import normalize_phone
from .record import NormalizedRecord
from .record import normalize_record
from .text import canon_text
from .text import canon_token
from .text import fold_text
from .text import phonetic

__all__ = [
    "AMBIGUOUS_NAMES",
    "GIVEN_NAMES",
    "MAIL_PROVIDERS",
    "NAME_NOISE",
    "NAME_PLACEHOLDERS",
    "NICK_GROUPS",
    "NormalizedRecord",
    "canon_text",
    "canon_token",
    "fold_text",
    "is_given_name",
    "is_placeholder_email",
    "is_placeholder_phone",
    "mailbox",
    "normalize_birth_date",
    "normalize_email",
    "normalize_phone",
    "normalize_record",
    "normalize_street",
    "orient_names",
    "phonetic",
    "split_full_name",
]
