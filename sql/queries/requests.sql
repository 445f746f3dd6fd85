-- Request-level reads and writes used by the CLI (`qgen enqueue`, `qgen status`, `qgen requeue`).

-- name: insert_request --
-- Exactly what the web app does: a plain INSERT; the triggers validate, split and notify.
insert into question_requests (subject, topic, subtopic, exam, difficulty, question_type, count, instructions, priority)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
returning id, status, error;

-- name: request_progress --
select id, status, produced, count, error from question_requests where id = $1;

-- name: recent_requests --
select id, created_at, subject, topic, difficulty, question_type, count, produced, status, error
  from question_requests order by created_at desc limit $1;

-- name: request_counts --
select status, count(*) as n from question_requests group by status order by status;

-- name: job_counts --
select status, count(*) as n from qgen_jobs group by status order by status;

-- name: request_detail --
select * from question_requests where id = $1;

-- name: request_events --
select at, old_status, new_status, produced, detail from request_events where request_id = $1 order by id;

-- name: request_questions --
select slot, provider, model, fallback_reason, question_text from questions where request_id = $1 order by slot;

-- name: requeue --
select qgen_requeue($1);

-- name: cancel_request --
update question_requests set status = 'cancelled' where id = $1 and status in ('queued', 'running')
returning id;
