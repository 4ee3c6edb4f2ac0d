"""The blocking keys cannot change without their version changing too.

Stored keys are only as good as the version that wrote them: the product asks a
tenant for a new scan when :data:`KEYS_VERSION` differs from its last scan's. A
change to the keys or to the normalisation they come from that leaves the version
alone would leave every tenant's index silently stale, so this digest of the keys
of a fixed sample must be updated together with a raised version.
"""

from __future__ import annotations

import hashlib

from devdata.synthetic import generate_registrations
from tenant_privacy.matching import KEYS_VERSION
from tenant_privacy.matching import blocking_keys
from tenant_privacy.matching import normalize_record

#: KEYS_VERSION -> sha256 of the sorted keys of the sample below
DIGESTS = {
    2: "a9543b611b96c145c62c2480e38bab95554adb213e2241063625410bd2b70124",
}


#: What the generator does not make: the shapes CRMs hold values in
MESSY = [
    {"id": "m1", "full_name": "Hansen, Kari", "email": "Kari+crm@GoogleMail.com"},
    {
        "id": "m2",
        "first_name": "Ola",
        "last_name": "Nordmann",
        "email": "ola@gmial.com",
    },
    {
        "id": "m3",
        "first_name": "Ukjent",
        "email": "ingen@ingen.no",
        "phone": "99999999",
    },
    {"id": "m4", "full_name": "LUND KNUT", "phone": "0047 (0) 912 34 567 (privat)"},
    {"id": "m5", "first_name": "Bjørn", "last_name": "Sæther", "street": "Postboks 12"},
    {
        "id": "m6",
        "first_name": "Åse",
        "last_name": "Ødegård",
        "postcode": "N-0150",
        "street": "Storgata 5B, 0150 Oslo",
        "birth_date": "07.03.1985",
    },
    {
        "id": "m7",
        "first_name": "Per",
        "last_name": "Berg",
        "national_id": "07038512345",
        "birth_date": "070385",
        "email": "Per Berg <per.berg@firma.no>; p@x.no",
    },
    {
        "id": "m8",
        "first_name": "Dr. Anne-Marie",
        "last_name": "Mac Kinder jr.",
        "phone": "91234567.0",
        "country": "SE",
    },
]


def sample_digest() -> str:
    records = generate_registrations(0, seed=20261130, n_registrations=1500)[0]
    records = [*records, *MESSY]
    lines = sorted(
        f"{r['id']}\t{key}"
        for r in records
        for key in blocking_keys(normalize_record(r))
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_changed_keys_come_with_a_new_keys_version() -> None:
    assert sample_digest() == DIGESTS.get(KEYS_VERSION), (
        "the blocking keys changed: raise KEYS_VERSION and record the new digest"
    )
