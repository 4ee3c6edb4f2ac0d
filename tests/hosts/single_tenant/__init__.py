"""A second host, unlike the demo: a small blog with no tenants.

Users are the data subjects (and the staff); posts are about them; there is no
tenant column (``TenantPrivacy(single_tenant="main")``), no rq, no CSRFProtect,
and its own base template has no ``{% block title %}``. It uses only the public
API of ``tenant_privacy`` (checked by import-linter) and follows the host guide.
"""

from .app import Post
from .app import User
from .app import create_app
from .app import db

__all__ = ["Post", "User", "create_app", "db"]
