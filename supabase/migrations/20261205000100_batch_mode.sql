-- qgen Batch mode: a request may ask for its Gemini generation to go through the Gemini Batch API, which
-- Google prices at 50% of the online rate, with a 24-hour target (ai.google.dev/gemini-api/docs/batch-api).
--   * question_requests.mode: 'online' (the default) or 'batch'. A bad mode is kept and rejected with a
--     readable message, like any other invalid row. Users may set it on insert.
--   * question_requests.batch_state: what the request's batches are doing (pending, running, succeeded,
--     failed, cancelled, expired), written by the worker; null for a request that has none. Users read it
--     with their request. (request_progress is left as it is: the dashboard migration re-creates it with
--     its own columns, and every migration must stay re-runnable in order.)
--   * qgen_batches: one row per submitted batch, so that a worker restart or a lost lease polls the same
--     batch again instead of paying for a second one (service/batch.py).
--   * provider_calls.batch: the call was answered through the Batch API (priced at the batch rate).
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

------------------------------------------------------------------------------------------------
-- The request's mode.
------------------------------------------------------------------------------------------------
alter table question_requests
    add column if not exists mode text not null default 'online',
    add column if not exists batch_state text;

do $$
begin
    -- A backstop for the trigger below, like question_requests_valid_check: rejected, or a known mode.
    if not exists (select 1 from pg_constraint where conname = 'question_requests_mode_check') then
        alter table question_requests add constraint question_requests_mode_check
            check (status = 'rejected' or mode in ('online', 'batch'));
    end if;
end
$$;

comment on column question_requests.mode is
    'online: provider calls as the worker makes them; batch: Gemini generation through the Gemini Batch API '
    '(50% of the online price, results within 24 hours, usually much sooner; other providers run online).';
comment on column question_requests.batch_state is
    'For a batch request: what its Gemini batches are doing (pending, running, succeeded, failed, cancelled, '
    'expired); written by the worker, null until a batch is submitted.';

-- A BEFORE INSERT trigger named to fire after qgen_requests_before_insert and qgen_requests_catalogue and
-- before qgen_requests_quota (triggers of one kind fire in name order), so a bad mode never counts against
-- a quota. A row already rejected gets the mode's problem added to its message.
create or replace function qgen_requests_mode() returns trigger
language plpgsql set search_path = public, extensions as $$
declare
    problem text;
begin
    new.batch_state := null;  -- the worker's to write
    new.mode := coalesce(lower(btrim(new.mode)), 'online');
    if new.mode in ('online', 'batch') then
        return new;
    end if;
    problem := format('mode %s is not one of online, batch', left(quote_literal(new.mode), 60));
    if new.status = 'rejected' then
        new.error := coalesce(new.error || '; ', 'rejected: ') || problem;
    else
        new.status := 'rejected';
        new.error := 'rejected: ' || problem;
        new.finished_at := now();
    end if;
    return new;
end
$$;

drop trigger if exists qgen_requests_mode on question_requests;
create trigger qgen_requests_mode before insert on question_requests
    for each row execute function qgen_requests_mode();

grant insert (mode) on question_requests to authenticated;

------------------------------------------------------------------------------------------------
-- Submitted batches.
------------------------------------------------------------------------------------------------
create table if not exists qgen_batches (
    id bigint generated always as identity primary key,
    name text not null unique,
    request_id uuid not null references question_requests (id) on delete cascade,
    job_id bigint not null references qgen_jobs (id) on delete cascade,
    provider text not null,
    model text not null,
    calls jsonb not null,
    state text not null default 'JOB_STATE_PENDING',
    polls integer not null default 0,
    note text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    finished_at timestamptz,
    consumed_at timestamptz,
    constraint qgen_batches_state_check check (state in ('JOB_STATE_PENDING', 'JOB_STATE_RUNNING',
        'JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED'))
);
-- At most one open batch per job: a second worker holding the job (after a lost lease) finds it.
create unique index if not exists qgen_batches_open_job_key on qgen_batches (job_id) where consumed_at is null;
create index if not exists qgen_batches_job_idx on qgen_batches (job_id);
create index if not exists qgen_batches_request_idx on qgen_batches (request_id);

