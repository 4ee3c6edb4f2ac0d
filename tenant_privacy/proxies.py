"""Context-local proxies: the per-app state and the current tenant and actor."""

from __future__ import annotations

import typing as t

from flask import current_app
from flask import g
from werkzeug.local import LocalProxy

if t.TYPE_CHECKING:
    from .host import Actor
    from .state import PrivacyState


def _get_state() -> PrivacyState:
    return t.cast("PrivacyState", current_app.extensions["tenant_privacy"])


def get_tenant() -> str | None:
    """The current tenant key, or None (use this, not the proxy, to test for None)."""
    if not hasattr(g, "_tenant_privacy_tenant"):
        g._tenant_privacy_tenant = _get_state().host.load_tenant()
    return t.cast("str | None", g._tenant_privacy_tenant)


def get_actor() -> Actor | None:
    """The current actor, or None when nobody is logged in."""
    if not hasattr(g, "_tenant_privacy_actor"):
        g._tenant_privacy_actor = _get_state().host.load_actor()
    return t.cast("Actor | None", g._tenant_privacy_actor)


#: The :class:`~tenant_privacy.state.PrivacyState` of the current app.
current_privacy: PrivacyState = t.cast("PrivacyState", LocalProxy(_get_state))
#: The current tenant key (from the host's ``tenant_loader``), cached per request.
current_tenant: str | None = t.cast("str | None", LocalProxy(get_tenant))
#: The current :class:`~tenant_privacy.host.Actor`, cached per request.
current_actor: Actor | None = t.cast("Actor | None", LocalProxy(get_actor))
