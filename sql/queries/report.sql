-- `qgen report` (service/report.py): the bank as a whole. Read-only; one statement per section.
-- Imported questions (provider 'import') are in the coverage and the provider mix, but not in the
-- per-question token and cost figures (nobody was called for them).

-- name: report_totals --
select (select count(*) from questions)::int as questions,
       (select count(*) from questions where provider <> 'import')::int as generated,
       (select count(*) from questions where provider = 'import')::int as imported,
       (select count(*) from question_requests)::int as requests,
       (select count(*) from question_rejects)::int as refused,
       (select count(*) from question_disputes)::int as disputed,
       (select count(*) from questions where fallback_reason is not null)::int as fallbacks,
       (select count(*) from provider_calls)::int as calls,
       (select count(*) from provider_calls where cost_usd is not null)::int as priced_calls,
       (select coalesce(sum(prompt_tokens + completion_tokens), 0) from provider_calls where purpose = 'generate')::bigint
           as generation_tokens,
       (select coalesce(sum(prompt_tokens + completion_tokens), 0) from provider_calls where purpose = 'verify')::bigint
           as verification_tokens,
       (select sum(cost_usd) from provider_calls) as cost_usd;

-- name: report_coverage --
-- Stored questions per subject, topic, difficulty and type.
select subject, topic, difficulty, question_type, count(*)::int as questions
  from questions
 group by subject, topic, difficulty, question_type
 order by subject, topic, difficulty, question_type;

-- name: report_providers --
-- Who wrote the bank: questions per provider and model, and how many of them came through a fallback.
select provider, model, count(*)::int as questions,
       count(*) filter (where fallback_reason is not null)::int as fallbacks
  from questions
 group by provider, model
 order by questions desc, provider, model;

-- name: report_fallbacks --
-- Why questions were written by a fallback provider (questions.fallback_reason), and by whom.
select fallback_reason as reason, provider, count(*)::int as questions
  from questions
 where fallback_reason is not null
 group by fallback_reason, provider
 order by questions desc, reason, provider;

-- name: report_refusals --
-- Per group (the request's subject; '(import)' for imports): questions stored, refused by
-- question_rejects.reason, and disputed (reason 'stored' or 'not stored': kept marked, or held back).
with g as (
    select case when provider = 'import' then '(import)' else subject end as grp, 'stored' as kind,
           null::text as reason, count(*)::int as n
      from questions group by 1
    union all
    select case when x.provider = 'import' then '(import)' else coalesce(r.subject, '(unknown)') end,
           'refused', x.reason, count(*)::int
      from question_rejects x left join question_requests r on r.id = x.request_id
     group by 1, 3
    union all
    select subject, 'disputed', case when stored_question_id is null then 'not stored' else 'stored' end, count(*)::int
      from question_disputes group by 1, 3
)
select grp, kind, reason, n from g order by grp, kind, reason;

-- name: report_tokens --
-- Provider calls per provider and purpose (generate, verify): failed calls are paid for too.
select provider, purpose, count(*)::int as calls,
       count(*) filter (where outcome <> 'ok')::int as failed_calls,
       coalesce(sum(prompt_tokens), 0)::bigint as prompt_tokens,
       coalesce(sum(completion_tokens), 0)::bigint as completion_tokens,
       count(cost_usd)::int as priced_calls,
       sum(cost_usd) as cost_usd
  from provider_calls
 group by provider, purpose
 order by provider, purpose;
