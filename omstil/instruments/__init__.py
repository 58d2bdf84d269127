"""Instruments: the versioned library of evaluation instruments, themes and statements."""
