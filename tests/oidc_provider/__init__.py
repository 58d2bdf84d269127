"""A real OpenID Connect provider for the tests: a small Django project on django-oidc-provider.

`tests/oidc.py` starts it as a subprocess on a free loopback port. It has its own SQLite
database, its own cookies (it shares the loopback host with Omstil's live server) and a login
page; `provider_setup` adds its users and clients. A user's employee number is kept in
`last_name` and released as the `employee_id` claim under the `profile` scope.
"""
