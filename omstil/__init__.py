"""Omstil: evaluation and development of leaders' digital leadership in the Danish public sector."""
