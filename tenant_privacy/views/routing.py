"""The shape of a route table: each view module lists its routes in one ``ROUTES``.

:func:`tenant_privacy.views.create_blueprint` registers every table with
``bp.add_url_rule``, so a URL is found by reading one tuple near the top of its
module, and the access level stays on the view (:func:`~.guard.access`).
"""

from __future__ import annotations

import typing as t

from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError

from .. import inputs
from ..errors import InvalidInput

#: The name of :class:`IdConverter` in the app's URL map: ``<tp_id:subject_id>``.
ID_CONVERTER = "tp_id"


class IdConverter(BaseConverter):
    """A row id in a URL: ASCII digits naming 1 .. ``2**63 - 1``
    (:func:`tenant_privacy.inputs.int_id`).

    Flask's ``<int:...>`` takes any size, and other digits than ASCII ones
    (``"５"``); a larger id than the database holds then failed there. A URL
    this converter refuses matches no route: 404, as for a missing id.
    """

    regex = r"[0-9]{1,19}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        try:
            return inputs.int_id(value)
        except InvalidInput as exc:
            raise ValidationError() from exc

    def to_url(self, value: t.Any) -> str:
        return str(int(value))


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
