"""Settings for the test suite: the real settings, with a fixed key and fast password hashing."""

import os

os.environ.setdefault(
    "SECRET_KEY", "test-secret-key-that-is-long-enough-for-django-checks-0123456789"
)
os.environ.setdefault("OMSTIL_HTTPS", "0")

from omstil.settings import *  # noqa: F403

# Argon2 stays the production hasher; a fast one keeps the suite from spending minutes hashing.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Static files straight from the finders (DKFDS in node_modules), as the live-server tests need.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Counts of who took part are read live, so that a test sees the answer it just gave; the
# hourly refresh has a test of its own.
OMSTIL_PARTICIPATION_REFRESH_SECONDS = 0
# Tests log in with Django's test client, which calls `authenticate` without the request that
# django-axes needs; the login limit is tested with the production backends in
# tests/test_login_limit.py.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# The suite logs HR and system administrators in with the test client and Playwright's `log_in`,
# which give no second factor; production requires it (OMSTIL_TWO_FACTOR_REQUIRED defaults to
# on). tests/test_two_factor.py and the browser tests turn it on with the `settings` fixture.
OMSTIL_TWO_FACTOR_REQUIRED = False
