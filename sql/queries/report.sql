-- `qgen report` (service/report.py): the bank as a whole. Read-only; one statement per section.
-- Imported questions (provider 'import') are in the coverage and the provider mix, but not in the
-- per-question token and cost figures (nobody was called for them).
--
-- Every query takes the same filters (service/report.py Filters; null: no filter):
--   $1 since, $2 until  each row's own created_at, since <= created_at < until;
--   $3 subject          a prefix, LIKE-escaped, case-insensitive: the row's subject, or its request's;
--   $4 user             the request's requested_by (imported questions and their refusals have none).

-- name: report_totals --
with q as (
    select q.provider, q.fallback_reason from questions q
     where ($1::timestamptz is null or q.created_at >= $1::timestamptz)
       and ($2::timestamptz is null or q.created_at < $2::timestamptz)
       and ($3::text is null or lower(q.subject) like lower($3::text) || '%')
       and ($4::uuid is null or q.request_id in (select id from question_requests where requested_by = $4::uuid))
), x as (
    select 1 from question_rejects x left join question_requests r on r.id = x.request_id
     where x.reason <> 'slot_filled'  -- bookkeeping rows written before refusals alone were recorded
       and ($1::timestamptz is null or x.created_at >= $1::timestamptz)
       and ($2::timestamptz is null or x.created_at < $2::timestamptz)
       and ($3::text is null or lower(r.subject) like lower($3::text) || '%')
       and ($4::uuid is null or r.requested_by = $4::uuid)
), d as (
    select 1 from question_disputes d left join question_requests r on r.id = d.request_id
     where ($1::timestamptz is null or d.created_at >= $1::timestamptz)
       and ($2::timestamptz is null or d.created_at < $2::timestamptz)
       and ($3::text is null or lower(d.subject) like lower($3::text) || '%')
       and ($4::uuid is null or r.requested_by = $4::uuid)
), c as (
    select c.purpose, c.prompt_tokens, c.completion_tokens, c.cost_usd from provider_calls c
      left join question_requests r on r.id = c.request_id
     where ($1::timestamptz is null or c.created_at >= $1::timestamptz)
       and ($2::timestamptz is null or c.created_at < $2::timestamptz)
       and ($3::text is null or lower(r.subject) like lower($3::text) || '%')
       and ($4::uuid is null or r.requested_by = $4::uuid)
)
select (select count(*) from q)::int as questions,
       (select count(*) from q where provider <> 'import')::int as generated,
       (select count(*) from q where provider = 'import')::int as imported,
       (select count(*) from question_requests r
         where ($1::timestamptz is null or r.created_at >= $1::timestamptz)
           and ($2::timestamptz is null or r.created_at < $2::timestamptz)
           and ($3::text is null or lower(r.subject) like lower($3::text) || '%')
           and ($4::uuid is null or r.requested_by = $4::uuid))::int as requests,
       (select count(*) from x)::int as refused,
       (select count(*) from d)::int as disputed,
       (select count(*) from q where fallback_reason is not null)::int as fallbacks,
       (select count(*) from c)::int as calls,
       (select count(*) from c where cost_usd is not null)::int as priced_calls,
       (select coalesce(sum(prompt_tokens + completion_tokens), 0) from c where purpose = 'generate')::bigint
           as generation_tokens,
       (select coalesce(sum(prompt_tokens + completion_tokens), 0) from c where purpose = 'verify')::bigint
           as verification_tokens,
       (select sum(cost_usd) from c) as cost_usd;

-- name: report_coverage --
-- Stored questions per subject, topic, difficulty and type.
select subject, topic, difficulty, question_type, count(*)::int as questions
  from questions q
 where ($1::timestamptz is null or q.created_at >= $1::timestamptz)
   and ($2::timestamptz is null or q.created_at < $2::timestamptz)
   and ($3::text is null or lower(q.subject) like lower($3::text) || '%')
   and ($4::uuid is null or q.request_id in (select id from question_requests where requested_by = $4::uuid))
 group by subject, topic, difficulty, question_type
 order by subject, topic, difficulty, question_type;

-- name: report_providers --
-- Who wrote the bank: questions per provider and model, and how many of them came through a fallback.
select provider, model, count(*)::int as questions,
       count(*) filter (where fallback_reason is not null)::int as fallbacks
  from questions q
 where ($1::timestamptz is null or q.created_at >= $1::timestamptz)
   and ($2::timestamptz is null or q.created_at < $2::timestamptz)
   and ($3::text is null or lower(q.subject) like lower($3::text) || '%')
   and ($4::uuid is null or q.request_id in (select id from question_requests where requested_by = $4::uuid))
 group by provider, model
 order by questions desc, provider, model;