comment on table qgen_batches is
    'One row per batch submitted to the Gemini Batch API for a job of a batch-mode request, written by the worker: '
    'a restarted worker, or the next holder of the job, polls the open batch instead of submitting another.';
comment on column qgen_batches.name is 'The Batch API''s resource name (batches/…).';
comment on column qgen_batches.provider is 'What provider_calls.provider records for its calls (gemini, gemini-simulator).';
comment on column qgen_batches.calls is
    'One entry per inline request, in order: {"n": questions asked, "question_type": …}; the replies come back in this order.';
comment on column qgen_batches.state is 'The batch''s last known state, as google-genai names it (JOB_STATE_PENDING … JOB_STATE_EXPIRED).';
comment on column qgen_batches.polls is 'How often it was polled; the next poll waits longer (service/batch.py poll_delay).';
comment on column qgen_batches.note is 'How it ended for the job: read, fallen back online (and why), or cancelled (and why).';
comment on column qgen_batches.consumed_at is
    'When the job was done with it (its questions stored, or nothing to read); null: open, polled by whoever holds the job.';

alter table qgen_batches enable row level security;
revoke all on table qgen_batches from public, anon, authenticated;
grant all on table qgen_batches to service_role;

------------------------------------------------------------------------------------------------
-- Calls answered through the Batch API.
------------------------------------------------------------------------------------------------
alter table provider_calls add column if not exists batch boolean not null default false;
comment on column provider_calls.batch is
    'true: answered through the Gemini Batch API (priced at the batch rate, 50% of the online one); false: online.';

-- qgen_record_calls (20261130000200_provider_calls.sql) with each call's batch flag.
create or replace function qgen_record_calls(p_request uuid, p_job bigint, calls jsonb) returns integer
language plpgsql set search_path = public, extensions as $$
declare
    n integer;
begin
    with rows as (
        insert into provider_calls (request_id, job_id, provider, model, purpose, outcome, latency_ms,
                                    prompt_tokens, completion_tokens, cost_usd, batch)
        select p_request, p_job, c.provider, c.model, coalesce(c.purpose, 'generate'), c.outcome,
               greatest(coalesce(c.latency_ms, 0), 0), coalesce(c.prompt_tokens, 0),
               coalesce(c.completion_tokens, 0), c.cost_usd, coalesce(c.batch, false)
          from jsonb_to_recordset(calls) as c(provider text, model text, purpose text, outcome text,
                                              latency_ms integer, prompt_tokens integer,
                                              completion_tokens integer, cost_usd numeric, batch boolean)
        returning purpose, prompt_tokens, completion_tokens, cost_usd
    ), sums as (
        select count(*) as n,
               coalesce(sum(prompt_tokens) filter (where purpose = 'generate'), 0) as gp,
               coalesce(sum(completion_tokens) filter (where purpose = 'generate'), 0) as gc,
               coalesce(sum(prompt_tokens) filter (where purpose = 'verify'), 0) as vp,
               coalesce(sum(completion_tokens) filter (where purpose = 'verify'), 0) as vc,
               sum(cost_usd) as cost
          from rows
    ), upd as (
        update question_requests r
           set prompt_tokens = r.prompt_tokens + s.gp,
               completion_tokens = r.completion_tokens + s.gc,
               verify_prompt_tokens = r.verify_prompt_tokens + s.vp,
               verify_completion_tokens = r.verify_completion_tokens + s.vc,
               cost_usd = case when s.cost is null then r.cost_usd else coalesce(r.cost_usd, 0) + s.cost end
          from sums s
         where r.id = p_request and s.n > 0
    )
    select sums.n into n from sums;
    return n;
end;
$$;

-- Like every qgen_ function (20261129000200_security.sql): not callable by users through PostgREST.
revoke all on function qgen_requests_mode() from public, anon, authenticated;
revoke all on function qgen_record_calls(uuid, bigint, jsonb) from public, anon, authenticated;
grant execute on function qgen_requests_mode(), qgen_record_calls(uuid, bigint, jsonb) to service_role;
