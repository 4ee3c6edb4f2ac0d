"""Synthetic Norwegian CRM registrations with known duplicates (no dependencies).

Used by the matching tests and the benchmarks (``bench/matching.py``,
``incremental.py``, ``search.py``); not part of the installed package. People are drawn
with households (spouses, children, twins, parent and child of the same name) and
then registered one to four times as contact, lead, import, user or subscriber,
with the mess real tenants have: typos, ASCII spellings of æ/ø/å, phone numbers
in many formats, nicknames, upper-case imports, swapped or joined names, new
surnames after marriage, work and private emails, and moves.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

__all__ = ["generate_registrations"]

_MALE = (
    "Ole Lars Jan Per Bjørn Kjell Knut Arne Svein Hans Geir Tor Morten Terje Odd "
    "Erik Rune Trond Tore Jon Nils Thomas Anders Stian Espen Øyvind Håkon Jørgen "
    "Kristoffer Aleksander Fredrik Henrik Magnus Mathias Andreas Jonas Martin Sindre "
    "Sander Markus Emil Tobias Sigurd Eirik Even Vegard Øystein Pål Ståle Ørjan "
    "Kristian Petter Steinar Gunnar Harald Helge Leif Olav Einar Ivar Roar Asbjørn "
    "Torbjørn Halvor Johannes Daniel Sebastian Benjamin Robert William Nikolai "
    "Jonathan Thorleif Audun Bård Åsmund Gaute Jostein Yngve Ola Torstein Dag"
).split()
_FEMALE = (
    "Anne Inger Kari Marit Ingrid Liv Eva Berit Astrid Bjørg Hilde Anna Solveig "
    "Marianne Randi Ida Nina Maria Elisabeth Kristin Bente Heidi Silje Hanne Gro "
    "Ellen Tone Camilla Tove Line Nora Emma Sara Sofie Thea Ingeborg Maja Julie "
    "Mari Ragnhild Synnøve Åse Sølvi Gunn Turid Wenche Kjersti Katrine Margrethe "
    "Helene Linn Stine Tonje Karoline Malin Vilde Frida Hege Mette Trine Sissel "
    "Unni Britt Jorunn Aud Ragnhild Torill Siri Cecilie Kristine Elin Guro Lise"
).split()
_DOUBLE_SECOND_M = ("Martin", "Kristian", "Andreas", "Petter", "Magnus", "Johan")
_DOUBLE_SECOND_F = ("Marie", "Kristin", "Sofie", "Elisabeth", "Helene", "Louise")
_SURNAMES = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen "
    "Karlsen Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen "
    "Jacobsen Dahl Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen "
    "Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen "
    "Bakken Kristoffersen Mathisen Lie Amundsen Nguyen Rasmussen Ali Lunde "
    "Solheim Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien Hauge "
    "Christensen Andresen Nielsen Knudsen Evensen Sæther Aas Myhre Hanssen "
    "Ahmed Haugland Thomassen Sivertsen Simonsen Danielsen Berntsen Sandvik "
    "Rønning Arnesen Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen Birkeland "
    "Isaksen Gulbrandsen Ruud Aasen Strøm Myklebust Tangen Ødegård Eliassen "
    "Helland Bøe Jenssen Aune Mikkelsen Tveit Brekke Abrahamsen Madsen Løken "
    "Bråten Østby Grønlund Bjørnstad Sætre Hovland Kvalheim Fjeld Løvås Dalen "
    "Skogen Brække Engen Sunde Våge Nordmann Tønnessen Wold Gjerde Rød Holmen "
    "Åsheim Høgli Frøyland Kleppe Torgersen Ottesen Mørk Bø Fossum Lindberg"
).split()
_SURNAME_CUM = tuple(
    sum(1.0 / (rank + 8) for rank in range(k + 1)) for k in range(len(_SURNAMES))
)
_STREET_STEMS = (
    "Stor Kirke Skole Park Strand Slotts Bygdøy Thereses Ullevål Sørkedals "
    "Trondheims Kongens Dronning Prinsens Øvre Nedre Kirkegårds Fjord Løkke "
    "Sjø Møller Tøyen Grünerløkka Sagene Bjølsen Haugesund Bergens Åsen Furu "
    "Bjørke Gran Eike Rogne Lia Bakke Myr Berg Dal Tårn Torg Hav Elve Solheim"
).split()
_STREET_SUFFIX = ("gata", "gata", "veien", "veien", "vegen", "gate", "vei", "bakken")
_PLACES = (
    ("0150", "Oslo"),
    ("0182", "Oslo"),
    ("0250", "Oslo"),
    ("0356", "Oslo"),
    ("0460", "Oslo"),
    ("0557", "Oslo"),
    ("0661", "Oslo"),
    ("0767", "Oslo"),
    ("0870", "Oslo"),
    ("0975", "Oslo"),
    ("1178", "Oslo"),
    ("1284", "Oslo"),
    ("1337", "Sandvika"),
    ("1430", "Ås"),
    ("1530", "Moss"),
    ("1606", "Fredrikstad"),
    ("1710", "Sarpsborg"),
    ("2000", "Lillestrøm"),
    ("2317", "Hamar"),
    ("2609", "Lillehammer"),
    ("2815", "Gjøvik"),
    ("3015", "Drammen"),
    ("3110", "Tønsberg"),
    ("3210", "Sandefjord"),
    ("3256", "Larvik"),
    ("3616", "Kongsberg"),
    ("3717", "Skien"),
    ("4006", "Stavanger"),
    ("4306", "Sandnes"),
    ("4608", "Kristiansand"),
    ("4836", "Arendal"),
    ("5003", "Bergen"),
    ("5145", "Fyllingsdalen"),
    ("5527", "Haugesund"),
    ("6002", "Ålesund"),
    ("6413", "Molde"),
    ("7010", "Trondheim"),
    ("7030", "Trondheim"),
    ("7600", "Levanger"),
    ("8006", "Bodø"),
    ("8514", "Narvik"),
    ("9008", "Tromsø"),
    ("9600", "Hammerfest"),
    ("9900", "Kirkenes"),
    ("2770", "Jaren"),
    ("3920", "Porsgrunn"),
)
_FREE_MAIL = (
    "gmail.com",
    "gmail.com",
    "hotmail.com",
    "online.no",
    "outlook.com",
    "yahoo.no",
    "icloud.com",
    "live.no",
)
_COMPANIES = (
    "Equinor",
    "Telenor",
    "DNB",
    "Orkla",
    "Statkraft",
    "Kiwi",
    "Posten",
    "NAV",
    "Oslo kommune",
    "Bergen kommune",
    "Sparebank 1",
    "Tine",
    "Schibsted",
    "Kongsberg Gruppen",
    "Yara",
    "Norsk Hydro",
    "Rema 1000",
    "Coop",
    "Veidekke",
    "Aker Solutions",
    "Storebrand",
    "Gjensidige",
    "Elkjøp",
    "Bouvet",
    "Visma",
)
_NICK = {
    "Kristoffer": ("Kris", "Kristofer", "Christoffer"),
    "Aleksander": ("Alex", "Alexander", "Sander"),
    "Elisabeth": ("Lisa", "Lise", "Liz", "Elisabet"),
    "Katrine": ("Kathrine", "Kat"),
    "Robert": ("Bob", "Rob"),
    "William": ("Bill", "Will"),
    "Jonathan": ("Jon", "Jonny"),
    "Margrethe": ("Grete", "Margit", "Maggie"),
    "Fredrik": ("Fred", "Frederik"),
    "Nikolai": ("Nicolai", "Niklas"),
    "Kristian": ("Christian", "Kris"),
    "Kristin": ("Kristine", "Christin"),
    "Thomas": ("Tom", "Tommy"),
    "Henrik": ("Henke",),
    "Andreas": ("Andy",),
    "Mathias": ("Matias", "Mats"),
    "Benjamin": ("Ben",),
    "Daniel": ("Dan", "Danny"),
    "Johannes": ("Johan",),
    "Petter": ("Peter",),
    "Torbjørn": ("Tobben",),
    "Sebastian": ("Seb",),
    "Camilla": ("Milla",),
    "Synnøve": ("Synne",),
    "Ragnhild": ("Ragna",),
    "Ingrid": ("Inga",),
    "Magnus": ("Mange",),
}
_ASCII_STYLES = (
    {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"},
    {"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"},
    {"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"},
)


def _asciify(text: str, style: dict[str, str]) -> str:
    return "".join(style.get(ch, ch) for ch in text)


def _email_part(text: str) -> str:
    style = _ASCII_STYLES[0] if len(text) % 2 else _ASCII_STYLES[1]
    out = _asciify(text, style).lower()
    return "".join(ch for ch in out if ch.isalnum() or ch in ".-")


@dataclass
class _Person:
    pid: int
    first: str
    last: str
    sex: str
    birth: _dt.date
    mobile: str | None
    private_email: str | None
    work_email: str | None
    company: str | None
    street: str
    postcode: str
    city: str
    landline: str | None = None
    family_email: str | None = None
    maiden: str | None = None
    old_address: tuple[str, str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


#: Share of family households with twins and with a child of the father's name:
#: realistic rates (Norwegian twin births are under 2 %) and the stress rates
#: that make the hard non-duplicates common enough to dominate the errors.
_HARD_RATES = {False: (0.03, 0.05), True: (0.30, 0.38)}


class _Gen:
    def __init__(self, seed: int, stress: bool = False) -> None:
        self.twins_below, self.same_name_below = _HARD_RATES[stress]
        self.rng = random.Random(seed)
        self.pid = 0
        self.used_mobiles: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_landlines: set[str] = set()

    # ----- attribute factories
    def surname(self) -> str:
        # Zipf-like: the first surnames are more common (Hansen about 3 %)
        return self.rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]

    def given(self, sex: str) -> str:
        names = _MALE if sex == "m" else _FEMALE
        name = self.rng.choice(names)
        if self.rng.random() < 0.08:
            seconds = _DOUBLE_SECOND_M if sex == "m" else _DOUBLE_SECOND_F
            second = self.rng.choice(seconds)
            if second != name:
                name = f"{name} {second}"
        return name

    def mobile(self) -> str:
        while True:
            num = self.rng.choice("49") + f"{self.rng.randrange(10**7):07d}"
            if num not in self.used_mobiles:
                self.used_mobiles.add(num)
                return num

    def landline(self) -> str:
        while True:
            num = self.rng.choice("2356") + f"{self.rng.randrange(10**7):07d}"
            if num not in self.used_landlines:
                self.used_landlines.add(num)
                return num

    def address(self) -> tuple[str, str, str]:
        stem = self.rng.choice(_STREET_STEMS)
        street = f"{stem}{self.rng.choice(_STREET_SUFFIX)} {self.rng.randint(1, 120)}"
        if self.rng.random() < 0.15:
            street += self.rng.choice("ABC")
        postcode, city = self.rng.choice(_PLACES)
        # spread over the neighbouring postcodes of the town
        base = int(postcode)
        postcode = f"{base + self.rng.randrange(0, 40 if base < 1300 else 12):04d}"
        return street, postcode, city

    def birth(self, lo: int = 1940, hi: int = 2006) -> _dt.date:
        start = _dt.date(lo, 1, 1).toordinal()
        end = _dt.date(hi, 12, 31).toordinal()
        return _dt.date.fromordinal(self.rng.randint(start, end))

    def email(self, first: str, last: str, birth: _dt.date, domain: str) -> str:
        f = _email_part(first.split()[0])
        last_word = last.split("-")[0]
        lw = _email_part(last_word)
        patterns = (
            f"{f}.{lw}",
            f"{f}{lw}",
            f"{f[0]}{lw}",
            f"{f}.{lw}{birth.year % 100:02d}",
            f"{f}{birth.year}",
            f"{lw}.{f}",
            f"{f}_{lw}",
        )
        for _ in range(20):
            local = self.rng.choice(patterns)
            addr = f"{local}@{domain}"
            if addr not in self.used_emails:
                self.used_emails.add(addr)
                return addr
            domain = self.rng.choice(_FREE_MAIL)
        addr = f"{f}.{lw}{self.rng.randrange(10000)}@{domain}"
        self.used_emails.add(addr)
        return addr

    def person(
        self,
        *,
        first: str | None = None,
        last: str | None = None,
        sex: str | None = None,
        birth: _dt.date | None = None,
        home: tuple[str, str, str] | None = None,
    ) -> _Person:
        self.pid += 1
        sex = sex or self.rng.choice("mf")
        first = first or self.given(sex)
        last = last or self.surname()
        birth = birth or self.birth()
        street, postcode, city = home or self.address()
        company = self.rng.choice(_COMPANIES) if self.rng.random() < 0.35 else None
        work = None
        if company:
            dom = _email_part(company.split()[0]) + ".no"
            work = self.email(first, last, birth, dom)
        return _Person(
            pid=self.pid,
            first=first,
            last=last,
            sex=sex,
            birth=birth,
            mobile=self.mobile() if self.rng.random() < 0.95 else None,
            private_email=self.email(first, last, birth, self.rng.choice(_FREE_MAIL))
            if self.rng.random() < 0.95
            else None,
            work_email=work,
            company=company,
            street=street,
            postcode=postcode,
            city=city,
        )

    # ----- households with hard non-duplicates
    def household(self) -> list[_Person]:
        r = self.rng.random()
        if r < 0.55:
            p = self.person()
            if p.sex == "f" and self.rng.random() < 0.08:
                p.maiden = self.surname()
            if self.rng.random() < 0.08:
                p.old_address = self.address()
            return [p]
        home = self.address()
        last = self.surname()
        landline = self.landline() if self.rng.random() < 0.5 else None
        a = self.person(last=last, sex="m", home=home)
        b = self.person(
            last=last if self.rng.random() < 0.7 else None,
            sex="f",
            home=home,
            birth=a.birth + _dt.timedelta(days=self.rng.randint(-2000, 2000)),
        )
        members = [a, b]
        if self.rng.random() < 0.5:
            b.maiden = self.surname()
        kids_base = min(max(a.birth, b.birth).year + self.rng.randint(24, 36), 2008)
        kind = self.rng.random()
        if kind < self.twins_below:
            # twins: same surname, address, birth date, different first names
            bd = self.birth(kids_base, kids_base)
            s1, s2 = self.rng.choice("mf"), self.rng.choice("mf")
            t1 = self.person(last=last, sex=s1, birth=bd, home=home)
            t2 = self.person(last=last, sex=s2, birth=bd, home=home)
            while t2.first.split()[0] == t1.first.split()[0]:
                t2.first = self.given(s2)
            members += [t1, t2]
        elif kind < self.same_name_below:
            # child with the father's name ("Ola Hansen" and "Ola Hansen")
            child = self.person(
                first=a.first,
                last=last,
                sex="m",
                birth=self.birth(kids_base, kids_base),
                home=home,
            )
            members.append(child)
        elif kind < 0.8:
            child = self.person(
                last=last, birth=self.birth(kids_base, kids_base), home=home
            )
            members.append(child)
        family = None
        if self.rng.random() < 0.5:
            family = f"familien.{_email_part(last)}@{self.rng.choice(_FREE_MAIL)}"
            if family in self.used_emails:
                family = None
            else:
                self.used_emails.add(family)
        for m in members:
            m.landline = landline
            m.family_email = family
        if family and self.rng.random() < 0.5:
            # one spouse uses the family address as their only email
            b.private_email = family
        return members

    # ----- registrations of one person
    def name_variant(self, p: _Person, when: float) -> tuple[str, str]:
        rng = self.rng
        first, last = p.first, p.last
        if p.maiden and when < 0.5:
            last = p.maiden
        elif p.maiden and rng.random() < 0.3:
            last = f"{p.maiden}-{p.last}" if rng.random() < 0.5 else f"{p.last}"
        if " " in first and rng.random() < 0.4:
            first = first.split()[0] if rng.random() < 0.7 else first.replace(" ", "-")
        head = first.split()[0].split("-")[0]
        if head in _NICK and rng.random() < 0.25:
            first = first.replace(head, rng.choice(_NICK[head]), 1)
        if any(ch in "æøåÆØÅ" for ch in first + last) and rng.random() < 0.45:
            style = rng.choice(_ASCII_STYLES)
            first, last = _asciify(first, style), _asciify(last, style)
        if rng.random() < 0.07:
            if rng.random() < 0.5:
                first = self.typo(first)
            else:
                last = self.typo(last)
        return first, last

    def typo(self, word: str) -> str:
        rng = self.rng
        if len(word) < 4:
            return word
        i = rng.randrange(1, len(word) - 1)
        op = rng.random()
        if op < 0.3:
            return word[:i] + word[i + 1 :]
        if op < 0.6:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if op < 0.8:
            return word[:i] + word[i] + word[i:]
        return word[:i] + rng.choice("aeiounrstl") + word[i + 1 :]

    def phone_format(self, num: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.2:
            return num
        if r < 0.35:
            return f"+47 {num[:3]} {num[3:5]} {num[5:]}"
        if r < 0.5:
            return f"0047 {num}"
        if r < 0.65:
            return f"{num[:2]} {num[2:4]} {num[4:6]} {num[6:]}"
        if r < 0.8:
            return f"+47{num}"
        if r < 0.9:
            return f"{num[:3]} {num[3:5]} {num[5:]}"
        return f"(+47) {num}"

    def registrations(self, p: _Person, count: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for k in range(count):
            when = (k + rng.random()) / count
            source = rng.choices(
                ("contact", "lead", "import", "user", "subscriber"),
                weights=(35, 20, 20, 15, 10),
            )[0]
            first, last = self.name_variant(p, when)
            rec: dict[str, Any] = {"source": source}
            # email
            emails = [e for e in (p.private_email,) if e]
            r = rng.random()
            email = None
            if p.work_email and (source == "lead" and r < 0.6 or r < 0.12):
                email = p.work_email
            elif emails and rng.random() < (0.75 if source == "import" else 0.9):
                email = emails[0]
            elif p.family_email and rng.random() < 0.3:
                email = p.family_email
            if email and rng.random() < 0.1:
                email = email.upper() if rng.random() < 0.5 else " " + email.title()
            # phone
            phone = None
            if p.mobile and rng.random() < (0.8 if source != "subscriber" else 0.4):
                phone = p.mobile
            elif p.landline and rng.random() < 0.5:
                phone = p.landline
            if not phone and email not in (p.private_email, None) and p.mobile:
                # most systems insist on one way to reach the person
                if rng.random() < 0.6:
                    phone = p.mobile
            elif not phone and not email and p.mobile and rng.random() < 0.7:
                phone = p.mobile
            if phone:
                phone = self.phone_format(phone)
            # birth date
            bd: Any = None
            if rng.random() < {"contact": 0.6, "user": 0.5, "import": 0.5}.get(
                source, 0.15
            ):
                bd = p.birth.isoformat()
                f = rng.random()
                if f < 0.2:
                    bd = p.birth.strftime("%d.%m.%Y")
                elif f < 0.3:
                    bd = p.birth
                elif f < 0.32 and p.birth.day <= 12:
                    bd = _dt.date(p.birth.year, p.birth.day, p.birth.month).isoformat()
            # address
            street = postcode = city = None
            if source in ("contact", "import") or rng.random() < 0.25:
                if p.old_address and when < 0.5:
                    street, postcode, city = p.old_address
                else:
                    street, postcode, city = p.street, p.postcode, p.city
                if rng.random() < 0.25:
                    street = (
                        street.replace("gata", "gt.")
                        .replace("veien", "vn.")
                        .replace("vegen", "v.")
                    )
                if rng.random() < 0.05:
                    street = self.typo(street)
            # names: fields, full name, swapped, upper case
            style = rng.random()
            if source == "import":
                rec["full_name"] = (
                    f"{last}, {first}" if style < 0.3 else f"{first} {last}"
                ).upper()
                if style > 0.85:
                    rec["full_name"] = f"{last} {first}".upper()
            elif style < 0.05:
                rec["first_name"], rec["last_name"] = last, first
            elif style < 0.15:
                rec["full_name"] = f"{first} {last}"
            else:
                rec["first_name"], rec["last_name"] = first, last
            if source == "import":
                if street:
                    street = street.upper()
                if city:
                    city = city.upper()
            rec.update(
                email=email,
                phone=phone,
                birth_date=bd,
                street=street,
                postcode=postcode,
                city=city,
            )
            if source == "lead" and p.company:
                rec["company"] = p.company
            if rng.random() < 0.1:
                rec["country"] = rng.choice(("NO", "Norge", "Norway"))
            if email or phone or (street and bd) or source == "import":
                yield rec
            elif p.mobile:
                rec["phone"] = self.phone_format(p.mobile)
                yield rec


def generate_registrations(
    n_people: int,
    seed: int = 0,
    *,
    n_registrations: int | None = None,
    stress: bool = False,
) -> tuple[list[dict[str, Any]], set[frozenset[str]]]:
    """Generate registrations of ``n_people`` people and the true duplicate pairs.

    Deterministic for a given ``seed``. Each record is a mapping in the matching
    contract (``id`` plus name, email, phone, birth date, address, company,
    country and an extra ``source`` key the matcher ignores). The second value
    holds every unordered pair of ids registered for the same human. When
    ``n_registrations`` is given, people are generated until exactly that many
    registrations exist (``n_people`` is then ignored). ``stress=True`` makes
    twins (30 % of families) and a son with his father's name (8 %) far more
    common than in life (about 3 % and 2 %), to test the household rules.
    """
    gen = _Gen(seed, stress)
    rng = gen.rng
    records: list[dict[str, Any]] = []
    truth: set[frozenset[str]] = set()
    people = 0
    target = n_registrations

    def done() -> bool:
        if target is not None:
            return len(records) >= target
        return people >= n_people

    while not done():
        for person in gen.household():
            people += 1
            count = rng.choices((1, 2, 3, 4), weights=(50, 28, 14, 8))[0]
            ids: list[str] = []
            for rec in gen.registrations(person, count):
                rid = f"r{len(records) + 1}"
                rec = {"id": rid, **rec}
                records.append(rec)
                ids.append(rid)
            for i, x in enumerate(ids):
                for y in ids[i + 1 :]:
                    truth.add(frozenset((x, y)))
    if target is not None and len(records) > target:
        cut = {r["id"] for r in records[target:]}
        records = records[:target]
        truth = {p for p in truth if not p & cut}
    order = list(range(len(records)))
    rng.shuffle(order)
    return [records[i] for i in order], truth
