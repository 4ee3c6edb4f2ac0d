"""The single-tenant blog host: models, the module's declarations, a few pages."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from flask import Flask
from flask import render_template
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_user
from flask_sqlalchemy import SQLAlchemy

from tenant_privacy import Actor
from tenant_privacy import TenantPrivacy
from tenant_privacy import lazy_gettext

#: The one tenant key of this host.
TENANT = "main"

db = SQLAlchemy()


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A member of the blog: the data subject, and staff when ``is_admin``."""

    __tablename__ = "blog_user"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(254), nullable=False)
    display_name = db.Column(db.String(200))
    password_hash = db.Column(db.String(255), nullable=False, default="x")
    api_token = db.Column(db.String(64))
    is_admin = db.Column(db.Boolean, nullable=False, default=False)


class Post(db.Model):  # type: ignore[name-defined,misc]
    """A blog post of a user."""

    __tablename__ = "blog_post"

    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.ForeignKey("blog_user.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")


def actor_of(user: User) -> Actor:
    """The module's view of a blog user (every user is staff of the one tenant)."""
    return Actor(
        id=str(user.id),
        tenant=TENANT,
        label=user.display_name or user.username,
        email=user.email,
        is_tenant_admin=bool(user.is_admin),
        person_ref=("user", str(user.id)),
    )


def create_app(config: dict[str, t.Any] | None = None) -> Flask:
    """The blog; *config* overrides any setting."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="single-tenant-test",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        TENANT_PRIVACY_BASE_TEMPLATE="base.html",
    )
    app.config.update(config or {})
    db.init_app(app)
    login = LoginManager(app)
    login.user_loader(lambda user_id: db.session.get(User, int(user_id)))

    privacy = TenantPrivacy(db=db, single_tenant=TENANT)
    privacy.person_source(
        key="user",
        label=lazy_gettext("Users"),
        model=User,
        tenant_column=None,
        identity={"full_name": "username", "email": "email"},
        # no export_fields: id, username and email leave the table, nothing else
        erasure={"email": "fake_email"},
    )
    privacy.related_source(
        key="post",
        label="Posts",
        model=Post,
        tenant_column=None,
        person_refs={"user": "author_id"},
        export_fields=["title", "body"],
    )

    @privacy.actor_loader
    def _actor() -> Actor | None:
        if current_user.is_authenticated:
            return actor_of(current_user)
        return None

    @privacy.staff_loader  # a small blog: the whole list is fine
    def _staff(tenant: str) -> list[Actor]:
        return [actor_of(u) for u in db.session.scalars(sa.select(User))]

    privacy.init_app(app)
    app.extensions["blog_privacy"] = privacy

    @app.get("/")
    def home() -> str:
        posts = db.session.scalars(sa.select(Post).order_by(Post.id)).all()
        return render_template("home.html", posts=posts)

    @app.post("/test-login/<int:user_id>")
    def test_login(user_id: int) -> str:
        """Log in as *user_id* (this host exists for tests only)."""
        login_user(db.session.get(User, user_id))
        return "ok"

    return app
