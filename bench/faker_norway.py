"""Independent Faker-based generator of Norwegian CRM registrations with truth.

A second synthetic data set for ``tenant_privacy.matching``, written apart from
``devdata/synthetic.py`` so that a matcher tuned to one generator
shows it. Names, street names, postcodes, cities and company names come from
Faker's ``no_NO`` locale; the structure is built here: towns with their own
streets and postcode ranges, apartment blocks, households (singles, couples,
families, twins, flatmates, namesakes), skewed surname frequencies, and one to
four registrations per person from different systems (CRM contact, web-form
lead, user account, integration import, event sign-up) with realistic noise.

Run from the project root::

    .venv/bin/python bench/faker_norway.py [--examples N]

Prints one JSON line per data set size with pairwise and after-closure quality
of ``find_duplicates``; ``--examples N`` also prints N false negatives and N false
positives at n=7000 with the kind of (non-)duplicate they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from faker import Faker  # noqa: E402
from faker.providers.person.no_NO import Provider as _NoPerson  # noqa: E402

Pair = frozenset[str]
Token = tuple[str, str]

REFERENCE_YEAR = 2025

# Approximate SSB counts of the most common surnames; the rest of Faker's list
# (the top 100) gets a flat count, and a long tail of farm and immigrant names
# covers most of the population, as in Norway.
_SURNAME_COUNTS = {
    "Hansen": 49000,
    "Johansen": 47000,
    "Olsen": 46000,
    "Larsen": 37000,
    "Andersen": 37000,
    "Pedersen": 34000,
    "Nilsen": 33000,
    "Kristiansen": 22000,
    "Jensen": 22000,
    "Karlsen": 20000,
    "Johnsen": 20000,
    "Pettersen": 19000,
    "Eriksen": 18000,
    "Berg": 17000,
    "Haugen": 14000,
    "Hagen": 14000,
    "Johannessen": 13000,
    "Andreassen": 11000,
    "Jacobsen": 11000,
    "Dahl": 11000,
}
_TOP_SHARE = 0.42  # share of people carrying one of Faker's top-100 surnames
_FOREIGN_SHARE = 0.08
_FARM_HEADS = (
    "Bjørk Haug Lyng Fjell Ny Sol Øver Vest Nord Sør Øst Holm Bråt Li Mo Rø Skog "
    "Stor Tve Kval Hol Hov Myr Eng Dal Vik Sand Flat Rud Gjerd Tor Sel Foss Grøn "
    "Lind Ask Rogn Stein Kleiv Nes Bø Hegg Selj Tjern Ås Furu Hall Bekk Græs"
).split()
_FARM_TAILS = (
    "li land heim dal rud stad vik seth set eng aas bakk nes haug mo vold berg "
    "gård bråten tun øy rød holm hus myr lund sæter hammer næs"
).split()
_FOREIGN = (
    (
        ("Nowak", "Kaczmarek", "Mazur", "Krawczyk", "Wójcik", "Zając"),
        ("Piotr", "Tomasz", "Marcin", "Krzysztof", "Paweł", "Łukasz"),
        ("Anna", "Katarzyna", "Agnieszka", "Magdalena", "Małgorzata", "Joanna"),
    ),
    (
        ("Mohamed", "Ahmed", "Hassan", "Abdi", "Farah", "Warsame"),
        ("Abdirahman", "Mohamed", "Abdullahi", "Yusuf", "Hassan", "Omar"),
        ("Fadumo", "Amina", "Hodan", "Sahra", "Hawa", "Ayan"),
    ),
    (
        ("Khan", "Hussain", "Iqbal", "Butt", "Ahmad", "Malik"),
        ("Muhammad", "Ali", "Imran", "Usman", "Bilal", "Hamza"),
        ("Ayesha", "Fatima", "Sana", "Nadia", "Mariam", "Zainab"),
    ),
    (
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"),
        ("Minh", "Tuan", "Duc", "Hung", "Long", "Nam"),
        ("Linh", "Thao", "Mai", "Huong", "Lan", "Trang"),
    ),
    (
        ("Andersson", "Johansson", "Karlsson", "Nilsson", "Lindqvist", "Svensson"),
        ("Erik", "Johan", "Oskar", "Axel", "Viktor", "Gustav"),
        ("Elin", "Ebba", "Klara", "Saga", "Linnea", "Maja"),
    ),
)
# Names the Faker list lacks but the nickname table needs.
_EXTRA_FEMALE = ("Katrine", "Kaja", "Henriette", "Marthe")
_NICKNAMES = {
    "Kristoffer": ("Kris", "Christoffer"),
    "Alexander": ("Alex", "Aleksander"),
    "Elisabeth": ("Lise", "Lisa", "Elisabet"),
    "Katrine": ("Kaja", "Kathrine"),
    "Cathrine": ("Kathrine", "Katrine", "Cat"),
    "Christian": ("Kristian", "Chris"),
    "Kristian": ("Christian", "Kris"),
    "Thomas": ("Tom", "Tommy"),
    "Tobias": ("Tobbe",),
    "Fredrik": ("Fred", "Frederik"),
    "Andreas": ("Andy",),
    "Daniel": ("Dani",),
    "Johannes": ("Johs", "Johan"),
    "Magnus": ("Mange",),
    "Torbjørn": ("Tobben",),
    "Kristine": ("Kine", "Christine"),
    "Kristin": ("Kine", "Kristine"),
    "Karoline": ("Caroline", "Karro"),
    "Ingeborg": ("Inge", "Imma"),
    "Camilla": ("Milla",),
    "Martine": ("Tine",),
    "Synnøve": ("Synne",),
    "Emilie": ("Emily",),
    "Sofie": ("Sophie",),
    "Helene": ("Lene",),
    "Monica": ("Monika",),
    "Cecilie": ("Cille", "Cecile"),
    "Robert": ("Rob", "Robbie"),
    "Kenneth": ("Kenny",),
    "Henriette": ("Jette",),
    "Muhammad": ("Mohammed", "Mohammad"),
    "Mohamed": ("Mohammed", "Muhamed"),
    "Abdirahman": ("Abdi", "Abdurahman"),
    "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",),
    "Piotr": ("Peter",),
}
_PRIVATE_DOMAINS = {
    "gmail.com": 40,
    "hotmail.com": 15,
    "online.no": 10,
    "outlook.com": 8,
    "icloud.com": 7,
    "yahoo.no": 5,
    "live.no": 5,
    "hotmail.no": 3,
    "yahoo.com": 3,
    "getmail.no": 2,
    "broadpark.no": 1,
    "start.no": 1,
}
_BIG_EMPLOYERS = (
    ("NAV", "nav.no", 30),
    ("Oslo universitetssykehus HF", "ous-hf.no", 20),
    ("Universitetet i Oslo", "uio.no", 12),
    ("NTNU", "ntnu.no", 10),
    ("Helse Bergen HF", "helse-bergen.no", 10),
    ("Trondheim kommune", "trondheim.kommune.no", 10),
    ("Telia Norge", "telia.no", 6),
    ("Skatteetaten", "skatteetaten.no", 6),
    ("Norgesgruppen", "norgesgruppen.no", 8),
    ("Forsvaret", "mil.no", 8),
)
_COMPANY_SUFFIXES = ("AS", "ASA", "BA", "RFH", "og Sønner", "& co.", "Gruppen")
_SOURCES = {
    "crm_contact": 35,
    "web_lead": 25,
    "user_account": 20,
    "integration_import": 12,
    "event_signup": 8,
}
_NEEDS_EMAIL = ("web_lead", "event_signup", "user_account")
_KEYBOARD = {
    "a": "sq",
    "b": "vn",
    "d": "sf",
    "e": "wr",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
}
_DATE_FORMATS = (("%Y-%m-%d", 55), ("%d.%m.%Y", 35), ("dmy_short", 5), ("%d/%m/%Y", 5))


# ------------------------------------------------------------------ world model
@dataclass(frozen=True)
class Address:
    """A dwelling: street, house number (maybe with letter), optional flat unit."""

    street: str
    number: str
    unit: str | None
    postcode: str
    city: str

    def token(self) -> Token:
        """Identity of the building (the flat unit is often left out)."""
        return ("a", f"{self.street}|{self.number}|{self.postcode}")


@dataclass
class Town:
    """A place with its own postcode range and streets."""

    city: str
    postcodes: list[str]
    streets: list[str]


@dataclass
class Person:
    """One human with the contact data their registrations draw from."""

    pid: int
    hid: int
    role: str
    sex: str
    given: str
    surname: str
    birth: dt.date
    home: Address
    foreign: bool = False
    mobile: str | None = None
    email: str | None = None
    old_email: str | None = None
    work_email: str | None = None
    company: str | None = None
    landline: str | None = None
    family_email: str | None = None
    maiden: str | None = None
    married_at: float = 0.0
    old_home: Address | None = None
    moved_at: float = 0.0

    @property
    def age(self) -> int:
        """Age in whole years at the reference year."""
        return REFERENCE_YEAR - self.birth.year


@dataclass
class World:
    """Shared state: random sources, towns, employers, uniqueness registers."""

    rng: random.Random
    fake: Faker
    towns: list[Town]
    town_weights: list[float]
    employers: list[tuple[str, str]]
    employer_weights: list[float]
    surnames: list[str]
    surname_weights: list[float]
    used_numbers: set[str] = field(default_factory=set)
    used_emails: set[str] = field(default_factory=set)
    people: list[Person] = field(default_factory=list)
    next_pid: int = 0
    next_hid: int = 0


@dataclass
class Dataset:
    """Generated records, the true pairs and per-record generation notes."""

    records: list[dict[str, Any]]
    truth: set[Pair]
    meta: dict[str, dict[str, Any]]
    people: dict[int, Person]
    name_only: set[Pair]


# ------------------------------------------------------------------ names
def surname_table() -> tuple[list[str], list[float]]:
    """Faker's no_NO surnames with SSB-like, strongly skewed weights."""
    names = list(dict.fromkeys(_NoPerson.last_names))
    counts = [_SURNAME_COUNTS.get(n, 5500) for n in names]
    total = sum(counts)
    return names, [c / total for c in counts]


