"""Disclosure (GDPR art. 15 and 20): everything the tenant holds about one person,
as a zip of HTML (for people) and JSON (for machines), built by a job and delivered
by an expiring emailed link.

- :mod:`.requesting`: the request in the register, the recipient, exclusions;
- :mod:`.bundle`: streaming the subject's records into the zip;
- :mod:`.delivery`: the link, its mail, downloads, expiry, stale builds;
- :mod:`.public`: a person's own request, confirmed by mail.
"""

from .bundle import build_bundle
from .delivery import GONE
from .delivery import compose_mail
from .delivery import expire_exports
from .delivery import find_download
from .delivery import issue_link
from .delivery import latest_export
from .delivery import record_download
from .delivery import refresh_all
from .delivery import still_wanted
from .delivery import sweep_orphans
from .public import compose_confirmation
from .public import confirm_request
from .public import read_token
from .public import sign_request
from .requesting import check_recipient
from .requesting import recipient_choices
from .requesting import request_disclosure
from .requesting import retry

__all__ = [
    "still_wanted",
    "GONE",
    "build_bundle",
    "check_recipient",
    "compose_confirmation",
    "confirm_request",
    "read_token",
    "sign_request",
    "compose_mail",
    "expire_exports",
    "find_download",
    "issue_link",
    "latest_export",
    "recipient_choices",
    "record_download",
    "refresh_all",
    "request_disclosure",
    "retry",
    "sweep_orphans",
]
