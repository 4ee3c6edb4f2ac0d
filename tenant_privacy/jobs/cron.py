"""The module's periodic jobs, as an rq cron configuration.

    rq cron tenant_privacy.jobs.cron --url $REDIS_URL

enqueues, on the main queue (``TENANT_PRIVACY_QUEUE_NAME``, default
``tenant_privacy``), the end of expired download links every hour
(``expire_exports``) and the end of legal retention periods every night
(``retention_run``); the workers run them like any other job, in an app built from
``TENANT_PRIVACY_APP_FACTORY``. Both settings are read from the environment here,
since rq cron starts no app. Without rq, run ``flask privacy exports expire`` and
``flask privacy retention run`` from the system's cron instead.
"""

from __future__ import annotations

import os

# rq is the optional [rq] extra: this module is only imported by ``rq cron``
from rq import cron

from .runner import perform

QUEUE = os.environ.get("TENANT_PRIVACY_QUEUE_NAME", "tenant_privacy")
FACTORY = os.environ.get("TENANT_PRIVACY_APP_FACTORY", "wsgi:create_app")

#: Job name -> cron expression (UTC).
SCHEDULE: dict[str, str] = {
    "expire_exports": "7 * * * *",
    "retention_run": "17 3 * * *",
}

#: What was registered with rq cron, one entry per job (for checks and logs).
REGISTERED = [
    cron.register(
        perform,
        queue_name=QUEUE,
        args=(_name, FACTORY, {}),
        cron=_when,
        name=f"tenant_privacy.{_name}",
    )
    for _name, _when in SCHEDULE.items()
]
