"""How much a tenant's data looks like households: measured, not assumed.

The scorer's household rules (another given name or birth date at one address
is a relative) are right for CRMs with families, but data without relatives
(FEBRL, a B2C shop with one registration per home) then loses every duplicate
whose given name or birth date was replaced. Which world a tenant lives in can
be read from its own candidate pairs: among pairs that share a surname and a
full address, the share whose given names clearly differ is the *household
rate*. Families give about 0.6 (spouses, children, twins); data without
relatives about 0.1 (only replaced or mistyped names). Below
:data:`HOUSEHOLD_FREE_RATE`, and with enough such pairs to judge, the tenant is
read as household-free and pairs without contact data are scored with
``households=False``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .scoring import FIRST_CONFLICT
from .scoring import SURNAME_AGREES

__all__ = [
    "HOUSEHOLD_FREE_RATE",
    "MIN_SAMPLE",
    "HouseholdRate",
]

#: Below this share of "other given name at one address" the data has no households.
HOUSEHOLD_FREE_RATE = 0.25
#: Fewest same-surname, same-address pairs needed before the rate is trusted.
MIN_SAMPLE = 50
#: Street similarity from which two addresses are one.
_SAME_STREET = 0.9


@dataclass
class HouseholdRate:
    """Counts same-surname, same-address pairs and their given-name conflicts."""

    same_address: int = 0
    other_given: int = 0

    def add(self, evidence: Mapping[str, float]) -> None:
        """Count one scored pair by its evidence (pairs lacking the fields: ignored)."""
        if (
            evidence.get("last_name", 0.0) >= SURNAME_AGREES
            and evidence.get("street", 0.0) >= _SAME_STREET
            and evidence.get("postcode", 0.0) == 1.0
            and "first_name" in evidence
        ):
            self.same_address += 1
            if evidence["first_name"] < FIRST_CONFLICT:
                self.other_given += 1

    @property
    def rate(self) -> float | None:
        """The household rate in [0, 1], or None while the sample is too small."""
        if self.same_address < MIN_SAMPLE:
            return None
        return self.other_given / self.same_address

    def has_households(self) -> bool:
        """False only when enough pairs show a rate below HOUSEHOLD_FREE_RATE."""
        rate = self.rate
        return rate is None or rate >= HOUSEHOLD_FREE_RATE
