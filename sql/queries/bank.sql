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
-- Where pgvector >= 0.8, also turn on its iterative index scan for this transaction: a probe whose
-- scope filter rejects the ef_search nearest rows (closer rows of other scopes) then keeps walking
-- the graph for rows of its scope instead of returning none. Older versions do not know the setting
-- (setting it would fail), so it is set only when the installed version has it.
-- small_scopes: the keys of $1 with at most 5 000 rows, which the caller searches exactly as well
-- (near_exact). The count is from before the lock was granted; it only chooses the search method.
select (select count(*) from (select pg_advisory_xact_lock(1903520110, hashtext(k))
                                from unnest($1::text[]) as k) l) as locked,
       set_config('hnsw.ef_search', $2::text, true) as ef_search,
       current_setting('transaction_isolation') as isolation,
       v.extversion as vector_version,
       case when v.iterative then set_config('hnsw.iterative_scan', 'relaxed_order', true) end as iterative_scan,
       array(select k from unnest($1::text[]) as k
              where (select count(*) from (select 1 from questions q where q.scope_key = k limit 5001) s) <= 5000
       ) as small_scopes
  from (select 1) one
  left join lateral (select e.extversion,
                            (regexp_match(e.extversion, '^(\d+)\.(\d+)'))::int[] >= '{0,8}' as iterative
                       from pg_extension e where e.extname = 'vector') v on true;

-- name: dedupe_check --
-- One probe for a whole batch. Candidate i (1-based, from unnest ... with ordinality) has scope
-- key $1[i], hash $2[i], embedding $3[i] (vector literals as text: asyncpg cannot encode an array of
-- pgvector values) and number-masked key $7[i]; $8 lists the scopes the caller searches exactly
-- (near_exact), which skip the index scan. Returns, for each, the bank rows in its scope
-- with the same hash (kind 'exact'), up to $6 with the same masked key (kind 'variant', any
-- similarity), and up to $6 with cosine similarity >= $5 (kind 'near'), each with its own original
-- (variant_of) and the number of variants that original (or the row itself, for an original) has;
-- near rows only for scopes not in $8.
-- The near subquery is `where scope_key = .. order by embedding <=> v limit $4` so that the HNSW
-- index answers it with the scope filter inside the scan: with hnsw.iterative_scan on (lock_scopes,
-- pgvector >= 0.8) the scan goes on past the ef_search nearest rows until it has $4 rows of the
-- scope, so closer rows of other scopes cannot crowd out an in-scope duplicate. Without it (pgvector
-- < 0.8), the scope is filtered among the ef_search nearest rows only. Small scopes are searched
-- exactly as well (near_exact).
with c as (
    select *
      from unnest($1::text[], $2::text[], $3::text[]::vector[], $7::text[])
           with ordinality as c(scope_key, text_hash, v, variant_key, ord)
),
hnsw as (
    select * from c where not (c.scope_key = any($8::text[]))
),
m as (
    select c.ord, 'exact' as kind, q.id, 1.0::float8 as similarity, q.question_text, q.body, q.variant_of
      from c
      join questions q on q.scope_key = c.scope_key and q.text_hash = c.text_hash
    union all
    select c.ord, 'variant', f.id, f.similarity, f.question_text, f.body, f.variant_of
      from c
     cross join lateral (
           select q.id, (1 - (q.embedding <=> c.v))::float8 as similarity, q.question_text, q.body, q.variant_of
             from questions q
            where q.scope_key = c.scope_key and q.variant_key = c.variant_key
            order by q.created_at
            limit $6
     ) f
    union all
    select h.ord, 'near', n.id, n.similarity, n.question_text, n.body, n.variant_of
      from hnsw h
     cross join lateral (
           select k.id, (1 - k.distance)::float8 as similarity, k.question_text, k.body, k.variant_of
             from (select q.id, q.question_text, q.body, q.variant_of, q.embedding <=> h.v as distance
                     from questions q
                    where q.scope_key = h.scope_key
                    order by q.embedding <=> h.v
                    limit $4) k
            where 1 - k.distance >= $5
            order by k.distance
            limit $6
     ) n
)
select m.ord::int as ord, m.kind, m.id, m.similarity, m.question_text, m.body::text as body, m.variant_of,
       (select count(*) from questions v where v.variant_of = coalesce(m.variant_of, m.id))::int as root_variants
  from m;

-- name: near_exact --
-- The near part of dedupe_check by exact search, for candidates in small scopes: HNSW is approximate,
-- and a small scope's rows are few among the nearest rows of a big bank, so an index scan, even an
-- iterative one, may give up before it reaches them. Candidate i (scope $1[i], embedding $2[i]) gets
-- up to $4 rows of its scope with cosine similarity >= $3, found by reading the scope through its
-- btree index and sorting; the `+ 0` keeps the HNSW index out of it.
with c as (
    select * from unnest($1::text[], $2::text[]::vector[]) with ordinality as c(scope_key, v, ord)
)
select c.ord::int as ord, 'near' as kind, n.id, n.similarity, n.question_text, n.body::text as body, n.variant_of,
       (select count(*) from questions v where v.variant_of = coalesce(n.variant_of, n.id))::int as root_variants
  from c
 cross join lateral (
       select q.id, (1 - (q.embedding <=> c.v))::float8 as similarity, q.question_text, q.body, q.variant_of
         from questions q
        where q.scope_key = c.scope_key and 1 - (q.embedding <=> c.v) >= $3
        order by (q.embedding <=> c.v) + 0
        limit $4
 ) n;

-- name: insert_questions --
-- Multi-row insert of the accepted candidates (parallel arrays), with the answer-key gate's verdict. A
-- slot already filled (a job that ran twice) is skipped rather than failing the batch; returned rows say
-- which went in.
insert into questions (request_id, job_id, slot, subject, topic, subtopic, exam, difficulty, question_type,
                       question_text, body, text_hash, scope_key, embedding, provider, model, fallback_reason,
                       variant_key, variant_of, verification, verifier_provider, verifier_model, verifier_answer,
                       verification_method)
select request_id, job_id, slot, subject, topic, subtopic, exam, difficulty, question_type,
       question_text, body::jsonb, text_hash, scope_key, embedding, provider, model, fallback_reason,
       variant_key, variant_of, verification, verifier_provider, verifier_model, verifier_answer::jsonb,
       verification_method
  from unnest($1::uuid[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[]::vector[], $15::text[],
              $16::text[], $17::text[], $18::text[], $19::uuid[], $20::text[], $21::text[], $22::text[],
              $23::text[], $24::text[])
       as t(request_id, job_id, slot, subject, topic, subtopic, exam, difficulty, question_type,
            question_text, body, text_hash, scope_key, embedding, provider, model, fallback_reason,
            variant_key, variant_of, verification, verifier_provider, verifier_model, verifier_answer,
            verification_method)
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

-- name: exact_in_scope --
-- The bank's questions in scope $1 whose text_hash is one of $2 (questions_scope_hash_key): exact copies,
-- refused before anything is spent on them (embedding included).
select text_hash, id from questions where scope_key = $1 and text_hash = any($2::text[]);
