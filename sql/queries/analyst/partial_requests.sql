-- Requests that ended partial, and why: what was missing, which jobs fell short or failed and with what
-- error, what the dedupe refused, what the verifier disputed and which provider calls failed.
--
-- Answers: one row per request that ended with one of `statuses` within `since`, the most recent first.
--   missing            count - produced
--   failed_jobs        jobs that used up their attempts (qgen_requeue('<id>') runs them again)
--   short_jobs         jobs that finished with fewer questions than slots
--   job_errors         their distinct errors, ' | '-separated
--   refused            question_rejects by reason, e.g. {"near_duplicate": 3}
--   disputes_held      items the verifier disputed and that were not stored (question_disputes)
--   failed_calls       provider calls that failed, by provider and outcome, e.g. {"runpod timeout": 2}
--
-- Parameters (edit them in the `params` block):
--   since     how far back by finished_at (default 7 days)
--   statuses  final statuses to list (default {partial}; add failed for requests that stored nothing)
--
-- Run: Supabase dashboard > SQL Editor: paste, edit the parameters, Run. psql:
--      psql "$DATABASE_URL" -f sql/queries/analyst/partial_requests.sql
with params as (
    select interval '7 days' as since, array['partial']::text[] as statuses
)
select r.id,
       r.status,
       r.subject,
       r.topic,
       r.difficulty,
       r.question_type,
       r.count,
       r.produced,
       r.count - r.produced as missing,
       r.finished_at,
       r.error,
       j.failed_jobs,
       j.short_jobs,
       j.job_errors,
       coalesce(x.refused, '{}'::jsonb) as refused,
       d.disputes_held,
       coalesce(c.failed_calls, '{}'::jsonb) as failed_calls
  from question_requests r
 cross join params p
 cross join lateral (
       select count(*) filter (where status = 'failed') as failed_jobs,
              count(*) filter (where status = 'done' and produced < slot_count) as short_jobs,
              string_agg(distinct last_error, ' | ') filter (where last_error is not null) as job_errors
         from qgen_jobs
        where request_id = r.id
 ) j
 cross join lateral (
       select jsonb_object_agg(reason, n) as refused
         from (select reason, count(*) as n from question_rejects where request_id = r.id group by reason) s
 ) x
 cross join lateral (
       select count(*) as disputes_held
         from question_disputes
        where request_id = r.id and stored_question_id is null
 ) d
 cross join lateral (
       select jsonb_object_agg(what, n) as failed_calls
         from (select provider || ' ' || outcome as what, count(*) as n
                 from provider_calls
                where request_id = r.id and outcome <> 'ok'
                group by 1) s
 ) c
 where r.status = any(p.statuses)
   and r.finished_at >= now() - p.since
 order by r.finished_at desc, r.id;
