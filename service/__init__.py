"""qgen: a Postgres-queued worker that fills exam-prep question banks."""

__version__ = "0.1.0"
