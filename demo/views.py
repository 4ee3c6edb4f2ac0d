"""The CRM's pages: dashboard, contacts, companies, leads, invoices, import, lead form.

Every page reads only the logged-in user's tenant; another tenant's id answers 404.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import functools
import io
import typing as t

import sqlalchemy as sa
from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required

from .forms import MAX_SEARCH
from .forms import FormError
from .forms import clean_text
from .forms import column_length
from .forms import column_text
from .forms import is_clean
from .forms import page_number
from .models import Company
from .models import Contact
from .models import Invoice
from .models import Lead
from .models import Note
from .models import Tenant
from .models import db
from .models import tenant_get
from .models import tenant_query
from .visibility import hidden
from .visibility import money
from .visibility import page as visible_page
from .visibility import visible_count

bp = Blueprint("demo", __name__)
bp.add_app_template_filter(money, "money")

PAGE_SIZE = 50
F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def tenant_required(view: F) -> F:
    """Login required, and the user must belong to a tenant (not the operator)."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not current_user.tenant_key:
            abort(403)
        return view(*args, **kwargs)

    return t.cast(F, wrapper)


def current_tenant() -> str:
    """The logged-in user's tenant key."""
    return t.cast(str, current_user.tenant_key)


def search_contacts(
    tenant: str, q: str, *, visible: bool = True
) -> sa.Select[tuple[Contact]]:
    """Contacts of *tenant* whose name, email, phone or company contains *q*,
    leaving out the people hidden from the current user (and never matching an
    email or phone they may not see). *visible* False keeps the hidden people in
    (for :func:`~demo.visibility.visible_count`)."""
    stmt = tenant_query(Contact, tenant)
    if visible:
        stmt = stmt.where(hidden("contact"))
    words = q.split()
    email_seen = hidden("contact", "email") if words else None
    phone_seen = hidden("contact", "phone") if words else None
    for word in words:
        pattern = f"%{word.lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Contact.first_name).like(pattern),
                sa.func.lower(Contact.last_name).like(pattern),
                sa.and_(sa.func.lower(Contact.email).like(pattern), email_seen),
                sa.and_(Contact.phone.like(pattern), phone_seen),
                sa.func.lower(Contact.company_name).like(pattern),
            )
        )
    return stmt.order_by(Contact.last_name, Contact.first_name, Contact.id)


def balances(tenant: str, contact_ids: list[int]) -> dict[int, decimal.Decimal]:
    """Outstanding balance per contact id (unpaid invoices), in one query."""
    if not contact_ids:
        return {}
    rows = db.session.execute(
        sa.select(Invoice.contact_id, sa.func.sum(Invoice.amount))
        .where(
            Invoice.tenant_key == tenant,
            Invoice.contact_id.in_(contact_ids),
            Invoice.paid.is_(False),
        )
        .group_by(Invoice.contact_id)
    )
    return {cid: decimal.Decimal(total or 0) for cid, total in rows}


def search_arg() -> str:
    """The search text ``q`` of the query string; 400 saying why when refused."""
    try:
        return clean_text(request.args.get("q"), MAX_SEARCH, _("Search"))
    except FormError as exc:
        abort(400, description=str(exc))


@bp.get("/")
@login_required
def dashboard() -> str:
    """Counts of the tenant's records, or the operator's start page."""
    if not current_user.tenant_key:
        return render_template("dashboard.html", counts=None, tenant=None)
    tenant = current_tenant()
    counts = {
        label: db.session.scalar(
            sa.select(sa.func.count())
            .select_from(model)
            .where(model.tenant_key == tenant)
            .where(hidden(source) if source else sa.true())
        )
        for label, model, source in (
            (_("Contacts"), Contact, "contact"),
            (_("Companies"), Company, None),
            (_("Leads"), Lead, "lead"),
            (_("Invoices"), Invoice, "invoice"),
            (_("Notes"), Note, "note"),
        )
    }
    return render_template(
        "dashboard.html", counts=counts, tenant=db.session.get(Tenant, tenant)
    )


