"""Accounts: who may log in, and which roles (system admin, organisation admin) they hold."""
