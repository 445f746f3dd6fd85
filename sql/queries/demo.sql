-- What `make demo` (scripts/demo.py) shows after its run. Read-only.

-- name: demo_request --
select * from question_requests where id = $1;

-- name: demo_questions --
select r.subject as req_subject, q.slot, q.question_type, q.provider, q.fallback_reason, q.question_text, q.body
  from questions q join question_requests r on r.id = q.request_id
 where q.request_id = any($1::uuid[]) order by r.created_at, q.slot;

-- name: demo_refusals --
-- What the bank refused for these requests, by reason: how many, and the first one with the stored
-- question it collided with (none for off_topic and batch duplicates of an item not stored).
select x.reason, count(*) over (partition by x.reason)::int as n, x.similarity, x.question_text,
       m.question_text as matched_text, r.subject, r.topic
  from question_rejects x
  join question_requests r on r.id = x.request_id
  left join questions m on m.id = x.matched_question_id
 where x.request_id = any($1::uuid[]) and x.reason <> 'slot_filled'
 order by x.reason, (m.id is null), x.id;

-- name: demo_disputes --
select d.reason, d.question_text, d.subject, d.topic, d.verifier_provider, d.stored_question_id is not null as stored
  from question_disputes d
 where d.request_id = any($1::uuid[])
 order by d.id;

-- name: demo_totals --
select (select count(*) from questions)::int as questions,
       (select count(*) from question_rejects where reason <> 'slot_filled')::int as refused,
       (select count(*) from question_disputes)::int as disputed;

-- name: demo_import_refusals --
-- What the bank refused from an import (provider 'import') since $1, with the stored question it matched.
select x.reason, x.similarity, x.question_text, m.question_text as matched_text
  from question_rejects x
  left join questions m on m.id = x.matched_question_id
 where x.provider = 'import' and x.created_at >= $1
 order by x.id;
