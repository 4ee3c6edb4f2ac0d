"""The module's periodic jobs, as an rq cron configuration.

    rq cron tenant_privacy.jobs.cron --url $REDIS_URL

enqueues, on the main queue (``TENANT_PRIVACY_QUEUE_NAME``, default
``tenant_privacy``), the end of expired download links every hour
(``expire_exports``), the end of legal retention periods every night
(``retention_run``) and, every Monday night, a review of the persons kept past
their purpose (``purpose_review``: proposed for an officer's approval, or erased
where the tenant approves automatically); the workers run them like any other
job, in an app built from ``TENANT_PRIVACY_APP_FACTORY``. Both settings are
read from the environment here, since rq cron starts no app. Without rq, run
``flask privacy exports expire``, ``flask privacy retention run`` and
``flask privacy retention review --tenant T`` from the system's cron instead.
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
    "purpose_review": "37 3 * * 1",
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
