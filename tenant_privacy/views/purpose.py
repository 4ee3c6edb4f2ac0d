"""Purpose review pages: the persons kept past their purpose, one batch per
review with the reason per person; the officer approves it, keeping whom they
exclude with a reason; the tenant's periods and automatic approval."""

from __future__ import annotations

import datetime as dt
import typing as t

from flask import flash
from flask import redirect
from flask import request
from flask import url_for

from .. import inputs
from ..errors import InvalidInput
from ..i18n import gettext
from ..labels import singular_label
from ..models import PurposeReview
from ..services import erasure
from ..services.erasure.review import REASON_MAX
from .args import form_text
from .context import render
from .context import request_actor
from .context import request_scope
from .context import start_job
from .naming import best_name
from .naming import record_names
from .routing import Route


def _bp() -> str:
    return str(request.blueprint)


def reviews() -> str:
    """The tenant's reviews, its periods and its automatic approval."""
    scope = request_scope()
    sources = erasure.purpose_sources(scope)
    return render(
        "tenant_privacy/reviews.html",
        reviews=erasure.open_reviews(scope),
        sources=[(s, singular_label(s)) for s in sources],
        periods=erasure.periods(scope),
        auto=erasure.auto_approves(scope),
    )


def review_settings() -> t.Any:
    """Set the tenant's periods (within the host's bounds) and its automatic
    approval."""
    scope = request_scope()
    months = {
        s.key: form_text(f"months_{s.key}", 4)
        for s in erasure.purpose_sources(scope)
        if request.form.get(f"months_{s.key}")
    }
    erasure.set_purpose_settings(
        scope, request_actor(), months, request.form.get("auto") == "yes"
    )
    scope.session.commit()
    flash(gettext("The periods were saved."), "success")
    return redirect(url_for(f"{_bp()}.reviews"))


def review_start() -> t.Any:
    """Look for persons kept past their purpose now (as the weekly job does)."""
    scope = request_scope()
    review, batch = erasure.propose_review(scope, request_actor())
    scope.session.commit()
    if review is None:
        flash(gettext("Nobody is kept past their purpose."), "info")
        return redirect(url_for(f"{_bp()}.reviews"))
    review_id = review.id
    if batch is not None:
        _start(scope.tenant, batch.id)
    return redirect(url_for(f"{_bp()}.review", review_id=review_id))


def review(review_id: int) -> str:
    """One review: each person with why they are proposed, and the approval."""
    scope = request_scope()
    row = scope.by_id(PurposeReview, review_id, "review")
    items = erasure.review_items(scope, row.id)
    refs = [(str(r[0]), str(r[1])) for item in items for r in item.reasons]
    names = record_names(scope, refs)
    people = []
    for item in items:
        regs = [
            {
                "name": names[(str(r[0]), str(r[1]))],
                "months": r[2],
                "since": dt.date.fromisoformat(r[3]) if r[3] else None,
            }
            for r in item.reasons
        ]
        person = best_name(n["name"] for n in regs) or gettext("(no name)")
        people.append({"item": item, "name": person, "registrations": regs})
    return render("tenant_privacy/review.html", row=row, people=people)


def review_approve(review_id: int) -> t.Any:
    """Approve the review: erase everyone not kept (a reason for each kept)."""
    scope = request_scope()
    keep = set()
    for value in request.form.getlist("keep"):
        keep.add(inputs.int_id(value, "keep"))
    reasons: dict[int, str] = {}
    items = request.form.getlist("item")
    texts = request.form.getlist("reason")
    if len(items) != len(texts):
        raise InvalidInput(gettext("The form was incomplete; reload the page."))
    for item_id, text in zip(items, texts, strict=True):
        number = inputs.int_id(item_id, "item")
        if number in keep:
            reasons[number] = inputs.text_arg(text, REASON_MAX, "reason")
    missing = keep - set(reasons)
    if missing:
        raise InvalidInput(gettext("That person is not part of this review."))
    batch = erasure.approve_review(scope, request_actor(), review_id, reasons)
    scope.session.commit()
    if batch is not None:
        _start(scope.tenant, batch.id)
    flash(gettext("The review was approved."), "success")
    return redirect(url_for(f"{_bp()}.review", review_id=review_id))


def _start(tenant: str, batch_id: int) -> None:
    start_job(
        "erase_batch",
        gettext("The erasures failed; the requests say why."),
        tenant=tenant,
        batch_id=batch_id,
    )


ROUTES: tuple[Route, ...] = (
    Route("GET", "/reviews", "reviews", reviews),
    Route("POST", "/reviews/settings", "review_settings", review_settings),
    Route("POST", "/reviews/start", "review_start", review_start),
    Route("GET", "/reviews/<tp_id:review_id>", "review", review),
    Route(
        "POST", "/reviews/<tp_id:review_id>/approve", "review_approve", review_approve
    ),
)