-- name: report_fallbacks --
-- Why questions were written by a fallback provider (questions.fallback_reason), and by whom.
select fallback_reason as reason, provider, count(*)::int as questions
  from questions q
 where fallback_reason is not null
   and ($1::timestamptz is null or q.created_at >= $1::timestamptz)
   and ($2::timestamptz is null or q.created_at < $2::timestamptz)
   and ($3::text is null or lower(q.subject) like lower($3::text) || '%')
   and ($4::uuid is null or q.request_id in (select id from question_requests where requested_by = $4::uuid))
 group by fallback_reason, provider
 order by questions desc, reason, provider;

-- name: report_refusals --
-- Per group (the request's subject; '(import)' for imports): questions stored, refused by
-- question_rejects.reason, and disputed (reason 'stored' or 'not stored': kept marked, or held back).
with g as (
    select case when provider = 'import' then '(import)' else subject end as grp, 'stored' as kind,
           null::text as reason, count(*)::int as n
      from questions q
     where ($1::timestamptz is null or q.created_at >= $1::timestamptz)
       and ($2::timestamptz is null or q.created_at < $2::timestamptz)
       and ($3::text is null or lower(q.subject) like lower($3::text) || '%')
       and ($4::uuid is null or q.request_id in (select id from question_requests where requested_by = $4::uuid))
     group by 1
    union all
    select case when x.provider = 'import' then '(import)' else coalesce(r.subject, '(unknown)') end,
           'refused', x.reason, count(*)::int
      from question_rejects x left join question_requests r on r.id = x.request_id
     where x.reason <> 'slot_filled'  -- bookkeeping rows written before refusals alone were recorded
       and ($1::timestamptz is null or x.created_at >= $1::timestamptz)
       and ($2::timestamptz is null or x.created_at < $2::timestamptz)
       and ($3::text is null or lower(r.subject) like lower($3::text) || '%')
       and ($4::uuid is null or r.requested_by = $4::uuid)
     group by 1, 3
    union all
    select subject, 'disputed', case when stored_question_id is null then 'not stored' else 'stored' end, count(*)::int
      from question_disputes d
     where ($1::timestamptz is null or d.created_at >= $1::timestamptz)
       and ($2::timestamptz is null or d.created_at < $2::timestamptz)
       and ($3::text is null or lower(subject) like lower($3::text) || '%')
       and ($4::uuid is null or d.request_id in (select id from question_requests where requested_by = $4::uuid))
     group by 1, 3
)
select grp, kind, reason, n from g order by grp, kind, reason;

-- name: report_tokens --
-- Provider calls per provider and purpose (generate, verify): failed calls are paid for too.
select c.provider, c.purpose, count(*)::int as calls,
       count(*) filter (where c.outcome <> 'ok')::int as failed_calls,
       coalesce(sum(c.prompt_tokens), 0)::bigint as prompt_tokens,
       coalesce(sum(c.completion_tokens), 0)::bigint as completion_tokens,
       count(c.cost_usd)::int as priced_calls,
       sum(c.cost_usd) as cost_usd
  from provider_calls c
  left join question_requests r on r.id = c.request_id
 where ($1::timestamptz is null or c.created_at >= $1::timestamptz)
   and ($2::timestamptz is null or c.created_at < $2::timestamptz)
   and ($3::text is null or lower(r.subject) like lower($3::text) || '%')
   and ($4::uuid is null or r.requested_by = $4::uuid)
 group by c.provider, c.purpose
 order by c.provider, c.purpose;

-- name: report_pod --
-- RunPod's measured throughput: output tokens of its answered calls over the seconds from the first call's
-- start to the last call's end (created_at is when a round's calls were recorded, so the span is a little
-- long). A pod is paid for by the hour, idle moments included, so this span is what the tokens cost.
select count(*)::int as calls,
       coalesce(sum(c.completion_tokens), 0)::bigint as output_tokens,
       coalesce(extract(epoch from max(c.created_at) - min(c.created_at - c.latency_ms * interval '1 millisecond')),
                0)::float8 as busy_s
  from provider_calls c
  left join question_requests r on r.id = c.request_id
 where c.provider like 'runpod%' and c.outcome = 'ok'
   and ($1::timestamptz is null or c.created_at >= $1::timestamptz)
   and ($2::timestamptz is null or c.created_at < $2::timestamptz)
   and ($3::text is null or lower(r.subject) like lower($3::text) || '%')
   and ($4::uuid is null or r.requested_by = $4::uuid);
