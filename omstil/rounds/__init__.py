"""Rounds: setting up an evaluation round, freezing the organisation, invitations and reminders."""
