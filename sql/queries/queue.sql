-- Queue operations used by service/queue.py. Every transition that ends a job is guarded by the
-- lease (locked_by), so a worker that lost its lease can never overwrite the new owner's work.

-- name: claim_jobs --
-- Claim up to $1 runnable jobs for worker $2 under a lease of $3 seconds, and mark their requests
-- running, in one statement (one round trip, committed asynchronously: see async_commit). Expired
-- leases are taken over (the previous owner died); jobs of cancelled requests are skipped.
with picked as (
    select j.id
      from qgen_jobs j
     where ((j.status = 'queued' and j.run_after <= now())
            or (j.status = 'running' and j.lease_expires_at < now() and j.attempts < j.max_attempts))
       and not exists (select 1 from question_requests r where r.id = j.request_id and r.status = 'cancelled')
     order by j.priority desc, j.run_after, j.id
     limit $1
       for update of j skip locked
), claimed as (
    update qgen_jobs j
       set status = 'running',
           locked_by = $2,
           worker = $2,
           lease_expires_at = now() + make_interval(secs => $3),
           attempts = j.attempts + 1,
           started_at = coalesce(j.started_at, now()),
           updated_at = now()
      from picked, question_requests r
     where j.id = picked.id and r.id = j.request_id
    returning j.id, j.request_id, j.slot_start, j.slot_count, j.attempts, j.max_attempts,
              r.subject, r.topic, r.subtopic, r.exam, r.difficulty, r.question_type, r.instructions, r.count, r.mode
), running as (
    update question_requests set status = 'running'
     where id in (select request_id from claimed) and status = 'queued'
)
select claimed.* from claimed, (select set_config('synchronous_commit', 'off', true)) as async_commit;

-- name: heartbeat --
-- Extend the lease; returns the request status (so the worker sees cancellation), or no row when
-- the lease was lost.
update qgen_jobs j
   set lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
 where j.id = $1 and j.locked_by = $2 and j.status = 'running'
returning (select r.status from question_requests r where r.id = j.request_id) as request_status;

-- name: lock_own_job --
-- First statement of every write transaction of a job: proves the lease is still ours, and locks the
-- request row too, so that the request's status read here holds until this transaction commits: a
-- cancel that committed first is seen (a locking read takes the newest version), and a cancel that comes
-- later waits for this commit. So nothing is stored for a request after its cancel commits. FOR NO KEY
-- UPDATE, not FOR SHARE: this transaction updates the row itself later (produced, via the questions
-- trigger), and two FOR SHARE holders both upgrading would deadlock (see qgen_settle_request).
select j.id, r.status as request_status
  from qgen_jobs j
  join question_requests r on r.id = j.request_id
 where j.id = $1 and j.locked_by = $2 and j.status = 'running'
   for update of j
   for no key update of r;

-- name: filled_slots --
select slot from questions where request_id = $1 and slot >= $2 and slot < $2 + $3;

-- name: finish_job --
-- Inside the transaction that stores the job's last questions: a durable commit.
select qgen_finish_job($1, $2, $3);

-- name: finish_job_async --
-- A job with nothing left to store: its own (implicit) transaction, committed asynchronously.
select qgen_finish_job($1, $2, $3) from (select set_config('synchronous_commit', 'off', true)) as async_commit;

-- name: async_commit --
-- Queue bookkeeping commits without waiting for the WAL flush: a transition lost in a server crash
-- only means the job is claimed or finished again (leases and unique slots make that safe). Writes
-- to the bank (questions, rejects) always commit durably.
set local synchronous_commit = off;

-- name: retry_job --
-- Back to the queue after $3 seconds, or to the dead-letter state 'failed' after the last attempt.
update qgen_jobs
   set status = case when attempts >= max_attempts then 'failed' else 'queued' end,
       run_after = now() + make_interval(secs => $3),
       finished_at = case when attempts >= max_attempts then now() end,
       locked_by = null, lease_expires_at = null, last_error = $4, updated_at = now(),
       produced = qgen_job_stored(qgen_jobs)
 where id = $1 and locked_by = $2 and status = 'running'
returning request_id, status;

-- name: release_job --
-- Graceful shutdown: give the job back without counting the attempt.
update qgen_jobs
   set status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = null,
       lease_expires_at = null, updated_at = now()
 where id = $1 and locked_by = $2 and status = 'running';

-- name: defer_job --
-- Every provider of the job's route refused the attempt (open circuit breakers): no call went out, so
-- the attempt is not counted. Back to the queue until $3 seconds from now (when a breaker half-opens);
-- last_error keeps the failure that opened the breakers, or $4 when the job has none yet.
update qgen_jobs
   set status = 'queued', attempts = greatest(attempts - 1, 0), run_after = now() + make_interval(secs => $3),
       locked_by = null, lease_expires_at = null, last_error = coalesce(last_error, $4), updated_at = now()
 where id = $1 and locked_by = $2 and status = 'running'
returning request_id, status;

-- name: cancel_job --
-- Only while the request is still cancelled: a request resumed by qgen_requeue keeps its job.
update qgen_jobs j
   set status = 'cancelled', finished_at = now(), locked_by = null, lease_expires_at = null, updated_at = now()
 where j.id = $1 and j.status in ('queued', 'running')
   and exists (select 1 from question_requests r where r.id = j.request_id and r.status = 'cancelled')
returning j.request_id;

-- name: settle_request --
select qgen_settle_request($1);

-- name: sweep --
-- Housekeeping run with every poll: jobs of cancelled requests are closed; jobs whose lease expired
-- on their last attempt become 'failed' (their worker died each time); their requests settle.
with cancelled as (
    update qgen_jobs j
       set status = 'cancelled', finished_at = now(), locked_by = null, lease_expires_at = null, updated_at = now()
      from question_requests r
     where r.id = j.request_id and r.status = 'cancelled' and j.status in ('queued', 'running')
       and (j.status = 'queued' or j.lease_expires_at < now())
    returning j.request_id
), dead as (
    update qgen_jobs j
       set status = 'failed', finished_at = now(), locked_by = null, lease_expires_at = null, updated_at = now(),
           last_error = coalesce(j.last_error || '; ', '') || format('lease expired on attempt %s of %s (worker lost)', j.attempts, j.max_attempts)
     where j.status = 'running' and j.lease_expires_at < now() and j.attempts >= j.max_attempts
    returning j.request_id
)
select distinct request_id from dead;

-- name: next_run_after --
-- When the earliest queued job becomes runnable (to sleep no longer than needed).
select extract(epoch from (min(run_after) - now()))::float8 from qgen_jobs where status = 'queued';

-- name: open_jobs --
select count(*) from qgen_jobs where status in ('queued', 'running');

-- name: worker_beat --
-- A worker's heartbeat, also its registration: alive now, with what it is doing; $11 on a clean exit.
-- An upsert, so a row lost meanwhile (pruned, or the first beat failed) comes back with the next beat.
insert into qgen_workers (id, host, pid, version, concurrency, beat_interval_s,
                          jobs_in_flight, jobs_done, jobs_retried, questions_stored, stopped_at)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, case when $11::boolean then now() end)
on conflict (id) do update
   set last_beat_at = now(), jobs_in_flight = excluded.jobs_in_flight, jobs_done = excluded.jobs_done,
       jobs_retried = excluded.jobs_retried, questions_stored = excluded.questions_stored,
       stopped_at = excluded.stopped_at;

-- name: prune_workers --
-- When a worker starts: rows of workers silent for a week go (their jobs ended or were taken over long ago).
delete from qgen_workers where last_beat_at < now() - interval '7 days';