@bp.get("/contacts")
@tenant_required
def contacts() -> str:
    """The contact list, with search (``q``) and pages (``page``)."""
    q = search_arg()
    page = page_number(request.args.get("page"))
    size = int(current_app.config.get("DEMO_PAGE_SIZE", PAGE_SIZE))
    stmt = search_contacts(current_tenant(), q)
    total = visible_count(
        search_contacts(current_tenant(), q, visible=False), "contact"
    )
    rows = list(db.session.scalars(stmt.limit(size).offset((page - 1) * size)))
    return render_template(
        "contacts.html",
        contacts=rows,
        q=q,
        page=page,
        total=total,
        pages=max((total + size - 1) // size, 1),
        balances=balances(current_tenant(), [c.id for c in rows]),
        seen=visible_page(("contact", c.id) for c in rows),
        summary=ngettext("%(num)d contact", "%(num)d contacts", total),
    )


@bp.get("/contacts/<id:contact_id>")
@tenant_required
def contact(contact_id: int) -> str:
    """One contact: details, balance, invoices and notes (404 for a person
    hidden from the user; fields they may not see masked)."""
    row = tenant_get(Contact, current_tenant(), contact_id)
    if row is None:
        abort(404)
    ref = ("contact", row.id)
    authors = [("user", n.author_id) for n in row.notes if n.author_id]
    seen = visible_page([ref, *authors])
    if seen.person_hidden(ref):
        abort(404)
    return render_template(
        "contact.html",
        contact=seen.mask(ref, row),
        ref=ref,
        seen=seen,
        balance=seen.value(ref, "balance", row.balance),
    )


@bp.post("/contacts/<id:contact_id>/notes")
@tenant_required
def add_note(contact_id: int) -> t.Any:
    """Write a note about a contact."""
    row = tenant_get(Contact, current_tenant(), contact_id)
    if row is None:
        abort(404)
    try:
        body = column_text(request.form.get("body"), Note, "body", _("Note"))
    except FormError as exc:
        flash(str(exc), "error")
        return redirect(url_for("demo.contact", contact_id=row.id))
    if not body:
        flash(_("A note cannot be empty."), "error")
    else:
        db.session.add(
            Note(
                tenant_key=current_tenant(),
                contact_id=row.id,
                author_id=current_user.id,
                body=body,
            )
        )
        db.session.commit()
        flash(_("Note saved."), "success")
    return redirect(url_for("demo.contact", contact_id=row.id))


@bp.get("/companies/<id:company_id>")
@tenant_required
def company(company_id: int) -> str:
    """A company and its contacts."""
    row = tenant_get(Company, current_tenant(), company_id)
    if row is None:
        abort(404)
    people = db.session.scalars(
        tenant_query(Contact, current_tenant())
        .where(Contact.company_id == row.id, hidden("contact"))
        .order_by(Contact.last_name, Contact.first_name, Contact.id)
    )
    return render_template("company.html", company=row, contacts=list(people))


@bp.get("/leads")
@tenant_required
def leads() -> str:
    """Leads from the public form, newest first."""
    rows = list(
        db.session.scalars(
            tenant_query(Lead, current_tenant())
            .where(hidden("lead"))
            .order_by(Lead.created_at.desc(), Lead.id.desc())
            .limit(200)
        )
    )
    seen = visible_page(("lead", r.id) for r in rows)
    return render_template(
        "leads.html", leads=[seen.mask(("lead", r.id), r) for r in rows]
    )


@bp.get("/invoices")
@tenant_required
def invoices() -> str:
    """Invoices of the tenant; ``unpaid=1`` shows only the outstanding ones."""
    stmt = tenant_query(Invoice, current_tenant()).where(hidden("invoice"))
    if request.args.get("unpaid"):
        stmt = stmt.where(Invoice.paid.is_(False))
    rows = list(
        db.session.scalars(
            stmt.order_by(Invoice.due_date.desc(), Invoice.id.desc()).limit(200)
        )
    )
    # an amount of a contact whose balance is hidden would give the balance away
    seen = visible_page(("contact", r.contact_id) for r in rows)
    return render_template("invoices.html", invoices=rows, seen=seen)


# -- the integration import -------------------------------------------------------
IMPORT_COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "birth_date",
    "street",
    "postcode",
    "city",
)
#: Most refused lines named one by one after an import.
IMPORT_ERRORS_SHOWN = 10


