-- qgen token and cost accounting: one row per provider call, generation and verification kept apart,
-- and the sums per request on question_requests (which the web app's users may read for their own rows).
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

create table if not exists provider_calls (
    id bigint generated always as identity primary key,
    request_id uuid references question_requests (id) on delete cascade,
    job_id bigint,  -- no foreign key: like questions.job_id, informative, and no lock on the job row
    provider text not null,
    model text not null,
    purpose text not null default 'generate' check (purpose in ('generate', 'verify')),
    outcome text not null,
    latency_ms integer not null check (latency_ms >= 0),
    prompt_tokens integer not null default 0 check (prompt_tokens >= 0),
    completion_tokens integer not null default 0 check (completion_tokens >= 0),
    cost_usd numeric(14, 8),
    created_at timestamptz not null default now()
);
create index if not exists provider_calls_request_idx on provider_calls (request_id);
create index if not exists provider_calls_created_idx on provider_calls (created_at);

comment on table provider_calls is
    'One row per call to an LLM provider (every attempt, failed ones included), written by the worker.';
comment on column provider_calls.provider is 'What questions.provider records: runpod, gemini, or <name>-simulator.';
comment on column provider_calls.purpose is 'generate: writing questions; verify: the blind re-solve of the answer key.';
comment on column provider_calls.outcome is 'ok, or the failure kind (connect, timeout, server, rate_limited, blocked, ...).';
comment on column provider_calls.cost_usd is
    'Estimated from QGEN_PRICES (USD per million prompt/completion tokens); null when no price is configured.';

alter table question_requests
    add column if not exists prompt_tokens bigint not null default 0,
    add column if not exists completion_tokens bigint not null default 0,
    add column if not exists verify_prompt_tokens bigint not null default 0,
    add column if not exists verify_completion_tokens bigint not null default 0,
    add column if not exists cost_usd numeric(14, 8);

comment on column question_requests.prompt_tokens is 'Prompt tokens of every generation call made for this request.';
comment on column question_requests.completion_tokens is 'Completion tokens of every generation call made for this request.';
comment on column question_requests.verify_prompt_tokens is 'Prompt tokens spent verifying answer keys.';
comment on column question_requests.verify_completion_tokens is 'Completion tokens spent verifying answer keys.';
comment on column question_requests.cost_usd is 'Estimated cost of all calls (null until a priced call is made).';

-- Record a round's calls and add them to the request's sums, in one statement. ``calls`` is a JSON
-- array of {provider, model, purpose, outcome, latency_ms, prompt_tokens, completion_tokens, cost_usd}.
-- Runs as the worker (owner); users cannot call it.
create or replace function qgen_record_calls(p_request uuid, p_job bigint, calls jsonb) returns integer
language plpgsql set search_path = public, pg_temp as $$
declare
    n integer;
begin
    with rows as (
        insert into provider_calls (request_id, job_id, provider, model, purpose, outcome, latency_ms,
                                    prompt_tokens, completion_tokens, cost_usd)
        select p_request, p_job, c.provider, c.model, coalesce(c.purpose, 'generate'), c.outcome,
               greatest(coalesce(c.latency_ms, 0), 0), coalesce(c.prompt_tokens, 0),
               coalesce(c.completion_tokens, 0), c.cost_usd
          from jsonb_to_recordset(calls) as c(provider text, model text, purpose text, outcome text,
                                              latency_ms integer, prompt_tokens integer,
                                              completion_tokens integer, cost_usd numeric)
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

-- Operators only: the web app's users see their requests' sums, never the per-call rows.
alter table provider_calls enable row level security;
revoke all on table provider_calls from public, anon, authenticated;
grant all on table provider_calls to service_role;
revoke all on function qgen_record_calls(uuid, bigint, jsonb) from public, anon, authenticated;
grant execute on function qgen_record_calls(uuid, bigint, jsonb) to service_role;
