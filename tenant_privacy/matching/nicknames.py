"""Nickname and spelling-variant groups for given names (Norwegian and English).

Every group lists names that one person may go by. Names are written in their
canonical folded form (see :func:`tenant_privacy.matching.normalize.canon_token`),
but the table is written in ordinary spelling and folded at import time, so
"Bjørn" and "Bjoern" land in the same place.
"""

from __future__ import annotations

from collections.abc import Callable

# Each line: the names of one group, the first one is the group's root.
_GROUPS: tuple[str, ...] = (
    # Norwegian / Scandinavian
    "kristoffer kristofer christoffer christopher christofer kris chris kristo",
    "kristian christian kris chris krist",
    "kristin kristine christine christin stine tine kristina christina",
    "aleksander alexander aleksandr alex sander sandy",
    "aleksandra alexandra alex sandra",
    "katrine kathrine catrine katarina katharina katrin cathrine kaja kaia kat",
    "karianne kari",
    "elisabeth elizabeth elisabet lisbeth lise lisa liz lizzie elise beth betty",
    "margrethe margaret margareta margit greta grete peggy maggie meg",
    "johannes johan jo",
    "jonathan jonatan jon jonny johnny",
    "john johnny jack jon",
    "fredrik frederik frederick fred freddy fredde",
    "andreas andy",
    "anders andy",
    "nikolai nicolai nikolaj nicholas nikolas niklas nicklas nick nikki",
    "mathias matias matthias mats matt",
    "magnus mange",
    "henrik henry henke",
    "torbjorn tobben",
    "thomas tomas tom tommy",
    "petter peter pete",
    "per peder",
    "olav olaf",
    "halvard halvor",
    "ingebrigt inge",
    "ingrid inga",
    "ragnhild ragna",
    "sigurd sigge",
    "benjamin ben benny",
    "daniel dan danny",
    "sebastian seb basti",
    "jorgen jurgen",
    "marius mario",
    "einar einer",
    "kjell kjel",
    "synnove synne",
    "hanne hanna hannah johanne johanna",
    "susanne susanna susan sue suzy",
    "cecilie cecilia",
    "helene helen helena lena lene",
    "camilla milla",
    "veronika veronica nika",
    "emilie emily emmy",
    "sofie sophie sofia sophia",
    "ann anne annie",
    "martine tine",
    "kristine kine stine",
    "kristin kine",
    "karoline caroline line",
    "annelise lise",
    "marianne mari",
    "gunhild gunn",
    "ingeborg inger inge",
    "tobias tobbe",
    "henriette jette henny",
    "trine katrine",
    "thorleif leif",
    "thorvald tor",
    "bjornar bjorn",
    # other languages, as used in Norway
    "piotr peter petter",
    "pawel pal paul",
    "jakub jakob jacob",
    "mohammed mohamed muhammad mohammad",
    "ahmed ahmad",
    # English
    "robert rob robbie bob bobby bert",
    "william will bill billy willy liam",
    "richard rick ricky dick",
    "james jim jimmy jamie",
    "michael mikael michel mike mikke micky",
    "edward ed eddie ted teddy",
    "charles charlie chuck",
    "joseph josef joe joey",
    "anthony antony anton tony",
    "stephen steven stefan steffen steve",
    "jennifer jenny jen",
    "patricia pat patty trish",
    "patrick pat paddy",
    "deborah debbie deb",
    "rebecca rebekka becky",
    "victoria viktoria vicky",
    "samuel sam sammy",
    "samantha sam",
    "matthew matt",
    "david dave davy",
    "timothy tim timmy",
    "lawrence laurence larry",
    "gerald jerry",
    "kenneth ken kenny",
    "ronald ron ronnie",
    "donald don donnie",
    "douglas doug",
    "gregory greg",
    "jeffrey jeff geoffrey",
    "raymond ray",
    "walter walt",
    "albert al bert",
    "alfred alf fred",
    "harold harry hal",
    "joshua josh",
    "zachary zach zack",
    "abigail abby",
    "dorothy dot dolly",
    "eleanor ellie nora",
    "frances fran fanny",
    "jacqueline jackie",
    "judith judy",
    "kimberly kim",
    "madeline madeleine maddie",
    "natalie nathalie nat",
    "nathaniel nathan nate",
    "penelope penny",
    "theodore theo ted",
    "christine chrissy chris",
)


def build_groups(canon: Callable[[str], str]) -> dict[str, frozenset[int]]:
    """Map each canonical name to the ids of the nickname groups it belongs to."""
    table: dict[str, set[int]] = {}
    for gid, line in enumerate(_GROUPS):
        for name in line.split():
            table.setdefault(canon(name), set()).add(gid)
    return {name: frozenset(ids) for name, ids in table.items()}


def group_roots(canon: Callable[[str], str]) -> dict[int, str]:
    """Map each nickname group id to the canonical form of its root name."""
    return {gid: canon(line.split()[0]) for gid, line in enumerate(_GROUPS)}
