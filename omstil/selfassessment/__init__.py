"""Private self-assessments (selvvurderinger) that a leader takes for their own reflection."""
