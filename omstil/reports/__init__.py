"""Reports: the figures of a closed round for a leader, a unit and the organisation."""