def farm_surname(rng: random.Random) -> str:
    """A rare Norwegian farm-style surname ("Lyngstad", "Bjørkli", "Tveit")."""
    head = rng.choice(_FARM_HEADS)
    tail = rng.choice(_FARM_TAILS)
    if head[-1] == tail[0]:
        tail = tail[1:]
    return head + tail


def pick_surname(world: World) -> str:
    """A surname: common names are far more frequent than the long tail."""
    rng = world.rng
    if rng.random() < _TOP_SHARE:
        return rng.choices(world.surnames, weights=world.surname_weights)[0]
    return farm_surname(rng)


def pick_given_name(world: World, sex: str) -> str:
    """A Faker no_NO given name; some are double ("Ida Marie", "Per-Erik")."""
    fake, rng = world.fake, world.rng
    first = fake.first_name_male() if sex == "m" else fake.first_name_female()
    if sex == "f" and rng.random() < 0.04:
        first = rng.choice(_EXTRA_FEMALE)
    r = rng.random()
    if r < 0.07:
        second = fake.first_name_male() if sex == "m" else fake.first_name_female()
        if second != first:
            first = f"{first} {second}"
    elif r < 0.12:
        second = fake.first_name_male() if sex == "m" else fake.first_name_female()
        if second != first:
            first = f"{first}-{second}"
    return first


def foreign_name(rng: random.Random, sex: str) -> tuple[str, str]:
    """Given name and surname of an immigrant family (Polish, Somali, ...)."""
    surnames, male, female = rng.choice(_FOREIGN)
    return rng.choice(male if sex == "m" else female), rng.choice(surnames)


