"""Organisations: the kommuner, regioner and agencies using Omstil, each kept apart."""