class ImportRefused(ValueError):
    """An import wrote nothing: :attr:`messages` names every refused line."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        #: One message per refused value, "Line 3: ...".
        self.messages = messages


def _import_length(column: str) -> int:
    """The most characters the CSV column *column* may hold (its table column)."""
    if column == "company":
        return column_length(Company, "name")
    return column_length(Contact, column)


def _import_row(line: int, data: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The checked values of one CSV row.

    :raises ImportRefused: naming the line and every refused value in it.
    """
    values: dict[str, t.Any] = {}
    errors: list[str] = []
    for column in IMPORT_COLUMNS:
        raw = data.get(column)
        try:
            values[column] = clean_text(
                raw if isinstance(raw, str) else None, _import_length(column), column
            )
        except FormError as exc:
            errors.append(_("Line %(line)d: %(error)s", line=line, error=str(exc)))
    if errors:
        raise ImportRefused(errors)
    if not values["first_name"] or not values["last_name"]:
        raise ImportRefused([_("Line %(line)d: a name is missing.", line=line)])
    birth = values["birth_date"]
    try:
        values["birth_date"] = dt.date.fromisoformat(birth) if birth else None
    except ValueError:
        raise ImportRefused(
            [_("Line %(line)d: the birth date is not YYYY-MM-DD.", line=line)]
        ) from None
    return values


def _company(tenant: str, name: str | None) -> Company | None:
    name = (name or "").strip()
    if not name:
        return None
    row = db.session.scalars(
        tenant_query(Company, tenant).where(Company.name == name)
    ).first()
    if row is None:
        row = Company(tenant_key=tenant, name=name)
        db.session.add(row)
        db.session.flush()
    return row


def import_contacts(tenant: str, rows: t.Iterable[t.Mapping[str, str]]) -> int:
    """Add one contact (origin ``import``) per row of *rows*; return how many.

    Rows need ``first_name`` and ``last_name``; the other :data:`IMPORT_COLUMNS` are
    optional. Every row is checked before anything is added: a value longer than
    its column, a control character, a missing name or a bad date refuses the
    whole file, naming each refused line. Flushes, does not commit.

    :raises ImportRefused: naming every refused line (nothing was added).
    """
    checked: list[dict[str, t.Any]] = []
    errors: list[str] = []
    for line, data in enumerate(rows, start=2):
        try:
            checked.append(_import_row(line, data))
        except ImportRefused as exc:
            errors.extend(exc.messages)
    if errors:
        raise ImportRefused(errors)
    for values in checked:
        company = _company(tenant, values["company"])
        db.session.add(
            Contact(
                tenant_key=tenant,
                company_id=company.id if company else None,
                first_name=values["first_name"],
                last_name=values["last_name"],
                email=values["email"] or None,
                phone=values["phone"] or None,
                birth_date=values["birth_date"],
                street=values["street"] or None,
                postcode=values["postcode"] or None,
                city=values["city"] or None,
                origin="import",
            )
        )
    db.session.flush()
    return len(checked)


def _header_problem(columns: t.Sequence[str]) -> str | None:
    """What is wrong with a CSV file's header row, or None."""
    names = [c.strip() for c in columns if c is not None]
    unknown = [c for c in names if c not in IMPORT_COLUMNS]
    missing = [c for c in ("first_name", "last_name") if c not in names]
    if unknown or missing:
        return _(
            "The header row must name the columns first_name and last_name, and may "
            "name %(optional)s; unknown: %(unknown)s.",
            optional=", ".join(IMPORT_COLUMNS[2:]),
            unknown=", ".join(unknown[:10]) or "-",
        )
    return None