# ------------------------------------------------------------------ places
def build_towns(
    fake: Faker, rng: random.Random, n: int
) -> tuple[list[Town], list[float]]:
    """Faker towns with a postcode range and a street pool, sizes Zipf-like."""
    towns: list[Town] = []
    weights: list[float] = []
    seen_cities: set[str] = set()
    taken: set[int] = set()
    count = max(25, min(400, n // 200))
    for rank in range(count):
        city = fake.city()
        while city in seen_cities:
            city = fake.city()
        seen_cities.add(city)
        weight = 1.0 / (rank + 1) ** 0.9
        n_codes = 1 + int(12 * weight) + rng.randrange(2)
        span = range(n_codes + 2)  # keep a gap between towns
        base = int(fake.postcode())
        while (
            base < 10 or base + n_codes > 9999 or any(base + k in taken for k in span)
        ):
            base = int(fake.postcode())
        taken.update(base + k for k in span)
        codes = [f"{base + k:04d}" for k in range(n_codes)]
        streets = list({fake.street_name() for _ in range(8 + int(300 * weight))})
        towns.append(Town(city, codes, sorted(streets)))
        weights.append(weight)
    return towns, weights


def house_number(rng: random.Random) -> str:
    """A house number, low numbers more frequent, some with a letter."""
    num = min(int(rng.expovariate(1 / 25)) + 1, 240)
    if rng.random() < 0.12:
        return f"{num}{rng.choice('ABCD')}"
    return str(num)


def flat_unit(rng: random.Random) -> str:
    """A Norwegian flat number (bolignummer) such as "H0203"."""
    return f"H{rng.randint(1, 6):02d}{rng.randint(1, 4):02d}"


def new_address(world: World, town: Town | None = None) -> Address:
    """A dwelling in a random (or given) town; a third are flats in blocks."""
    rng = world.rng
    town = town or rng.choices(world.towns, weights=world.town_weights)[0]
    street = rng.choice(town.streets)
    unit = flat_unit(rng) if rng.random() < 0.33 else None
    # a street stays in one postcode area of its town
    postcode = town.postcodes[hash_index(street, len(town.postcodes))]
    return Address(street, house_number(rng), unit, postcode, town.city)


def hash_index(text: str, size: int) -> int:
    """A stable (seed-independent) bucket of ``text`` in ``range(size)``."""
    return sum(ord(ch) * (i + 1) for i, ch in enumerate(text)) % size


# ------------------------------------------------------------------ contacts
def mobile_number(world: World) -> str:
    """A unique Norwegian mobile number: 8 digits starting with 4 or 9."""
    while True:
        num = world.rng.choice("49") + f"{world.rng.randrange(10**7):07d}"
        if num not in world.used_numbers:
            world.used_numbers.add(num)
            return num


def landline_number(world: World) -> str:
    """A unique landline: 8 digits starting with 2, 3, 5, 6 or 7."""
    while True:
        num = world.rng.choice("23567") + f"{world.rng.randrange(10**7):07d}"
        if num not in world.used_numbers:
            world.used_numbers.add(num)
            return num


def transliterate_for_email(text: str, rng: random.Random) -> str:
    """Lower-case ASCII for an email local part: ø->o|oe, å->a|aa, æ->ae."""
    o = "o" if rng.random() < 0.6 else "oe"
    a = "a" if rng.random() < 0.6 else "aa"
    out = text.lower().replace("ø", o).replace("å", a).replace("æ", "ae")
    out = out.replace("ł", "l")
    out = unicodedata.normalize("NFKD", out)
    out = "".join(ch for ch in out if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9.\-]", "", out.replace(" ", "."))


def _claim_email(world: World, local: str, domain: str) -> str:
    rng = world.rng
    addr = f"{local}@{domain}"
    while addr in world.used_emails:
        addr = f"{local}{rng.randint(1, 99)}@{domain}"
    world.used_emails.add(addr)
    return addr


def private_email(world: World, given: str, surname: str, birth: dt.date) -> str:
    """A private address built from the name (ola.nordmann@gmail.com, ...)."""
    rng = world.rng
    first_words = re.split(r"[ \-]", given)
    f = transliterate_for_email(first_words[0], rng)
    m = transliterate_for_email(first_words[1][:1], rng) if len(first_words) > 1 else ""
    last = transliterate_for_email(surname.split()[-1].split("-")[0], rng)
    yy = f"{birth.year % 100:02d}"
    patterns = {
        f"{f}.{last}": 30,
        f"{f}{last}": 12,
        f"{f[0]}{last}": 10,
        f"{f}.{last}{yy}": 10,
        f"{f}{birth.year}": 5,
        f"{f}_{last}": 5,
        f"{last}.{f}": 4,
        f"{f}.{m}.{last}" if m else f"{f}.{last}": 4,
        f"{f}{last[0]}{yy}": 4,
        f"{f}.{last[0]}": 3,
    }
    local = rng.choices(list(patterns), weights=list(patterns.values()))[0]
    domains = list(_PRIVATE_DOMAINS)
    domain = rng.choices(domains, weights=list(_PRIVATE_DOMAINS.values()))[0]
    return _claim_email(world, local, domain)


def work_email(world: World, given: str, surname: str, domain: str) -> str:
    """A work address: ola.nordmann@firma.no, onordmann@, or initials olno@."""
    rng = world.rng
    f = transliterate_for_email(re.split(r"[ \-]", given)[0], rng)
    last = transliterate_for_email(surname.split()[-1].split("-")[0], rng)
    patterns = {
        f"{f}.{last}": 55,
        f"{f[0]}{last}": 15,
        f"{f[:2]}{last[:2]}": 15,
        f"{f}": 5,
        f"{f[0]}.{last}": 10,
    }
    local = rng.choices(list(patterns), weights=list(patterns.values()))[0]
    return _claim_email(world, local, domain)


def family_email(world: World, surname: str, adults: list[Person]) -> str:
    """A shared household address (familien.hansen@online.no, olaogkari@...)."""
    rng = world.rng
    last = transliterate_for_email(surname.split()[-1].split("-")[0], rng)
    r = rng.random()
    if r < 0.55:
        local = f"familien.{last}"
    elif r < 0.75:
        local = f"fam.{last}"
    elif r < 0.85:
        local = f"{last}familien"
    else:
        names = [transliterate_for_email(p.given.split()[0], rng) for p in adults]
        local = "og".join(names)
    domain = rng.choice(("online.no", "online.no", "gmail.com", "hotmail.com"))
    return _claim_email(world, local, domain)


def build_employers(
    fake: Faker, rng: random.Random, n: int
) -> tuple[list[tuple[str, str]], list[float]]:
    """Big public/private employers plus Faker companies of Pareto-like size."""
    employers = [(name, dom) for name, dom, _ in _BIG_EMPLOYERS]
    weights = [float(w) for _, _, w in _BIG_EMPLOYERS]
    domains = {dom for _, dom in employers}
    for _ in range(max(40, n // 60)):
        name = fake.company()
        core = name
        for suffix in _COMPANY_SUFFIXES:
            core = core.replace(suffix, "")
        core = core.split(",")[0].strip()
        dom = transliterate_for_email(core, rng).replace(".", "") + ".no"
        if dom in domains:
            continue
        domains.add(dom)
        employers.append((name, dom))
        weights.append(rng.paretovariate(1.2))
    return employers, weights


def give_contacts(world: World, p: Person) -> None:
    """Own mobile, private email, maybe an old email and a job with work email."""
    rng = world.rng
    adult = p.age >= 18
    if rng.random() < (0.94 if adult else 0.85):
        p.mobile = mobile_number(world)
    if rng.random() < (0.92 if adult else 0.6):
        p.email = private_email(world, p.given, email_surname(rng, p), p.birth)
    if rng.random() < 0.15:
        p.old_email = private_email(world, p.given, email_surname(rng, p), p.birth)
    if adult and p.age < 67 and rng.random() < 0.6:
        company, domain = rng.choices(world.employers, world.employer_weights)[0]
        p.company = company
        if rng.random() < 0.7:
            p.work_email = work_email(world, p.given, p.surname, domain)


def email_surname(rng: random.Random, p: Person) -> str:
    """The surname in a private email: a changed-name person often kept the old."""
    if p.maiden and (p.married_at or rng.random() < 0.4):
        return p.maiden
    return p.surname


# ------------------------------------------------------------------ households
def birth_date(rng: random.Random, age_lo: int, age_hi: int) -> dt.date:
    """A birth date for an age in [age_lo, age_hi] at the reference year."""
    year = REFERENCE_YEAR - rng.randint(age_lo, age_hi)
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def new_person(
    world: World,
    hid: int,
    role: str,
    sex: str,
    birth: dt.date,
    home: Address,
    *,
    given: str | None = None,
    surname: str | None = None,
    foreign: bool = False,
) -> Person:
    """A person with identity only; contacts are added by :func:`give_contacts`."""
    world.next_pid += 1
    if foreign and (given is None or surname is None):
        g, s = foreign_name(world.rng, sex)
        given, surname = given or g, surname or s
    p = Person(
        pid=world.next_pid,
        hid=hid,
        role=role,
        sex=sex,
        given=given or pick_given_name(world, sex),
        surname=surname or pick_surname(world),
        birth=birth,
        home=home,
        foreign=foreign,
    )
    world.people.append(p)
    return p


def maybe_moved(world: World, members: list[Person]) -> None:
    """Some households moved: earlier registrations show the old address."""
    rng = world.rng
    if rng.random() < 0.12:
        old = new_address(world)
        when = rng.uniform(0.2, 0.8)
        for p in members:
            p.old_home, p.moved_at = old, when


def make_single(world: World) -> list[Person]:
    """One adult living alone (sometimes with an own landline)."""
    rng = world.rng
    hid = _new_hid(world)
    sex = rng.choice("mf")
    p = new_person(
        world,
        hid,
        "single",
        sex,
        birth_date(rng, 19, 88),
        new_address(world),
        foreign=rng.random() < _FOREIGN_SHARE,
    )
    give_contacts(world, p)
    if p.age > 55 and rng.random() < 0.25:
        p.landline = landline_number(world)
    if sex == "f" and p.age > 30 and rng.random() < 0.1:
        divorced_or_married_name(world, p)
    maybe_moved(world, [p])
    return [p]


def divorced_or_married_name(world: World, p: Person) -> None:
    """A surname changed during the CRM history (earlier records: old surname)."""
    p.maiden = pick_surname(world)
    p.married_at = world.rng.uniform(0.15, 0.85)


def couple_surnames(world: World, a: Person, b: Person) -> None:
    """Partners often share a surname, sometimes each keeps their own.

    When one took the other's surname, earlier registrations may still carry the
    maiden name; some keep it as a middle name ("Kari Olsen Hansen").
    """
    rng = world.rng
    r = rng.random()
    if r < 0.55:
        b.maiden, b.surname = b.surname, a.surname
        if rng.random() < 0.35:
            b.married_at = rng.uniform(0.15, 0.85)
    elif r < 0.65:
        b.maiden = b.surname
        b.surname = f"{b.surname} {a.surname}"
        if rng.random() < 0.35:
            b.married_at = rng.uniform(0.15, 0.85)
    elif r < 0.68:
        a.maiden, a.surname = a.surname, b.surname
    # else: each keeps their own surname


def make_couple(world: World, with_kids: bool) -> list[Person]:
    """Two adults at one address, optionally with children (and maybe twins)."""
    rng = world.rng
    hid = _new_hid(world)
    home = new_address(world)
    foreign = rng.random() < _FOREIGN_SHARE
    lo, hi = (36, 62) if with_kids else (22, 85)
    a = new_person(world, hid, "partner", "m", birth_date(rng, lo, hi), home)
    b_birth = a.birth + dt.timedelta(days=rng.randint(-6 * 365, 3 * 365))
    b_sex = "f" if rng.random() > 0.04 else "m"
    b = new_person(world, hid, "partner", b_sex, b_birth, home)
    if foreign:
        a.given, a.surname = foreign_name(rng, "m")
        b.given, b.surname = foreign_name(rng, b_sex)
        a.foreign = b.foreign = True
    couple_surnames(world, a, b)
    members = [a, b]
    if with_kids:
        members += make_children(world, hid, a, b, home)
    for p in members:
        give_contacts(world, p)
    share_household_contacts(world, members, [a, b])
    maybe_moved(world, members)
    return members


def make_single_parent(world: World) -> list[Person]:
    """One adult with children; the children carry the parent's surname."""
    rng = world.rng
    hid = _new_hid(world)
    home = new_address(world)
    sex = "f" if rng.random() < 0.75 else "m"
    parent = new_person(world, hid, "parent", sex, birth_date(rng, 36, 62), home)
    members = [parent, *make_children(world, hid, parent, None, home)]
    for p in members:
        give_contacts(world, p)
    share_household_contacts(world, members, [parent])
    maybe_moved(world, members)
    return members


def child_surname(rng: random.Random, a: Person, b: Person | None) -> str:
    """Children take the shared surname, or one parent's, or both."""
    if b is None or b.surname == a.surname:
        return a.surname
    if b.surname.endswith(" " + a.surname):
        return a.surname if rng.random() < 0.6 else b.surname
    r = rng.random()
    if r < 0.55:
        return a.surname
    if r < 0.85:
        return b.surname
    return f"{b.surname} {a.surname}"


def make_children(
    world: World, hid: int, a: Person, b: Person | None, home: Address
) -> list[Person]:
    """One to three children living at home; some families have twins."""
    rng = world.rng
    surname = child_surname(rng, a, b)
    mother_year = (max(a.birth, b.birth) if b else a.birth).year
    kids: list[Person] = []
    used: set[str] = set()
    n = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
    for _ in range(n):
        born = child_birth_date(rng, mother_year)
        kids.append(_child(world, hid, "child", born, home, surname, used, a))
    if rng.random() < 0.1:
        kids += make_twins(world, hid, home, surname, used, a, mother_year)
    return kids


def child_birth_date(rng: random.Random, parent_year: int) -> dt.date:
    """A child still living at home: 13 to 28 years old, parent 20-40 at birth."""
    lo = max(parent_year + 20, REFERENCE_YEAR - 28)
    hi = max(min(parent_year + 40, REFERENCE_YEAR - 13), lo)
    return dt.date(rng.randint(lo, hi), 1, 1) + dt.timedelta(days=rng.randrange(365))


def make_twins(
    world: World,
    hid: int,
    home: Address,
    surname: str,
    used: set[str],
    parent: Person,
    parent_year: int,
) -> list[Person]:
    """Twins: same surname, birth date and address, different given names."""
    born = child_birth_date(world.rng, parent_year)
    return [
        _child(world, hid, "twin", born, home, surname, used, parent) for _ in range(2)
    ]


def _child(
    world: World,
    hid: int,
    role: str,
    born: dt.date,
    home: Address,
    surname: str,
    used: set[str],
    parent: Person,
) -> Person:
    sex = world.rng.choice("mf")
    given = (
        foreign_name(world.rng, sex)[0]
        if parent.foreign and world.rng.random() < 0.6
        else pick_given_name(world, sex)
    )
    while given.split()[0] in used:
        given = pick_given_name(world, sex)
    used.add(given.split()[0])
    return new_person(world, hid, role, sex, born, home, given=given, surname=surname)


def share_household_contacts(
    world: World, members: list[Person], adults: list[Person]
) -> None:
    """Some households share a landline and/or a family email address."""
    rng = world.rng
    oldest = min(p.birth for p in adults)
    if rng.random() < (0.35 if REFERENCE_YEAR - oldest.year > 50 else 0.12):
        line = landline_number(world)
        for p in members:
            p.landline = line
    if rng.random() < 0.2:
        fam = family_email(world, adults[0].surname, adults)
        for p in members:
            p.family_email = fam
        if len(adults) > 1 and rng.random() < 0.3:
            # one partner uses the family address as their only email
            adults[1].email = fam


def make_flatshare(world: World) -> list[Person]:
    """Two or three unrelated young adults sharing a flat (same address)."""
    rng = world.rng
    hid = _new_hid(world)
    home = new_address(world)
    members = []
    for _ in range(rng.choice((2, 2, 3))):
        p = new_person(
            world, hid, "flatmate", rng.choice("mf"), birth_date(rng, 19, 32), home
        )
        give_contacts(world, p)
        members.append(p)
    return members


def make_namesake(world: World) -> list[Person] | None:
    """A different person with the same common full name as someone earlier."""
    rng = world.rng
    pool = [
        p
        for p in world.people[-3000:]
        if p.surname in _SURNAME_COUNTS and p.age >= 18 and " " not in p.given
    ]
    if not pool:
        return None
    twin_name = rng.choice(pool)
    hid = _new_hid(world)
    p = new_person(
        world,
        hid,
        "namesake",
        twin_name.sex,
        birth_date(rng, 19, 85),
        new_address(world),
        given=twin_name.given,
        surname=twin_name.surname,
    )
    give_contacts(world, p)
    return [p]


def make_household(world: World) -> list[Person]:
    """One household of any kind, drawn with Norwegian-like proportions."""
    rng = world.rng
    r = rng.random()
    if r < 0.03:
        found = make_namesake(world)
        if found:
            return found
    if r < 0.40:
        return make_single(world)
    if r < 0.62:
        return make_couple(world, with_kids=False)
    if r < 0.88:
        return make_couple(world, with_kids=True)
    if r < 0.95:
        return make_single_parent(world)
    return make_flatshare(world)


def _new_hid(world: World) -> int:
    world.next_hid += 1
    return world.next_hid


# ------------------------------------------------------------------ noise
def ascii_spelling(text: str, rng: random.Random) -> str:
    """Spell æ/ø/å the way an ASCII-only system would (Bjørn -> Bjorn|Bjoern)."""
    o, a, ae = rng.choice((("o", "a", "ae"), ("oe", "aa", "ae"), ("o", "aa", "a")))
    table = {"ø": o, "å": a, "æ": ae, "Ø": o.title(), "Å": a.title(), "Æ": ae.title()}
    return "".join(table.get(ch, ch) for ch in text)


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: drop, double, swap neighbours or hit a next key."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.3:
        return word[:i] + word[i + 1 :]
    if op < 0.5:
        return word[:i] + word[i] + word[i:]
    if op < 0.75 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    near = _KEYBOARD.get(word[i].lower())
    return word[:i] + (rng.choice(near) if near else "e") + word[i + 1 :]


def nickname(given: str, rng: random.Random) -> str | None:
    """A nickname or spelling variant of the first given name, if one exists."""
    head = re.split(r"[ \-]", given)[0]
    options = _NICKNAMES.get(head)
    return given.replace(head, rng.choice(options), 1) if options else None


def upper_case_import_name(given: str, surname: str, rng: random.Random) -> str:
    """An old system's full name: "OLA NORDMANN" or "NORDMANN, OLA"."""
    r = rng.random()
    if r < 0.55:
        return f"{given} {surname}".upper()
    if r < 0.9:
        return f"{surname}, {given}".upper()
    return f"{surname} {given}".upper()


def swap_name_fields(rec: dict[str, Any]) -> None:
    """First and last name typed into each other's fields."""
    rec["first_name"], rec["last_name"] = rec.get("last_name"), rec.get("first_name")


def format_phone(number: str, rng: random.Random) -> str:
    """A Norwegian number written as people and systems do."""
    if number[0] in "49":
        styles = (
            (f"+47 {number[:3]} {number[3:5]} {number[5:]}", 20),
            (f"0047 {number}", 8),
            (f"{number[:3]} {number[3:5]} {number[5:]}", 22),
            (number, 30),
            (f"+47{number}", 12),
            (f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:]}", 8),
        )
    else:
        spaced = f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:]}"
        styles = (
            (spaced, 45),
            (f"+47 {spaced}", 15),
            (number, 30),
            (f"0047 {number}", 10),
        )
    return rng.choices([s for s, _ in styles], weights=[w for _, w in styles])[0]


def format_birth_date(born: dt.date, rng: random.Random) -> str:
    """ "1985-03-07", "07.03.1985", "7.3.1985" or "07/03/1985"."""
    fmt = rng.choices([f for f, _ in _DATE_FORMATS], [w for _, w in _DATE_FORMATS])
    if fmt[0] == "dmy_short":
        return f"{born.day}.{born.month}.{born.year}"
    return born.strftime(fmt[0])


def format_street(addr: Address, rng: random.Random, notes: list[str]) -> str:
    """Street line with the spacing, letter case, flat unit and typos people use."""
    number = addr.number
    if number[-1].isalpha():
        number = rng.choice((number, f"{number[:-1]} {number[-1]}", number.lower()))
    street = addr.street
    if rng.random() < 0.04:
        street = typo(street, rng)
        notes.append("street_typo")
    line = f"{street} {number}"
    if addr.unit and rng.random() < 0.4:
        line += rng.choice((f", {addr.unit}", f" {addr.unit}", f" {addr.unit.lower()}"))
    return line


# ------------------------------------------------------------------ registrations
def registration_count(rng: random.Random) -> int:
    """1 mostly; about 36 % of people are registered 2-4 times."""
    return rng.choices((1, 2, 3, 4), weights=(64, 22, 10, 4))[0]


def surname_at(p: Person, when: float) -> str:
    """The surname a registration made at ``when`` (0..1) would show."""
    if p.maiden and p.married_at and when < p.married_at:
        return p.maiden
    return p.surname


def render_name(
    p: Person, when: float, source: str, rng: random.Random, notes: list[str]
) -> dict[str, Any]:
    """Name fields of one registration, with the variation of its source."""
    given, surname = p.given, surname_at(p, when)
    if surname != p.surname:
        notes.append("old_surname")
    if " " in surname and rng.random() < 0.45:
        surname = surname.split()[-1]
        notes.append("short_double_surname")
    if (" " in given or "-" in given) and rng.random() < 0.35:
        given = re.split(r"[ \-]", given)[0]
        notes.append("first_given_only")
    self_typed = source in ("web_lead", "event_signup", "user_account")
    if rng.random() < (0.25 if self_typed else 0.1):
        nick = nickname(given, rng)
        if nick:
            given = nick
            notes.append("nickname")
    if any(ch in "æøåÆØÅ" for ch in given + surname) and rng.random() < (
        0.55 if source == "integration_import" else 0.15
    ):
        given, surname = ascii_spelling(given, rng), ascii_spelling(surname, rng)
        notes.append("ascii")
    if rng.random() < (0.03 if self_typed else 0.05):
        if rng.random() < 0.5:
            given = typo(given, rng)
        else:
            surname = typo(surname, rng)
        notes.append("name_typo")
    if source == "integration_import":
        notes.append("upper_full_name")
        return {"full_name": upper_case_import_name(given, surname, rng)}
    if source == "event_signup" and rng.random() < 0.6:
        return {"full_name": f"{given} {surname}"}
    if source == "web_lead" and rng.random() < 0.08:
        given, surname = given.lower(), surname.lower()
        notes.append("lower_case")
    rec: dict[str, Any] = {"first_name": given, "last_name": surname}
    if source != "integration_import" and rng.random() < 0.03:
        swap_name_fields(rec)
        notes.append("swapped_fields")
    return rec


def choose_email(p: Person, source: str, rng: random.Random) -> str | None:
    """Which of the person's addresses this kind of registration carries."""
    r = rng.random()
    if source == "web_lead":
        if p.work_email and r < 0.55:
            return p.work_email
        if p.old_email and r < 0.65:
            return p.old_email
        return p.email or p.work_email
    if source == "user_account":
        if p.old_email and r < 0.1:
            return p.old_email
        return p.email or p.family_email or p.work_email
    if source == "integration_import":
        return p.email if r < 0.2 else None
    if source == "event_signup":
        return p.work_email if p.work_email and r < 0.3 else p.email
    # crm_contact
    if p.work_email and r < 0.25:
        return p.work_email
    if p.family_email and r < 0.32:
        return p.family_email
    return p.email if r < 0.9 else None


def choose_phone(p: Person, source: str, rng: random.Random) -> str | None:
    """The mobile mostly, the household landline sometimes, or none."""
    odds = {
        "crm_contact": 0.8,
        "web_lead": 0.35,
        "user_account": 0.5,
        "integration_import": 0.85,
        "event_signup": 0.4,
    }[source]
    if rng.random() >= odds:
        return None
    if p.landline and (not p.mobile or rng.random() < 0.2):
        return p.landline
    return p.mobile


def registration(
    world: World, p: Person, source: str, when: float
) -> tuple[dict[str, Any], set[Token], list[str]]:
    """One registration of ``p``: record fields, identifying tokens, notes."""
    rng = world.rng
    notes: list[str] = []
    tokens: set[Token] = set()
    rec = render_name(p, when, source, rng, notes)
    if source in _NEEDS_EMAIL and not person_tokens(p)["email"]:
        # signing up on the web needs an address: the person has one after all
        p.email = private_email(world, p.given, p.surname, p.birth)
    email = choose_email(p, source, rng)
    if email:
        tokens.add(("e", email))
        if email == p.work_email:
            notes.append("work_email")
        if rng.random() < 0.05:
            email = email.upper() if rng.random() < 0.5 else email.title() + " "
        rec["email"] = email
    phone = choose_phone(p, source, rng)
    if phone:
        tokens.add(("p", phone))
        rec["phone"] = format_phone(phone, rng)
    bd_odds = {
        "crm_contact": 0.45,
        "web_lead": 0.12,
        "user_account": 0.75,
        "integration_import": 0.9,
        "event_signup": 0.3,
    }[source]
    if rng.random() < bd_odds:
        tokens.add(("b", p.birth.isoformat()))
        rec["birth_date"] = format_birth_date(p.birth, rng)
    addr_odds = {
        "crm_contact": 0.7,
        "web_lead": 0.08,
        "user_account": 0.3,
        "integration_import": 1.0,
        "event_signup": 0.1,
    }[source]
    if rng.random() < addr_odds:
        home = p.old_home if p.old_home and when < p.moved_at else p.home
        if home is not p.home:
            notes.append("old_address")
        put_address(rec, home, source, rng, notes)
        tokens.add(home.token())
    elif source == "web_lead" and rng.random() < 0.3:
        rec["postcode"] = p.home.postcode
    if (email is not None and email == p.work_email and p.company) or (
        source == "web_lead" and p.company and rng.random() < 0.5
    ):
        rec["company"] = p.company
    if rng.random() < 0.15:
        rec["country"] = rng.choice(("NO", "Norge", "Norway", "NOR"))
    if not tokens:
        # a registration with nothing but a name is rare: systems ask for more
        ensure_shared_identifier(world, p, rec, tokens, None, notes, source)
    if source == "web_lead" and set(rec) <= {"first_name", "last_name", "email"}:
        notes.append("lead_name_email_only")
    return rec, tokens, notes


def put_address(
    rec: dict[str, Any],
    home: Address,
    source: str,
    rng: random.Random,
    notes: list[str],
) -> None:
    """Street, postcode and city fields (upper case and ASCII in imports)."""
    street, city = format_street(home, rng, notes), home.city
    if source == "integration_import":
        if "ascii" in notes:
            street, city = ascii_spelling(street, rng), ascii_spelling(city, rng)
        street, city = street.upper(), city.upper()
    rec.update(street=street, postcode=home.postcode, city=city)


def person_tokens(p: Person) -> dict[str, list[Token]]:
    """All identifying values a registration of ``p`` could carry, by field."""
    out: dict[str, list[Token]] = {"email": [], "phone": [], "birth_date": []}
    for e in (p.email, p.work_email, p.family_email, p.old_email):
        if e:
            out["email"].append(("e", e))
    for n in (p.mobile, p.landline):
        if n:
            out["phone"].append(("p", n))
    out["birth_date"].append(("b", p.birth.isoformat()))
    out["street"] = [a.token() for a in (p.home, p.old_home) if a]
    return out


def ensure_shared_identifier(
    world: World,
    p: Person,
    rec: dict[str, Any],
    tokens: set[Token],
    others: set[Token] | None,
    notes: list[str],
    source: str,
) -> None:
    """Make a registration share one identifying value with ``others``.

    Real systems usually ask for a way to reach the person, so a registration
    that shares nothing with the person's other ones gets the email, phone,
    birth date or address an earlier one carried (any of the person's values
    when ``others`` is None).
    """
    rng = world.rng
    options = []
    for fld, toks in person_tokens(p).items():
        for tok in toks:
            if others is None or tok in others:
                options.append((rec.get(fld) is None, fld, tok))
    if not options:
        return
    empty = [o for o in options if o[0]]
    _, fld, tok = rng.choice(empty or options)
    if fld == "email":
        rec["email"] = tok[1]
    elif fld == "phone":
        rec["phone"] = format_phone(tok[1], rng)
    elif fld == "street":
        home = p.home if p.home.token() == tok else p.old_home
        assert home is not None
        put_address(rec, home, source, rng, notes)
    else:
        rec["birth_date"] = format_birth_date(p.birth, rng)
    tokens.add(tok)
    notes.append(f"added_{fld}")


def stale_registration(
    world: World, p: Person, source: str, when: float, others: set[Token]
) -> tuple[dict[str, Any], set[Token], list[str]]:
    """A registration that shares only the name with the person's others.

    For instance an old sign-up with a since abandoned address and nothing else.
    """
    rng = world.rng
    notes = ["name_only"]
    rec = render_name(p, when, source, rng, notes)
    stale = private_email(world, p.given, surname_at(p, when), p.birth)
    rec["email"] = stale
    tokens: set[Token] = {("e", stale)}
    if rng.random() < 0.3:
        rec["city"] = (p.old_home or p.home).city
    if p.mobile and ("p", p.mobile) not in others and rng.random() < 0.3:
        rec["phone"] = format_phone(p.mobile, rng)
        tokens.add(("p", p.mobile))
    return rec, tokens, notes


def register_person(
    world: World, p: Person
) -> list[tuple[dict[str, Any], set[Token], list[str]]]:
    """All registrations of one person, mostly linkable by some shared value."""
    rng = world.rng
    count = registration_count(rng)
    if p.age < 16 and count > 2:
        count = 2
    whens = sorted(rng.random() for _ in range(count))
    sources = rng.choices(list(_SOURCES), weights=list(_SOURCES.values()), k=count)
    stale_at = -1
    if count > 1 and rng.random() < 0.009 * count:
        stale_at = rng.randrange(1, count)
    out: list[tuple[dict[str, Any], set[Token], list[str]]] = []
    seen: set[Token] = set()
    for k, (when, source) in enumerate(zip(whens, sources, strict=True)):
        if k == stale_at:
            continue
        rec, toks, notes = registration(world, p, source, when)
        if out and not toks & seen:
            ensure_shared_identifier(world, p, rec, toks, seen, notes, source)
        if out and rng.random() < 0.93:
            # most systems get the mobile or email anyway: link to all earlier
            for _, other, _ in out:
                if not toks & other:
                    ensure_shared_identifier(world, p, rec, toks, other, notes, source)
        notes.insert(0, source)
        out.append((rec, toks, notes))
        seen |= toks
    if stale_at >= 0:
        rec, toks, notes = stale_registration(
            world, p, sources[stale_at], whens[stale_at], seen
        )
        notes.insert(0, sources[stale_at])
        out.append((rec, toks, notes))
    return out


# ------------------------------------------------------------------ assembly
def new_world(n_registrations: int, seed: int) -> World:
    """Seeded Faker and random source, towns, employers and surname table."""
    fake = Faker("no_NO")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    towns, town_weights = build_towns(fake, rng, n_registrations)
    employers, employer_weights = build_employers(fake, rng, n_registrations)
    surnames, surname_weights = surname_table()
    return World(
        rng=rng,
        fake=fake,
        towns=towns,
        town_weights=town_weights,
        employers=employers,
        employer_weights=employer_weights,
        surnames=surnames,
        surname_weights=surname_weights,
    )


def build(n_registrations: int, seed: int) -> Dataset:
    """Generate a data set with per-record notes (see :func:`generate`)."""
    world = new_world(n_registrations, seed)
    rng = world.rng
    rows: list[tuple[dict[str, Any], set[Token], list[str], Person]] = []
    people: dict[int, Person] = {}
    while len(rows) < n_registrations:
        for p in make_household(world):
            if p.age < 13:
                continue
            people[p.pid] = p
            for rec, toks, notes in register_person(world, p):
                rows.append((rec, toks, notes, p))
    rows = rows[:n_registrations]
    rng.shuffle(rows)
    records: list[dict[str, Any]] = []
    meta: dict[str, dict[str, Any]] = {}
    by_person: dict[int, list[str]] = defaultdict(list)
    used: set[str] = set()
    for rec, toks, notes, p in rows:
        rid = f"reg_{rng.getrandbits(40):010x}"
        while rid in used:
            rid = f"reg_{rng.getrandbits(40):010x}"
        used.add(rid)
        records.append({"id": rid, **rec})
        meta[rid] = {"pid": p.pid, "tokens": toks, "notes": notes}
        by_person[p.pid].append(rid)
    truth: set[Pair] = set()
    name_only: set[Pair] = set()
    for ids in by_person.values():
        for x, y in itertools.combinations(ids, 2):
            pair = frozenset((x, y))
            truth.add(pair)
            if not meta[x]["tokens"] & meta[y]["tokens"]:
                name_only.add(pair)
    return Dataset(records, truth, meta, people, name_only)


def generate(
    n_registrations: int, seed: int
) -> tuple[list[dict[str, Any]], set[frozenset[str]]]:
    """Generate ``n_registrations`` Norwegian CRM registrations and true pairs.

    Deterministic for a ``seed`` (Faker and ``random.Random`` are both seeded).
    Each record has an ``id`` and some of first_name, last_name, full_name,
    email, phone, birth_date, street, postcode, city, country and company. The
    second value holds every unordered pair of ids registered for the same human.
    """
    data = build(n_registrations, seed)
    return data.records, data.truth


# ------------------------------------------------------------------ benchmark
def prf(tp: int, predicted: int, actual: int) -> dict[str, float]:
    """Precision, recall and F1 from counts, rounded to 4 places."""
    p = tp / predicted if predicted else 0.0
    r = tp / actual if actual else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def closure_counts(clusters: list[set[Any]], truth: set[Pair]) -> tuple[int, int]:
    """Predicted and correct pair counts after merging ``clusters``."""
    cluster_of: dict[Any, int] = {}
    predicted = 0
    for k, cluster in enumerate(clusters):
        predicted += len(cluster) * (len(cluster) - 1) // 2
        for x in cluster:
            cluster_of[x] = k
    hits = 0
    for pair in truth:
        x, y = tuple(pair)
        if x in cluster_of and cluster_of.get(x) == cluster_of.get(y):
            hits += 1
    return predicted, hits


def relation(a: Person, b: Person) -> str:
    """What two different people are to each other (for false positives)."""
    if a.hid == b.hid:
        roles = {a.role, b.role}
        if roles == {"twin"}:
            return "twins"
        if roles <= {"child", "twin"}:
            return "siblings"
        if roles <= {"partner", "parent"}:
            return "partners"
        if roles == {"flatmate"}:
            return "flatmates"
        return "parent/child"
    if (a.given, a.surname) == (b.given, b.surname):
        return "namesakes"
    if a.home.token() == b.home.token():
        return "neighbours (same building)"
    if a.surname == b.surname:
        return "same surname, unrelated"
    return "unrelated"


def show_examples(data: Dataset, pairs: list[Any], n: int) -> None:
    """Print ``n`` false negatives and ``n`` false positives with their kind."""
    rng = random.Random(1)
    by_id = {r["id"]: r for r in data.records}
    predicted = {frozenset((p.a, p.b)): p for p in pairs}
    fn = sorted(data.truth - set(predicted), key=sorted)
    fp = sorted(set(predicted) - data.truth, key=sorted)
    for label, chosen in (
        ("FN", rng.sample(fn, min(n, len(fn)))),
        ("FP", rng.sample(fp, min(n, len(fp)))),
    ):
        for pair in chosen:
            x, y = sorted(pair)
            mx, my = data.meta[x], data.meta[y]
            if label == "FN":
                kind = "same person; " + (
                    "name only" if pair in data.name_only else "shares an identifier"
                )
                kind += f"; notes {mx['notes']} / {my['notes']}"
            else:
                pa, pb = data.people[mx["pid"]], data.people[my["pid"]]
                kind = relation(pa, pb) + f"; score {predicted[pair].score}"
            print(json.dumps({"kind": label, "what": kind}, ensure_ascii=False))
            for rid in (x, y):
                print("   ", json.dumps(by_id[rid], ensure_ascii=False))


def main() -> None:
    """Generate 7000 and 90000 registrations (seed 7) and score find_duplicates."""
    from tenant_privacy.matching import find_duplicates
    from tenant_privacy.matching import transitive_closure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=0, help="FN/FP at n=7000")
    parser.add_argument("--sizes", type=int, nargs="*", default=[7000, 90000])
    args = parser.parse_args()
    for n in args.sizes:
        data = build(n, 7)
        start = time.perf_counter()
        pairs = find_duplicates(data.records)
        elapsed = time.perf_counter() - start
        pred = {frozenset((p.a, p.b)) for p in pairs}
        clusters = transitive_closure([(p.a, p.b) for p in pairs])
        c_pred, c_tp = closure_counts(clusters, data.truth)
        truth = data.truth
        line = {
            "bench": "faker_norway",
            "records": len(data.records),
            "people": len({m["pid"] for m in data.meta.values()}),
            "true_pairs": len(truth),
            "suggested": len(pred),
            "pairwise": prf(len(pred & truth), len(pred), len(truth)),
            "closure": prf(c_tp, c_pred, len(truth)),
            "name_only_share": round(len(data.name_only) / len(truth), 4),
            "seconds": round(elapsed, 2),
        }
        print(json.dumps(line), flush=True)
        if args.examples and n == 7000:
            show_examples(data, pairs, args.examples)


if __name__ == "__main__":
    main()
