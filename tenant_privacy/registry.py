"""The source registry: where a host's personal data lives.

A host declares *person sources* (rows that are a registration of a human) and
*related sources* (rows about a person record). Declarations are validated when they
are registered, so a typo fails at start-up with a message naming source and field.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa

from .core.strategies import DELETE_ROW
from .core.strategies import KEEP
from .core.strategies import ROW
from .core.strategies import STRATEGIES
from .core.strategies import Strategy
from .errors import RegistryError

#: Identity fields a person source may map, as in the matching contract.
IDENTITY_FIELDS: frozenset[str] = frozenset(
    {
        "first_name",
        "last_name",
        "full_name",
        "email",
        "phone",
        "birth_date",
        "street",
        "postcode",
        "city",
        "country",
        "national_id",
        "company",
    }
)


@dataclass(frozen=True)
class Retention:
    """Why and how long a field is kept when its person is erased.

    The field is kept until *years* after the value of *from_field* in the same
    row (a date or a time; the erasure's date when it has none, or when
    *from_field* is None), then the field's ``erasure`` strategy applies (or the
    row's ``delete_row``; without either the field is emptied).

    :param reason: the legal reason, shown in the preview and on the page of the
        kept record (e.g. "Bookkeeping Act § 13").
    :param years: how long, a whole number > 0.
    :param from_field: the attribute of the row the period counts from.

    .. versionadded:: 0.1
    """

    reason: str
    years: int
    from_field: str | None = None


@dataclass(frozen=True)
class Purpose:
    """Why a person source keeps its rows, and when that purpose has run out.

    A registration is past its purpose when its last activity is longer ago than
    *months*; a data subject whose every registration is past its purpose is
    proposed for erasure (a purpose review, approved by an officer or by the
    tenant's automatic approval).

    :param description: the purpose in words, shown to officers (may be a lazy
        gettext string), e.g. "Follow up a sales lead".
    :param months: the period without activity after which the purpose is over, a
        whole number > 0.
    :param activity: what counts as activity: attributes of the person row
        (``"created_at"``) and ``"<related source key>.<attribute>"`` of rows of a
        related source about the record (``"invoice.due_date"``); dates or times.
        The latest of them is the record's last activity. A record with none of
        them set is never past its purpose.
    :param min_months: the shortest period a tenant may choose (default *months*).
    :param max_months: the longest period a tenant may choose (default *months*).

    .. versionadded:: 0.1
    """

    description: t.Any
    months: int
    activity: tuple[str, ...]
    min_months: int | None = None
    max_months: int | None = None

    @property
    def bounds(self) -> tuple[int, int]:
        """``(shortest, longest)`` period a tenant may choose, in months."""
        low = self.min_months if self.min_months is not None else self.months
        high = self.max_months if self.max_months is not None else self.months
        return low, high

    def clamp(self, months: t.Any) -> int:
        """*months* (a tenant's choice) within :attr:`bounds`; the host's period
        when it is no whole number."""
        if isinstance(months, bool) or not isinstance(months, int):
            return self.months
        low, high = self.bounds
        return min(max(months, low), high)


@dataclass(frozen=True)
class Source:
    """Common part of a declared source.

    :param key: stable slug used in URLs, zip paths, audit rows and CLI output.
    :param label: human-readable name (may be a lazy gettext string).
    :param model: the host's SQLAlchemy model class.
    :param tenant_column: attribute of *model* holding the tenant key (default
        ``"tenant_key"``); ``None`` in a single-tenant module
        (``TenantPrivacy(single_tenant=...)``), whose tables have no tenant column.
    :param id_column: attribute holding the row id.
    :param export_fields: the attributes that leave the host's table: shown in the
        overview and ``subject show --json``, exported on disclosure. Left out, only
        the id column and (of a person source) the identity fields are shown: no
        column leaves the table unless it is declared.
    :param secret_fields_ok: exported attributes whose names say secret
        (``password``, ``token``, ``api_key``, ...) that the host exports on
        purpose; any other such name is refused at registration.
    :param erasure: attribute -> strategy name applied on erasure; the key ``"*"``
        with ``"delete_row"`` deletes the whole row.
    :param retain: attribute -> :class:`Retention`: kept on erasure, for a legal
        reason, for a period.
    :param field_labels: attribute -> label shown to people (may be a lazy gettext
        string); attributes without one show the identity field's label they hold,
        or their name written out.
    :param singular_label: what one row is called ("Contact", where *label* is
        "Contacts"); pages name a record by it. Default: *label*.
    :param money_fields: attributes holding amounts of money, shown in the
        tenant's currency (:attr:`~tenant_privacy.host.TenantInfo.currency`).
    """

    key: str
    label: t.Any
    model: type
    tenant_column: str | None = "tenant_key"
    id_column: str = "id"
    export_fields: tuple[str, ...] = ()
    secret_fields_ok: tuple[str, ...] = ()
    erasure: t.Mapping[str, str] = field(default_factory=dict)
    retain: t.Mapping[str, Retention] = field(default_factory=dict)
    field_labels: t.Mapping[str, t.Any] = field(default_factory=dict)
    singular_label: t.Any = None
    money_fields: tuple[str, ...] = ()

    @property
    def deletes_rows(self) -> bool:
        """True when an erasure deletes this source's rows (``{"*": "delete_row"}``)."""
        return self.erasure.get(ROW) == DELETE_ROW

    def final_strategy(self, name: str) -> str:
        """What finally happens to field *name* of a retained row when its period
        ends: its own strategy, else the row's deletion, else ``null``."""
        strategy = self.erasure.get(name)
        if strategy and strategy != KEEP:
            return strategy
        return DELETE_ROW if self.deletes_rows else "null"

    def column(self, name: str) -> t.Any:
        """The model attribute called *name* (a SQL expression usable in queries)."""
        return getattr(self.model, name)

    @property
    def kind(self) -> str:
        """``"person"`` or ``"related"``."""
        raise NotImplementedError


@dataclass(frozen=True)
class PersonSource(Source):
    """Rows that *are* registrations of a human (contact, user, lead, import).

    :param identity: matching-contract field -> model attribute, e.g.
        ``{"first_name": "first_name", "email": "email"}``.
    :param host_url: the host's own page of one row: called with the record id (a
        string) inside a request, it returns a URL, or None where the host has no
        page for that row, e.g. ``lambda row_id: url_for("contact", id=row_id)``.
        The module's pages link each registration there.
    :param purpose: why its rows are kept and when that runs out
        (:class:`Purpose`); without one a registration is always within its
        purpose, so its person is never proposed for erasure.

    .. versionadded:: 0.1.0 ``host_url``, ``purpose``
    """

    identity: t.Mapping[str, str] = field(default_factory=dict)
    host_url: t.Callable[[str], str | None] | None = None
    purpose: Purpose | None = None

    @property
    def kind(self) -> str:
        return "person"


@dataclass(frozen=True)
class RelatedSource(Source):
    """Rows *about* a person record (invoice, note, login history).

    :param person_refs: person source key -> attribute of this model holding that
        person record's id, e.g. ``{"contact": "contact_id"}``. A row is wholly
        about the person it names there.
    :param author_refs: person source key -> attribute holding the id of the
        person record that *wrote* the row (a note's ``author_id``). Such a row is
        about someone else; only its :attr:`author_fields` are about the author:
        they alone are shown and exported to the author, and erasing the author
        sets the author attribute to None (the host shows "Deleted user") and
        touches nothing else of the row. The attribute must allow None.
    :param author_fields: the fields of a row that are about its author (default:
        the id column).

    .. versionadded:: 0.1.0 ``author_refs``, ``author_fields``
    """

    person_refs: t.Mapping[str, str] = field(default_factory=dict)
    author_refs: t.Mapping[str, str] = field(default_factory=dict)
    author_fields: tuple[str, ...] = ()

    def fields_about_author(self) -> list[str]:
        """The fields shown and exported to the author of a row."""
        return list(self.author_fields or (self.id_column,))

    @property
    def kind(self) -> str:
        return "related"


#: The reserved field-group name that stands for the whole person.
PERSON_GROUP = "person"
_GROUP_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class FieldGroup:
    """A named, restrictable group of a host's fields (``email``, ``balance``).

    :param name: a slug (lower case, digits, ``_``; at most 32 characters); not
        ``person``, which stands for the whole person.
    :param label: shown to officers (may be a lazy gettext string).
    :param fields: source key -> attributes of that source in the group. Empty:
        a *computed* group (the host asks whether a viewer may see it, as the
        demo does for a contact's balance).

    .. versionadded:: 0.1
    """

    name: str
    label: t.Any
    fields: t.Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def attributes(self, source_key: str) -> tuple[str, ...]:
        """The attributes of *source_key* in this group (none when it has none)."""
        return tuple(self.fields.get(source_key, ()))


#: Parts of an attribute name (snake_case or camelCase words) that say it holds a
#: secret; such an attribute is never shown or exported unless the source lists it
#: in ``secret_fields_ok``.
SECRET_WORDS: frozenset[str] = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "hash",
        "hashed",
        "token",
        "secret",
        "key",
        "apikey",
        "salt",
        "otp",
        "totp",
        "hotp",
        "mfa",
        "credential",
        "credentials",
        "pin",
        "cvv",
        "cvc",
        "nonce",
    }
)