@bp.route("/import", methods=["GET", "POST"])
@tenant_required
def import_csv() -> t.Any:
    """Import contacts from an uploaded CSV file (UTF-8, header row)."""
    if request.method == "POST":
        upload = request.files.get("file")
        data = (
            upload.read(current_app.config["DEMO_UPLOAD_MAX_BYTES"] + 1)
            if upload
            else b""
        )
        if not data:
            flash(_("Choose a CSV file."), "error")
            return render_template("import.html", columns=IMPORT_COLUMNS), 400
        if len(data) > current_app.config["DEMO_UPLOAD_MAX_BYTES"]:
            abort(413)
        try:
            text = data.decode("utf-8-sig")
            reader = csv.DictReader(io.StringIO(text))
            problem = _header_problem(reader.fieldnames or [])
            if problem:
                flash(problem, "error")
                flash(_("Nothing was imported."), "error")
                return render_template("import.html", columns=IMPORT_COLUMNS), 400
            rows = list(reader)
            if not rows:
                flash(_("The file has a header row but no contacts."), "error")
                return render_template("import.html", columns=IMPORT_COLUMNS), 400
            count = import_contacts(current_tenant(), rows)
        except ImportRefused as exc:
            db.session.rollback()
            for message in exc.messages[:IMPORT_ERRORS_SHOWN]:
                flash(message, "error")
            hidden = len(exc.messages) - IMPORT_ERRORS_SHOWN
            if hidden > 0:
                flash(
                    ngettext(
                        "... and %(num)d more refused value.",
                        "... and %(num)d more refused values.",
                        hidden,
                    ),
                    "error",
                )
            flash(_("Nothing was imported."), "error")
            return render_template("import.html", columns=IMPORT_COLUMNS), 400
        except (UnicodeDecodeError, csv.Error, ValueError):
            db.session.rollback()
            flash(_("The file is not a UTF-8 CSV file."), "error")
            return render_template("import.html", columns=IMPORT_COLUMNS), 400
        db.session.commit()
        flash(
            ngettext("%(num)d contact imported.", "%(num)d contacts imported.", count)
        )
        return redirect(url_for("demo.contacts"))
    return render_template("import.html", columns=IMPORT_COLUMNS)


# -- the public lead form -------------------------------------------------------------
@bp.route("/forms/<tenant>/lead", methods=["GET", "POST"])
def lead_form(tenant: str) -> t.Any:
    """A tenant's public web form: anyone may leave their details."""
    if not is_clean(tenant, column_length(Tenant, "key")):
        abort(404)
    row = db.session.get(Tenant, tenant)
    if row is None:
        abort(404)
    errors: list[str] = []
    if request.method == "POST":
        form: dict[str, str] = {}
        for name, label in lead_fields().items():
            try:
                form[name] = column_text(request.form.get(name), Lead, name, label)
            except FormError as exc:
                errors.append(str(exc))
                form[name] = ""
        refused = bool(errors)  # the messages above say what to change first
        if not refused and (not form["first_name"] or not form["last_name"]):
            errors.append(_("Please give your first and last name."))
        if not refused and not form["email"] and not form["phone"]:
            errors.append(_("Please give an email address or a phone number."))
        if not errors:
            db.session.add(
                Lead(tenant_key=row.key, **{k: v or None for k, v in form.items()})
            )
            db.session.commit()
            return render_template("lead_thanks.html", tenant=row)
    maxlength = {name: column_length(Lead, name) for name in lead_fields()}
    page = render_template(
        "lead_form.html", tenant=row, errors=errors, maxlength=maxlength
    )
    return page, (400 if errors else 200)


def lead_fields() -> dict[str, str]:
    """The lead form's fields and their labels, in the page's order."""
    return {
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "email": _("Email"),
        "phone": _("Phone"),
        "company_name": _("Company"),
        "message": _("Message"),
    }
