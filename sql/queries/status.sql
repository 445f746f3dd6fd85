-- What `qgen status`, `qgen enqueue --wait` and request-id resolution read (service/status.py,
-- service/watch.py, service/ids.py). Read-only.
--
-- The list filters take the same parameters everywhere: $1 statuses (text[] or null for all), $2 subject
-- prefix (case-insensitive, LIKE wildcards already escaped; null for all), $3 created since (timestamptz
-- or null), and $4 a row limit where there is one.

-- name: request_ids_in_range --
-- Ids between two UUIDs ($1 = prefix padded with 0s, $2 = with fs): every id starting with a prefix,
-- answered by the primary key index. At most $3 of them.
select id from question_requests where id between $1 and $2 order by id limit $3;

-- name: count_request_ids_in_range --
select count(*) from question_requests where id between $1 and $2;

-- name: status_requests --
-- The newest matching requests, each with its jobs counted by status (a JSON object as text).
select r.id, r.created_at, r.updated_at, r.finished_at, r.status, r.subject, r.topic, r.subtopic, r.exam,
       r.difficulty, r.question_type, r.count, r.produced, r.error, r.mode, r.batch_state,
       coalesce((select json_object_agg(s.status, s.n)
                   from (select j.status, count(*)::int as n from qgen_jobs j
                          where j.request_id = r.id group by j.status) s), '{}')::text as jobs
  from question_requests r
 where ($1::text[] is null or r.status = any($1::text[]))
   and ($2::text is null or lower(r.subject) like lower($2::text) || '%')
   and ($3::timestamptz is null or r.created_at >= $3::timestamptz)
 order by r.created_at desc, r.id
 limit $4;

-- name: status_counts --
-- Matching requests by status, and their jobs by status (kind 'request' or 'job'): every matching
-- request, not only the $4 listed (so this one takes $1-$3 only).
with r as (
    select id, status from question_requests r
     where ($1::text[] is null or r.status = any($1::text[]))
       and ($2::text is null or lower(r.subject) like lower($2::text) || '%')
       and ($3::timestamptz is null or r.created_at >= $3::timestamptz)
)
select 'request' as kind, r.status, count(*)::int as n from r group by r.status
union all
select 'job', j.status, count(*)::int from qgen_jobs j join r on r.id = j.request_id group by j.status
order by 1, 2;

-- name: status_jobs --
-- The unfinished and dead-lettered jobs of matching requests: running first, then queued (next due
-- first), then failed. At most $4.
select j.id, j.request_id, j.slot_start, j.slot_count, j.status, j.attempts, j.max_attempts, j.produced,
       coalesce(j.worker, j.locked_by) as worker, j.lease_expires_at, j.run_after, j.last_error, j.started_at,
       j.finished_at
  from qgen_jobs j
  join question_requests r on r.id = j.request_id
 where j.status in ('queued', 'running', 'failed')
   and ($1::text[] is null or r.status = any($1::text[]))
   and ($2::text is null or lower(r.subject) like lower($2::text) || '%')
   and ($3::timestamptz is null or r.created_at >= $3::timestamptz)
 order by case j.status when 'running' then 0 when 'queued' then 1 else 2 end, j.priority desc, j.run_after, j.id
 limit $4;

-- name: request_jobs --
select j.id, j.request_id, j.slot_start, j.slot_count, j.status, j.attempts, j.max_attempts, j.produced,
       coalesce(j.worker, j.locked_by) as worker, j.lease_expires_at, j.run_after, j.last_error, j.started_at,
       j.finished_at
  from qgen_jobs j where j.request_id = $1 order by j.slot_start;

-- name: request_question_rows --
select id, slot, provider, model, fallback_reason, verification, question_text, created_at
  from questions where request_id = $1 order by slot;