def name_says_secret(name: str) -> bool:
    """True when a part of the attribute *name* is one of :data:`SECRET_WORDS`
    (``password_hash``, ``apiKey``, ``reset_token``; not ``monkey`` or ``hashtag``)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if p]
    return any(part in SECRET_WORDS for part in parts)


def _attribute_names(model: type) -> set[str]:
    mapper = sa.inspect(model, raiseerr=False)
    if mapper is None:
        raise RegistryError(f"{model!r} is not a mapped SQLAlchemy model")
    return {str(k) for k in mapper.all_orm_descriptors.keys()} | {
        str(k) for k in mapper.attrs.keys()
    }


class SourceRegistry:
    """The sources of one extension instance, validated on registration.

    The registry is frozen at the end of ``init_app``; adding later raises.
    """

    def __init__(
        self,
        strategies: t.Mapping[str, Strategy] | None = None,
        *,
        single_tenant: str | None = None,
    ) -> None:
        self._sources: dict[str, Source] = {}
        self._groups: dict[str, FieldGroup] = {}
        self._frozen = False
        #: The fixed tenant key of a single-tenant module, else None.
        self.single_tenant = single_tenant
        #: strategy name -> function: the built-in ones and the host's
        self.strategies: dict[str, Strategy] = dict(STRATEGIES)
        for name, func in (strategies or {}).items():
            self.add_strategy(name, func)

    def tenant_of(self, source: Source, row: t.Any) -> str | None:
        """The tenant key of host *row* of *source* (the fixed key of a
        single-tenant module for a source without a tenant column)."""
        if source.tenant_column is None:
            return self.single_tenant
        value = getattr(row, source.tenant_column, None)
        return None if value is None else str(value)

    def add_strategy(self, name: str, func: Strategy) -> None:
        """Add the host's anonymisation strategy *func* ``(value, ctx) -> value``
        under *name*; sources registered after may name it.

        :raises RegistryError: frozen, a bad or built-in name, or not callable.
        """
        if self._frozen:
            raise RegistryError(f"strategy {name!r}: the registry is frozen")
        if not name or not name.replace("_", "").isalnum() or not name.islower():
            raise RegistryError(f"strategy name {name!r} must be a lower-case slug")
        if name in STRATEGIES:
            raise RegistryError(f"strategy {name!r} is built in")
        if not callable(func):
            raise RegistryError(f"strategy {name!r} is not callable")
        self.strategies[name] = func

    def register(self, source: Source) -> Source:
        """Validate and add *source*; return it.

        :raises RegistryError: duplicate key, unknown attribute, missing tenant scope,
            unknown erasure strategy or unknown person-source reference.
        """
        if self._frozen:
            raise RegistryError(
                f"source {source.key!r}: the registry is frozen after init_app"
            )
        if not source.key or not source.key.replace("_", "").replace("-", "").isalnum():
            raise RegistryError(f"source key {source.key!r} must be a non-empty slug")
        if source.key in self._sources:
            raise RegistryError(f"source {source.key!r} is registered twice")
        names = _attribute_names(source.model)

        def need(attr: str, role: str) -> None:
            if attr not in names:
                raise RegistryError(
                    f"source {source.key!r}: {role} {attr!r} is not an attribute of "
                    f"{source.model.__name__}"
                )

        if source.tenant_column is None:
            if self.single_tenant is None:
                raise RegistryError(
                    f"source {source.key!r}: a tenant column is required "
                    "(tenant_column=None only in a single-tenant module: "
                    "TenantPrivacy(single_tenant=KEY))"
                )
        elif not source.tenant_column:
            raise RegistryError(f"source {source.key!r}: a tenant column is required")
        else:
            need(source.tenant_column, "tenant column")
        need(source.id_column, "id column")
        for name in source.export_fields:
            need(name, "export field")
        for name in source.secret_fields_ok:
            need(name, "secret field marked as exported")
        for name in source.field_labels:
            need(name, "labelled field")
        for name in source.money_fields:
            need(name, "money field")
        self._check_erasure(source, need)
        if isinstance(source, PersonSource):
            if not source.identity:
                raise RegistryError(
                    f"source {source.key!r}: a person source needs identity fields"
                )
            for contract_name, attr in source.identity.items():
                if contract_name not in IDENTITY_FIELDS:
                    raise RegistryError(
                        f"source {source.key!r}: {contract_name!r} is not an identity "
                        f"field (known: {', '.join(sorted(IDENTITY_FIELDS))})"
                    )
                need(attr, f"identity field {contract_name!r} ->")
            if source.purpose is not None:
                self._check_purpose(source, need)
            if source.host_url is not None and not callable(source.host_url):
                raise RegistryError(
                    f"source {source.key!r}: host_url must be a function of the "
                    "record id returning a URL or None"
                )
        elif isinstance(source, RelatedSource):
            if not source.person_refs:
                raise RegistryError(
                    f"source {source.key!r}: a related source needs person_refs"
                )
            for person_key, attr in source.person_refs.items():
                need(attr, f"person ref for {person_key!r} ->")
            self._check_authors(source, need)
        else:
            raise RegistryError(f"source {source.key!r}: unknown source kind")
        identity = getattr(source, "identity", {})
        shown = set(source.export_fields) | set(identity.values())
        shown -= {source.id_column, *source.secret_fields_ok}
        for name in sorted(shown):
            if name_says_secret(name):
                raise RegistryError(
                    f"source {source.key!r}: field {name!r} looks like a secret and "
                    "would leave the host's table (overview, export); leave it out, "
                    f"or mark it exported on purpose: secret_fields_ok=({name!r},)"
                )
        self._sources[source.key] = source
        return source

    def _check_authors(
        self, source: RelatedSource, need: t.Callable[[str, str], None]
    ) -> None:
        for person_key, attr in source.author_refs.items():
            need(attr, f"author ref for {person_key!r} ->")
            column = sa.inspect(source.model).columns.get(attr)
            if column is not None and not column.nullable:
                raise RegistryError(
                    f"source {source.key!r}: author ref {attr!r} must allow None "
                    "(erasing the author empties it)"
                )
        for name in source.author_fields:
            need(name, "author field")
            if name_says_secret(name):
                raise RegistryError(
                    f"source {source.key!r}: author field {name!r} looks like a secret"
                )

    def _check_erasure(
        self, source: Source, need: t.Callable[[str, str], None]
    ) -> None:
        known = ", ".join(sorted(self.strategies))
        for name, strategy in source.erasure.items():
            if name == ROW:
                if strategy != DELETE_ROW:
                    raise RegistryError(
                        f"source {source.key!r}: the row ('*') can only be "
                        f"'{DELETE_ROW}', not {strategy!r}"
                    )
                continue
            need(name, "erasure field")
            if strategy not in self.strategies:
                raise RegistryError(
                    f"source {source.key!r}: field {name!r} names unknown erasure "
                    f"strategy {strategy!r} (known: {known})"
                )
            if strategy == DELETE_ROW:
                raise RegistryError(
                    f"source {source.key!r}: field {name!r}: '{DELETE_ROW}' is for "
                    "the whole row: erasure={'*': 'delete_row'}"
                )
            if strategy == KEEP and name not in source.retain:
                raise RegistryError(
                    f"source {source.key!r}: field {name!r} is kept without a legal "
                    "reason: give it a Retention in retain"
                )
        for name, retention in source.retain.items():
            need(name, "retained field")
            if not isinstance(retention, Retention):
                raise RegistryError(
                    f"source {source.key!r}: retained field {name!r} needs a "
                    "Retention(reason=..., years=..., from_field=...), not "
                    f"{type(retention).__name__}"
                )
            if not str(retention.reason or "").strip():
                raise RegistryError(
                    f"source {source.key!r}: retained field {name!r} needs a reason"
                )
            if (
                isinstance(retention.years, bool)
                or not isinstance(retention.years, int)
                or retention.years <= 0
            ):
                raise RegistryError(
                    f"source {source.key!r}: retained field {name!r}: the period "
                    f"must be a whole number of years > 0, not {retention.years!r}"
                )
            if retention.from_field is not None:
                need(retention.from_field, f"retention of {name!r} counts from")

    def _check_purpose(
        self, source: PersonSource, need: t.Callable[[str, str], None]
    ) -> None:
        purpose = source.purpose
        if not isinstance(purpose, Purpose):
            raise RegistryError(
                f"source {source.key!r}: purpose must be a Purpose(description=..., "
                f"months=..., activity=...), not {type(purpose).__name__}"
            )
        for value in (purpose.months, *purpose.bounds):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise RegistryError(
                    f"source {source.key!r}: purpose periods must be whole numbers "
                    f"of months > 0, not {value!r}"
                )
        low, high = purpose.bounds
        if not low <= purpose.months <= high:
            raise RegistryError(
                f"source {source.key!r}: the purpose period {purpose.months} is not "
                f"within its bounds {low}..{high}"
            )
        if not purpose.activity or isinstance(purpose.activity, str):
            raise RegistryError(
                f"source {source.key!r}: purpose needs activity, a tuple of "
                "attributes or 'related_source.attribute' names"
            )
        for name in purpose.activity:
            if "." not in name:
                need(name, "purpose activity")

    def _check_activity(self) -> None:
        """Every ``related.attribute`` activity names a related source about the
        person source, and one of its attributes."""
        for person in self.person_sources():
            for name in person.purpose.activity if person.purpose else ():
                if "." not in name:
                    continue
                key, attr = name.split(".", 1)
                related = self._sources.get(key)
                if (
                    not isinstance(related, RelatedSource)
                    or person.key not in related.person_refs
                    or attr not in _attribute_names(related.model)
                ):
                    raise RegistryError(
                        f"source {person.key!r}: purpose activity {name!r} names no "
                        "attribute of a related source about it"
                    )

    def add_field_group(self, group: FieldGroup) -> FieldGroup:
        """Declare a restrictable field group (see :class:`FieldGroup`); its fields
        are checked against the sources when the registry freezes.

        :raises RegistryError: frozen, a bad, reserved or repeated name.
        """
        if self._frozen:
            raise RegistryError(f"field group {group.name!r}: the registry is frozen")
        if not isinstance(group.name, str) or not _GROUP_RE.match(group.name):
            raise RegistryError(
                f"field group name {group.name!r} must be a lower-case slug "
                "of at most 32 characters"
            )
        if group.name == PERSON_GROUP:
            raise RegistryError("field group name 'person' is reserved")
        if group.name in self._groups:
            raise RegistryError(f"field group {group.name!r} is declared twice")
        fields = {str(k): tuple(v) for k, v in (group.fields or {}).items()}
        frozen = FieldGroup(group.name, group.label, fields)
        self._groups[group.name] = frozen
        return frozen

    def field_groups(self) -> list[FieldGroup]:
        """Every declared field group, in declaration order."""
        return list(self._groups.values())

    def field_group(self, name: str) -> FieldGroup | None:
        """The field group *name*, or None."""
        return self._groups.get(name)

    def _check_field_groups(self) -> None:
        for group in self._groups.values():
            for key, attrs in group.fields.items():
                if key not in self._sources:
                    raise RegistryError(
                        f"field group {group.name!r} names {key!r}, "
                        "which is not a registered source"
                    )
                known = _attribute_names(self._sources[key].model)
                for attr in attrs:
                    if attr not in known:
                        raise RegistryError(
                            f"field group {group.name!r}: source {key!r} has "
                            f"no attribute {attr!r}"
                        )

    def freeze(self) -> None:
        """Refuse more registrations; check every person ref names a person source
        every purpose's activity names what exists and every field group names
        registered sources and attributes."""
        self._check_activity()
        self._check_field_groups()
        for source in self.related_sources():
            for person_key in [*source.person_refs, *source.author_refs]:
                if not isinstance(self._sources.get(person_key), PersonSource):
                    raise RegistryError(
                        f"source {source.key!r}: person_refs or author_refs names "
                        f"{person_key!r}, "
                        "which is not a registered person source"
                    )
        self._frozen = True

    def get(self, key: str) -> Source:
        """The source with *key*.

        :raises KeyError: if there is none.
        """
        return self._sources[key]

    def __contains__(self, key: object) -> bool:
        return key in self._sources

    def __iter__(self) -> t.Iterator[Source]:
        return iter(self._sources.values())

    def __len__(self) -> int:
        return len(self._sources)

    def person_sources(self) -> list[PersonSource]:
        """Every person source, in registration order."""
        return [s for s in self._sources.values() if isinstance(s, PersonSource)]

    def related_sources(self) -> list[RelatedSource]:
        """Every related source, in registration order."""
        return [s for s in self._sources.values() if isinstance(s, RelatedSource)]
