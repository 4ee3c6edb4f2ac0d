"""The module's blueprint, mounted at ``TENANT_PRIVACY_URL_PREFIX`` (``/privacy``).

Each view module lists its routes in one ``ROUTES`` table of
:class:`~.routing.Route` (method, rule, endpoint, view); :func:`create_blueprint`
registers them all. Every route is guarded in one place,
:func:`~.guard.check_access`, by the access level its view declares with
:func:`~.guard.access` (default: privacy officer of the current tenant).
"""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import NotFound as HTTPNotFound

from ..config import config_value
from ..errors import InvalidInput
from ..errors import NotFound
from ..proxies import current_privacy
from . import audit_log
from . import disclosure
from . import duplicates
from . import erasure
from . import errors
from . import formatting
from . import home
from . import links
from . import officers
from . import operator
from . import person_requests
from . import purpose
from . import selfservice
from . import subjects
from . import visibility
from .context import template_context
from .guard import OFFICER
from .guard import access
from .guard import check_access
from .guard import menu_items
from .guard import self_link
from .routing import ID_CONVERTER
from .routing import IdConverter
from .routing import Route

if t.TYPE_CHECKING:
    from types import ModuleType

    from ..state import PrivacyState

__all__ = ["OFFICER", "Route", "access", "create_blueprint", "register_views"]

#: The view modules, one per capability, each with its ``ROUTES`` table (and
#: optionally ``TEMPLATE_FILTERS``, installed app-wide).
VIEW_MODULES: tuple[ModuleType, ...] = (
    home,
    operator,
    subjects,
    duplicates,
    officers,
    audit_log,
    disclosure,
    person_requests,
    erasure,
    purpose,
    visibility,
    selfservice,
)


def create_blueprint(app: Flask, state: PrivacyState) -> Blueprint:
    """Build the blueprint with every view of the module and the guard."""
    bp = Blueprint(
        config_value("BLUEPRINT_NAME", app.config),
        __name__,
        url_prefix=config_value("URL_PREFIX", app.config),
        template_folder="../templates",
        static_folder="../static",
        static_url_path="/static",
    )
    app.url_map.converters[ID_CONVERTER] = IdConverter
    bp.before_request(check_access)
    bp.context_processor(template_context)
    errors.register(bp)
    bp.register_error_handler(NotFound, _not_found)
    bp.register_error_handler(InvalidInput, _invalid_input)
    bp.register_error_handler(429, _too_many)
    for module in VIEW_MODULES:
        routes: tuple[Route, ...] = module.ROUTES
        for route in routes:
            bp.add_url_rule(
                route.rule, route.endpoint, route.view, methods=[route.method]
            )
        filters: dict[str, t.Callable[..., t.Any]] = getattr(
            module, "TEMPLATE_FILTERS", {}
        )
        for name, func in filters.items():
            bp.add_app_template_filter(func, name)
    for name, func in formatting.TEMPLATE_FILTERS.items():
        bp.add_app_template_filter(func, name)
    return bp


def _too_many(exc: Exception) -> t.Any:
    """A rate limit's 429, in the words of the form that hit it."""
    if str(request.endpoint).endswith(".me_delete_post"):
        return selfservice.too_many()
    return person_requests.too_many(exc)


def _not_found(exc: NotFound) -> t.Any:
    """Another tenant's id and a missing id alike: roll back, answer the host's 404."""
    current_privacy.session.rollback()
    return current_app.handle_http_exception(HTTPNotFound())


def _invalid_input(exc: InvalidInput) -> t.Any:
    """Malformed input (refused by :mod:`tenant_privacy.inputs` or a service): roll
    back, answer 400 with the reason."""
    current_privacy.session.rollback()
    return current_app.handle_http_exception(BadRequest(description=str(exc)))


def register_views(app: Flask, state: PrivacyState) -> None:
    """Register the blueprint and the app-wide template helpers
    ``tenant_privacy_menu``, ``tenant_privacy_self_link`` (the user menu's "My
    privacy"), ``tenant_privacy_record_url`` and ``tenant_privacy_host_url``."""
    bp = create_blueprint(app, state)
    app.register_blueprint(bp)
    limiter = person_requests.install_limits(app, f"{bp.name}.person_request_post")
    selfservice.install_limits(limiter, app, f"{bp.name}.me_delete_post")
    app.jinja_env.globals["tenant_privacy_menu"] = menu_items
    app.jinja_env.globals["tenant_privacy_self_link"] = self_link
    app.jinja_env.globals["tenant_privacy_record_url"] = links.record_url
    app.jinja_env.globals["tenant_privacy_host_url"] = links.host_url