-- name: request_summary --
-- What became of one request: questions stored, refused (by question_rejects.reason; slot_filled rows of
-- earlier versions are bookkeeping, left out), disputed (all
-- question_disputes rows; stored_disputed: those kept in the bank, marked), stored through a fallback
-- (by questions.fallback_reason), the questions stored as verified, and the token and cost sums (cached and
-- thinking tokens are parts of the prompt and completion sums). JSON objects as text.
select r.id, r.status, r.count, r.produced, r.error,
       r.prompt_tokens, r.completion_tokens, r.verify_prompt_tokens, r.verify_completion_tokens, r.cost_usd,
       r.cached_tokens, r.thinking_tokens,
       (select count(*) from questions q where q.request_id = r.id)::int as stored,
       (select count(*) from questions q where q.request_id = r.id and q.verification = 'verified')::int as verified,
       (select count(*) from question_disputes d where d.request_id = r.id)::int as disputed,
       (select count(*) from question_disputes d
         where d.request_id = r.id and d.stored_question_id is not null)::int as stored_disputed,
       coalesce((select json_object_agg(s.reason, s.n order by s.reason)
                   from (select x.reason, count(*)::int as n from question_rejects x
                          where x.request_id = r.id and x.reason <> 'slot_filled' group by x.reason) s),
                '{}')::text as refused,
       coalesce((select json_object_agg(s.reason, s.n order by s.reason)
                   from (select q.fallback_reason as reason, count(*)::int as n from questions q
                          where q.request_id = r.id and q.fallback_reason is not null group by q.fallback_reason) s),
                '{}')::text as fallbacks
  from question_requests r
 where r.id = $1;

-- name: request_watch --
-- One look at a request being waited for: its progress and its running jobs (0 and the request still
-- queued after a while: probably no worker is running).
select r.status, r.produced, r.count, r.error,
       (select count(*) from qgen_jobs j where j.request_id = r.id and j.status = 'running')::int as running_jobs
  from question_requests r
 where r.id = $1;

-- name: progress_notify_installed --
-- Whether the trigger that sends progress on 'qgen_requests' exists (migration 20261130000600).
select exists (select 1 from pg_trigger
                where tgname = 'qgen_requests_notify_progress' and tgrelid = 'question_requests'::regclass);

-- name: verifier_windows --
-- Each verifier's last $1 blind-solve verdicts of the past day (stored questions and unstored disputes; the
-- cheap checks are no verifier): how many disputed the key. `qgen status` flags a verifier whose rate is
-- implausible (service/verify.py: implausible).
with verdicts as (
    select verifier_provider || '/' || verifier_model as verifier, verification = 'disputed' as disputed, created_at
      from questions
     where verification_method in ('cross', 'self_consistency') and verification in ('verified', 'disputed')
       and created_at > now() - interval '1 day'
    union all
    select verifier_provider || '/' || verifier_model, true, created_at
      from question_disputes
     where verification_method in ('cross', 'self_consistency') and stored_question_id is null
       and created_at > now() - interval '1 day'
), ranked as (
    select verifier, disputed, row_number() over (partition by verifier order by created_at desc) as n
      from verdicts
)
select verifier, count(*)::int as solved, (count(*) filter (where disputed))::int as disputed
  from ranked
 where n <= $1
 group by verifier
 order by verifier;

-- name: queue_gauges --
-- /metrics at scrape time (service/health.py): jobs queued, and how long the longest-waiting runnable one
-- has waited for a worker, since its run_after (0 when none waits). A job of a cancelled request waits for
-- nobody (the next sweep closes it). qgen_jobs_ready_idx covers exactly the queued rows.
select count(*)::int as queued,
       coalesce(extract(epoch from now() - min(j.run_after) filter (
                    where j.run_after <= now()
                      and not exists (select 1 from question_requests r
                                       where r.id = j.request_id and r.status = 'cancelled'))), 0)::float8
           as oldest_wait_s
  from qgen_jobs j
 where j.status = 'queued';

-- name: status_workers --
-- `qgen status --workers`: every worker row, online ones first, newest beat first (worker_status view,
-- 20261204000200_workers.sql).
select worker, host, pid, version, state, concurrency, jobs_in_flight, jobs_leased, jobs_done, jobs_retried,
       questions_stored, started_at, last_beat_at, extract(epoch from since_last_beat)::float8 as since_last_beat_s,
       stopped_at
  from worker_status
 order by case state when 'online' then 0 when 'lost' then 1 else 2 end, last_beat_at desc
 limit $1;
