-- qgen call costs: what each provider call's prompt cache saved and its thinking spent, and the cost of a
-- stored, verified question.
--   * provider_calls.cached_tokens: prompt tokens the service served from its prompt cache (vLLM's automatic
--     prefix caching, usage.prompt_tokens_details.cached_tokens; Gemini's implicit caching,
--     usage_metadata.cached_content_token_count), billed at the cached rate; part of prompt_tokens.
--   * provider_calls.thinking_tokens: output tokens a thinking model spent before its answer
--     (usage_metadata.thoughts_token_count), billed as output; part of completion_tokens.
--   * question_requests.cached_tokens / thinking_tokens: their sums over the request's calls.
--   * provider_calls.batch: the call went through the Gemini Batch API (added by 20261205000100_batch_mode.sql;
--     repeated here, idempotent, so that this migration reads the same either way).
--   * request_costs: per request, what was spent and what was kept: tokens, dollars, verified questions.
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

alter table provider_calls
    add column if not exists cached_tokens integer not null default 0 check (cached_tokens >= 0),
    add column if not exists thinking_tokens integer not null default 0 check (thinking_tokens >= 0),
    add column if not exists batch boolean not null default false;

comment on column provider_calls.cached_tokens is
    'Prompt tokens served from the provider''s prompt cache (part of prompt_tokens, billed at the cached rate).';
comment on column provider_calls.thinking_tokens is
    'Output tokens a thinking model spent before its answer (part of completion_tokens, billed as output).';
comment on column provider_calls.cost_usd is
    'Estimated from the price table (service/data/prices.toml, or QGEN_PRICES): prompt tokens at the input rate, '
    'cached ones at the cached rate, output (thinking included) at the output rate, batch calls at the batch '
    'rate; null when the model has no price.';

alter table question_requests
    add column if not exists cached_tokens bigint not null default 0,
    add column if not exists thinking_tokens bigint not null default 0;

comment on column question_requests.cached_tokens is 'Prompt tokens of all calls served from a prompt cache.';
comment on column question_requests.thinking_tokens is 'Output tokens of all calls spent thinking.';

-- qgen_record_calls (20261205000100_batch_mode.sql) with each call's cached and thinking tokens.
create or replace function qgen_record_calls(p_request uuid, p_job bigint, calls jsonb) returns integer
language plpgsql set search_path = public, extensions as $$
declare
    n integer;
begin
    with rows as (
        insert into provider_calls (request_id, job_id, provider, model, purpose, outcome, latency_ms,
                                    prompt_tokens, completion_tokens, cost_usd, batch, cached_tokens,
                                    thinking_tokens)
        select p_request, p_job, c.provider, c.model, coalesce(c.purpose, 'generate'), c.outcome,
               greatest(coalesce(c.latency_ms, 0), 0), coalesce(c.prompt_tokens, 0),
               coalesce(c.completion_tokens, 0), c.cost_usd, coalesce(c.batch, false),
               -- a count the service reports above its total is clamped, never stored as more than was sent
               least(greatest(coalesce(c.cached_tokens, 0), 0), coalesce(c.prompt_tokens, 0)),
               least(greatest(coalesce(c.thinking_tokens, 0), 0), coalesce(c.completion_tokens, 0))
          from jsonb_to_recordset(calls) as c(provider text, model text, purpose text, outcome text,
                                              latency_ms integer, prompt_tokens integer,
                                              completion_tokens integer, cost_usd numeric, batch boolean,
                                              cached_tokens integer, thinking_tokens integer)
        returning purpose, prompt_tokens, completion_tokens, cost_usd, cached_tokens, thinking_tokens
    ), sums as (
        select count(*) as n,
               coalesce(sum(prompt_tokens) filter (where purpose = 'generate'), 0) as gp,
               coalesce(sum(completion_tokens) filter (where purpose = 'generate'), 0) as gc,
               coalesce(sum(prompt_tokens) filter (where purpose = 'verify'), 0) as vp,
               coalesce(sum(completion_tokens) filter (where purpose = 'verify'), 0) as vc,
               coalesce(sum(cached_tokens), 0) as cached,
               coalesce(sum(thinking_tokens), 0) as thinking,
               sum(cost_usd) as cost
          from rows
    ), upd as (
        update question_requests r
           set prompt_tokens = r.prompt_tokens + s.gp,
               completion_tokens = r.completion_tokens + s.gc,
               verify_prompt_tokens = r.verify_prompt_tokens + s.vp,
               verify_completion_tokens = r.verify_completion_tokens + s.vc,
               cached_tokens = r.cached_tokens + s.cached,
               thinking_tokens = r.thinking_tokens + s.thinking,
               cost_usd = case when s.cost is null then r.cost_usd else coalesce(r.cost_usd, 0) + s.cost end
          from sums s
         where r.id = p_request and s.n > 0
    )
    select sums.n into n from sums;
    return n;
end;
$$;

revoke all on function qgen_record_calls(uuid, bigint, jsonb) from public, anon, authenticated;
grant execute on function qgen_record_calls(uuid, bigint, jsonb) to service_role;

-- What a request cost per question kept: every call (failed ones, blind solves and wasted candidates
-- included) against the questions stored as verified. Operators only, like provider_calls.
create or replace view request_costs with (security_invoker = true) as
select r.id as request_id,
       r.subject,
       r.produced as stored,
       v.verified,
       c.calls,
       c.prompt_tokens,
       c.cached_tokens,
       c.completion_tokens,
       c.thinking_tokens,
       c.cost_usd,
       c.priced_calls,
       case when v.verified > 0 then (c.prompt_tokens + c.completion_tokens)::numeric / v.verified end
           as tokens_per_verified,
       case when v.verified > 0 then c.cost_usd / v.verified end as cost_per_verified_usd
  from question_requests r
  cross join lateral (
      select count(*) as calls,
             coalesce(sum(p.prompt_tokens), 0) as prompt_tokens,
             coalesce(sum(p.cached_tokens), 0) as cached_tokens,
             coalesce(sum(p.completion_tokens), 0) as completion_tokens,
             coalesce(sum(p.thinking_tokens), 0) as thinking_tokens,
             sum(p.cost_usd) as cost_usd,
             count(p.cost_usd) as priced_calls
        from provider_calls p
       where p.request_id = r.id
  ) c
  cross join lateral (
      select count(*) as verified from questions q where q.request_id = r.id and q.verification = 'verified'
  ) v;

comment on view request_costs is
    'Per request: every provider call (failed, blind solves, wasted candidates included) against the questions '
    'stored as verified; cost_usd is a lower bound when priced_calls < calls.';

revoke all on table request_costs from public, anon, authenticated;
grant select on table request_costs to service_role;
