-- qgen Batch mode, part two: a batch-mode request's blind solves go through the Gemini Batch API too
-- (service/batch_verify.py), at its 50% rate.
--   * qgen_batches.purpose: 'generate' (a round's generation, as before) or 'verify' (a round's first blind
--     solves). A job still has at most one open batch of either kind (qgen_batches_open_job_key).
--   * qgen_batches.held: for a verify batch, the candidates that wait for its answers (question, who wrote
--     it) and the round's seed, so that whoever claims the job next reads the answers against the same
--     items instead of paying for them again; null for a generate batch.
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

alter table qgen_batches
    add column if not exists purpose text not null default 'generate',
    add column if not exists held jsonb;

do $$
begin
    if not exists (select 1 from pg_constraint where conname = 'qgen_batches_purpose_check') then
        alter table qgen_batches add constraint qgen_batches_purpose_check
            check (purpose in ('generate', 'verify'));
    end if;
end
$$;

comment on column qgen_batches.purpose is
    'generate: a round''s generation; verify: a round''s first blind solves (the answer-key gate).';
comment on column qgen_batches.held is
    'For a verify batch: the candidates waiting for its answers and the round''s seed; null otherwise.';
