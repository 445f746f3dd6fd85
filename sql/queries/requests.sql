-- Request-level reads and writes: `qgen enqueue`, `qgen status`, `qgen requeue`, `qgen cancel`, scripts/demo.py.

-- name: insert_request --
-- Exactly what the web app does: a plain INSERT; the triggers validate, split and notify.
insert into question_requests (subject, topic, subtopic, exam, difficulty, question_type, count, instructions, priority,
                               mode)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
returning id, status, error;

-- name: request_detail --
select * from question_requests where id = $1;

-- name: request_events --
select at, old_status, new_status, produced, detail from request_events where request_id = $1 order by id;

-- name: requeue --
select qgen_requeue($1);

-- name: cancel_request --
update question_requests set status = 'cancelled' where id = $1 and status in ('queued', 'running')
returning id;
