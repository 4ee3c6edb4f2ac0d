"""The shape of a route table: each view module lists its routes in one ``ROUTES``.

:func:`tenant_privacy.views.create_blueprint` registers every table with
``bp.add_url_rule``, so a URL is found by reading one tuple near the top of its
module, and the access level stays on the view (:func:`~.guard.access`).
"""

from __future__ import annotations

import typing as t


class Route(t.NamedTuple):
    """One URL rule of the module's blueprint.

    :param method: the HTTP method (``"GET"`` or ``"POST"``; GET implies HEAD).
    :param rule: the URL rule below the blueprint's prefix.
    :param endpoint: the endpoint name (templates and hosts use it in
        ``url_for``; never rename one).
    :param view: the module-level view function.
    """

    method: str
    rule: str
    endpoint: str
    view: t.Callable[..., t.Any]
