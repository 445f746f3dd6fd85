-- The question bank: dedupe check and writes used by service/bank.py, dimension check by
-- service/embedding.py. Every statement of one store() runs in the caller's transaction.

-- name: embedding_dimension --
-- pgvector keeps a column's dimension in its type modifier.
select a.atttypmod
  from pg_attribute a
 where a.attrelid = 'questions'::regclass and a.attname = 'embedding' and not a.attisdropped;

-- name: lock_scopes --
-- Serialise check + insert per scope key until commit ($1 sorted, so two batches never deadlock),
-- set how many HNSW candidates a dedupe probe examines, and report the isolation level: the check
-- must see rows committed while we waited for the lock, which only READ COMMITTED guarantees.
select (select count(*) from (select pg_advisory_xact_lock(1903520110, hashtext(k))
                                from unnest($1::text[]) as k) l) as locked,
       set_config('hnsw.ef_search', $2::text, true) as ef_search,
       current_setting('transaction_isolation') as isolation;

-- name: dedupe_check --
-- One probe for a whole batch. Candidate i (1-based, from unnest ... with ordinality) has scope
-- key $1[i], hash $2[i] and embedding $3[i] (vector literals as text: asyncpg cannot encode an
-- array of pgvector values). Returns the bank rows in that scope with the same hash
-- (kind 'exact') and up to $6 rows with cosine similarity >= $5 (kind 'near'). The inner subquery
-- is a bare `order by embedding <=> v limit $4` so that it is answered by the HNSW index; the scope
-- and similarity filters are applied to those $4 nearest rows (= hnsw.ef_search) outside it.
with c as (
    select * from unnest($1::text[], $2::text[], $3::text[]::vector[]) with ordinality as c(scope_key, text_hash, v, ord)
)
select c.ord::int as ord, 'exact' as kind, q.id, 1.0::float8 as similarity, q.question_text, q.body::text as body
  from c
  join questions q on q.scope_key = c.scope_key and q.text_hash = c.text_hash
union all
select c.ord::int, 'near', m.id, m.similarity, m.question_text, m.body
  from c
 cross join lateral (
       select n.id, (1 - n.distance)::float8 as similarity, n.question_text, n.body::text as body
         from (select q.id, q.scope_key, q.question_text, q.body, q.embedding <=> c.v as distance
                 from questions q
                order by q.embedding <=> c.v
                limit $4) n
        where n.scope_key = c.scope_key and 1 - n.distance >= $5
        order by n.distance
        limit $6
 ) m;

-- name: insert_questions --
-- Multi-row insert of the accepted candidates (parallel arrays). A slot already filled (a job that
-- ran twice) is skipped rather than failing the batch; returned rows say which went in.
insert into questions (request_id, job_id, slot, subject, topic, subtopic, exam, difficulty, question_type,
                       question_text, body, text_hash, scope_key, embedding, provider, model, fallback_reason)
select request_id, job_id, slot, subject, topic, subtopic, exam, difficulty, question_type,
       question_text, body::jsonb, text_hash, scope_key, embedding, provider, model, fallback_reason
  from unnest($1::uuid[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[]::vector[], $15::text[],
              $16::text[], $17::text[])
       as t(request_id, job_id, slot, subject, topic, subtopic, exam, difficulty, question_type,
            question_text, body, text_hash, scope_key, embedding, provider, model, fallback_reason)
on conflict do nothing
returning id, scope_key, text_hash;

-- name: insert_rejects --
insert into question_rejects (request_id, job_id, scope_key, question_text, body, matched_question_id,
                              similarity, reason, provider)
select request_id, job_id, scope_key, question_text, body::jsonb, matched_question_id, similarity, reason, provider
  from unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::real[], $8::text[],
              $9::text[])
       as t(request_id, job_id, scope_key, question_text, body, matched_question_id, similarity, reason, provider);

-- name: avoid_list --
-- Recent questions in the scope, the request's own topic first: the prompt's "do not repeat" list.
select question_text
  from questions
 where scope_key = $1
 order by (lower(topic) = lower($2)) desc, created_at desc
 limit $3;
