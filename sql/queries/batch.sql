-- Batch mode (service/batch.py): the batches a job submitted to the Gemini Batch API, so that whoever holds
-- the job polls the open one instead of paying for another.

-- name: batch_open --
-- The job's open batch of purpose $2 (at most one of either purpose: qgen_batches_open_job_key), or no row.
select name, provider, model, calls, held, state, polls, created_at,
       extract(epoch from now() - created_at)::float8 as age_s
  from qgen_batches where job_id = $1 and consumed_at is null and purpose = $2;

-- name: batch_count --
-- Batches of purpose $2 the job has submitted so far (each one a round paid at the batch rate).
select count(*)::int from qgen_batches where job_id = $1 and purpose = $2;

-- name: batch_insert --
-- Record a submitted batch, only while worker $3 still holds job $2: no row when the lease was lost
-- (the caller then cancels the batch it just submitted).
insert into qgen_batches (name, request_id, job_id, provider, model, calls, state)
select $1, j.request_id, j.id, $4, $5, $6::jsonb, $7
  from qgen_jobs j
 where j.id = $2 and j.locked_by = $3 and j.status = 'running'
returning id;

-- name: verify_batch_insert --
-- Record a submitted verify batch ($6: the calls, $8: the candidates waiting for it), only while worker $3
-- still holds job $2 (no row otherwise). The caller first closes the job's generate batch whose items these
-- are (batch_read_into_verify), in the same transaction: a job has one open batch at a time. A transaction
-- retried after a commit it did not hear about finds its own row (the name is unique) and returns it.
insert into qgen_batches (name, request_id, job_id, provider, model, calls, state, purpose, held)
select $1, j.request_id, j.id, $4, $5, $6::jsonb, $7, 'verify', $8::jsonb
  from qgen_jobs j
 where j.id = $2 and j.locked_by = $3 and j.status = 'running'
on conflict (name) do update set updated_at = now()
returning id;

-- name: batch_note --
-- What became of verify batch $1 (a note, and the state $3 when given) while it stays open: its items are
-- solved online and it closes with the round that stores them (batch_consume_stored).
update qgen_batches
   set note = $2, state = coalesce($3, state), updated_at = now(), finished_at = coalesce(finished_at, now())
 where name = $1 and consumed_at is null;

-- name: batch_read_into_verify --
-- Job $1's batch read this round (its succeeded generate batch, or the verify batch it resumed) is closed: what
-- it left now waits for verify batch $2, recorded next in the same transaction (and never closed here, should
-- the transaction run again).
update qgen_batches
   set consumed_at = now(), updated_at = now(), note = coalesce(note, 'read; what it left waits for blind solves')
 where job_id = $1 and consumed_at is null and (state = 'JOB_STATE_SUCCEEDED' or purpose = 'verify') and name <> $2;

-- name: batch_poll --
-- The state a poll read ($2), counted; finished_at once it is terminal.
update qgen_batches
   set state = $2, polls = polls + 1, updated_at = now(),
       finished_at = case when $2 in ('JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED',
                                      'JOB_STATE_EXPIRED') then coalesce(finished_at, now()) end
 where name = $1;

-- name: batch_consume --
-- The job is done with batch $1 (nothing to read, or read and fallen back): closed, with what happened.
update qgen_batches
   set consumed_at = now(), updated_at = now(), note = coalesce($2, note),
       state = coalesce($3, state), finished_at = coalesce(finished_at, now())
 where name = $1 and consumed_at is null;

-- name: batch_consume_stored --
-- Inside the transaction that stores a round of job $1: its succeeded generate batch was read into that
-- round, or its verify batch was (read, or given up on and its items solved online). Not called by the
-- round that submits a verify batch.
update qgen_batches
   set consumed_at = now(), updated_at = now(), note = coalesce(note, 'read into a stored round')
 where job_id = $1 and consumed_at is null and (state = 'JOB_STATE_SUCCEEDED' or purpose = 'verify');

-- name: batch_request_state --
-- The request's batch_state from its batches: running while any runs, pending while any waits, else the
-- state of the batch that ended last (lower case, without JOB_STATE_).
update question_requests r
   set batch_state = s.state
  from (select case when bool_or(b.state = 'JOB_STATE_RUNNING') then 'running'
                    when bool_or(b.state = 'JOB_STATE_PENDING') then 'pending'
                    else lower(replace((array_agg(b.state order by b.updated_at desc, b.id desc))[1], 'JOB_STATE_', ''))
               end as state
          from qgen_batches b where b.request_id = $1) s
 where r.id = $1 and r.batch_state is distinct from s.state;

-- name: batch_abandoned --
-- Open batches still pending or running that nobody will read: their request was cancelled, or their job
-- ended (dead-lettered, cancelled, done). Two workers may both try one: a cancel is idempotent enough (the
-- second is refused, the batch having ended) and the row is closed once.
select b.name, b.provider, b.request_id, r.status as request_status, j.status as job_status
  from qgen_batches b
  join qgen_jobs j on j.id = b.job_id
  join question_requests r on r.id = b.request_id
 where b.consumed_at is null and b.state in ('JOB_STATE_PENDING', 'JOB_STATE_RUNNING')
   and (r.status = 'cancelled' or j.status in ('failed', 'cancelled', 'done'))
 order by b.id
 limit 20;

-- name: request_batches --
-- One request's batches for `qgen status <request>`.
select name, job_id, purpose, model, state, jsonb_array_length(calls) as calls, polls, note, created_at, finished_at,
       consumed_at
  from qgen_batches where request_id = $1 order by id;

-- name: batch_mode_recent --
-- Whether any batch-mode job is queued or running, or ended within the last $1 seconds: only then can a batch
-- of qgen's still be pending or running upstream (service/batch_orphans.py; a waiting batch expires at 48 hours).
select exists (
    select 1
      from qgen_jobs j
      join question_requests r on r.id = j.request_id
     where r.mode = 'batch'
       and (j.status in ('queued', 'running') or j.updated_at > now() - make_interval(secs => $1::float8)));

-- name: batch_recorded --
-- Which of the batch names $1 have a row (their worker recorded them); the others are orphans.
select name from qgen_batches where name = any($1::text[]);
