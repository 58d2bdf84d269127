"""Personal data through its whole life: retention, deletion, insight, the record of processing,
the audit log for HR (docs/privacy.md)."""
