-- Near-duplicate pairs for an audit: questions in the bank whose embeddings are at least `threshold`
-- similar (cosine) to another question of the same dedupe scope (questions.scope_key).
--
-- Answers: the most similar pairs first, each pair once, with both texts side by side. The worker refuses
-- a candidate at or above QGEN_DEDUP_THRESHOLD (default 0.80) only when it is also the same question
-- (docs/dedupe.md), so pairs above the threshold are expected: this list is for a person to judge them.
--
-- Parameters (edit them in the `params` block):
--   threshold   cosine similarity at or above which a pair is listed (default 0.90)
--   subject     only this subject, by its catalogue name or an alias ('Maths'), ignoring case; null for every
--               subject (default null)
--   neighbours  nearest questions examined per question, through the HNSW index (default 10, at most
--               hnsw.ef_search, 40 unless set)
--   max_pairs   how many pairs to list (default 100)
-- Cost: one index probe per question of the subject; on a large bank pick a subject.
--
-- Run: Supabase dashboard > SQL Editor: paste, edit the parameters, Run. psql:
--      psql "$DATABASE_URL" -f sql/queries/analyst/near_duplicate_pairs.sql
with params as (
    select 0.90::float8 as threshold,
           null::text as subject,
           10 as neighbours,
           100 as max_pairs
), near as (
    select least(a.id, n.id) as id_a,
           greatest(a.id, n.id) as id_b,
           n.similarity
      from params p
      join questions a on p.subject is null
                      or lower(a.subject) = lower(coalesce(qgen_canonical_subject(p.subject), p.subject))
     cross join lateral (
           -- a bare nearest-neighbour probe, so that the HNSW index answers it; filters come after
           select b.id, b.scope_key, 1 - (b.embedding <=> a.embedding) as similarity
             from questions b
            where b.id <> a.id
            order by b.embedding <=> a.embedding
            limit (select neighbours from params)
     ) n
     where n.scope_key = a.scope_key and n.similarity >= p.threshold
), pairs as (
    select id_a, id_b, max(similarity) as similarity from near group by id_a, id_b
)
select round(p.similarity::numeric, 4) as similarity,
       a.subject,
       a.scope_key,
       a.topic as topic_a,
       b.topic as topic_b,
       left(a.question_text, 200) as question_a,
       left(b.question_text, 200) as question_b,
       a.id as id_a,
       b.id as id_b,
       a.provider || ' / ' || a.model as made_by_a,
       b.provider || ' / ' || b.model as made_by_b,
       a.created_at as created_a,
       b.created_at as created_b
  from pairs p
  join questions a on a.id = p.id_a
  join questions b on b.id = p.id_b
 order by p.similarity desc, a.id, b.id
 limit (select max_pairs from params);
