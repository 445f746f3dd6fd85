-- qgen Batch mode: a batch's answers are accounted once. A round that reads a batch and then fails (a database
-- fault, a lost lease, a cancelled request that is requeued) leaves the batch open, and whoever claims the
-- job next reads the same answers again; Google billed them once, so provider_calls records them once.
--   * qgen_batches.accounted_at: when the answers read from this batch were recorded in provider_calls (by
--     the first round that read them); null until then. Set in the statement that records them.
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

alter table qgen_batches add column if not exists accounted_at timestamptz;

comment on column qgen_batches.accounted_at is
    'When the answers read from this batch were recorded in provider_calls (once, by the first round that read them).';
