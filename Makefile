# The two commands a newcomer needs: `make demo` and `make test`. Both install what they need.
SHELL := /bin/bash
OMSTIL := .venv/bin/omstil
# The demo serves plain HTTP on loopback, and its logins work without an authenticator app.
DEMO_ENV = SECRET_KEY="$$(cat var/demo-secret-key)" OMSTIL_HTTPS=0 OMSTIL_TWO_FACTOR_REQUIRED=0

.PHONY: demo test lint format bootstrap messages lock bench clean

demo:
	@scripts/bootstrap run
	@mkdir -p var
	@test -s var/demo-secret-key || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/demo-secret-key
	@$(DEMO_ENV) $(OMSTIL) demo
	@$(DEMO_ENV) $(OMSTIL) serve --port 8000

test:
	@scripts/bootstrap test
	@scripts/test

lint:
	@scripts/bootstrap run
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy omstil tests

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Refresh the English catalogue after changing user-facing strings.
messages:
	DEBUG=1 .venv/bin/django-admin makemessages --settings=omstil.settings -l en --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --no-location
	DEBUG=1 .venv/bin/django-admin compilemessages --settings=omstil.settings --ignore=.venv --ignore=node_modules

# Re-resolve pinned versions after changing pyproject.toml.
lock:
	.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev --strip-extras \
		-o requirements.lock pyproject.toml

clean:
	rm -rf .venv node_modules var .mypy_cache .ruff_cache .pytest_cache
