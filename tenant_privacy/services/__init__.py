"""Services: one module (or package) per capability; each function does one
transaction's work. Services take what they need (a tenant scope, the host's
directory, a session) and never read the Flask app; they flush and never commit.
Views, CLI commands and jobs build their arguments and commit.
"""
