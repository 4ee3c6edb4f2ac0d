"""Every job function by name: the one table the runners look jobs up in.

A queued job names its function here (``"scan"``), never by a dotted path, so a
rename cannot strand jobs waiting in Redis and a typo fails when it is queued.
A new capability adds its job module and one line here.
"""

from __future__ import annotations

import typing as t

from . import disclosure
from . import duplicates
from . import erasure

#: Job name -> entry point taking keyword arguments of ids only.
JOBS: dict[str, t.Callable[..., t.Any]] = {
    "scan": duplicates.scan_job,
    "accept_above": duplicates.accept_above_job,
    "match_record": duplicates.match_record_job,
    "build_export": disclosure.build_export_job,
    "expire_exports": disclosure.expire_exports_job,
    "erase": erasure.erase_job,
    "retention_run": erasure.retention_run_job,
}
