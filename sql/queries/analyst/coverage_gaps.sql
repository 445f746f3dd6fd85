-- Coverage gaps: which chapters of the subject catalogue (qgen_topics, seeded from the JEE Main and NEET-UG
-- syllabi) have fewer questions in the bank than wanted, and which difficulties and question types they lack.
--
-- Answers: one row per catalogue chapter that is short of `target`, the shortest first, then in syllabus
-- order, with what the bank holds for it by difficulty and type and how many of those are verified. A
-- chapter the bank has never seen shows 0 everywhere. Each bank question counts once, under one chapter of
-- its subject: the chapter its topic names (case and surrounding spaces ignored); else the first chapter,
-- in syllabus order, whose name or description contains its topic ('Definite integrals' is in Integral
-- Calculus) or whose name its topic contains ('Geometrical optics' is under Optics). Questions whose topic
-- matches no chapter are not counted here (coverage by topic as written: qgen report, or bank_coverage).
--
-- Parameters (edit them in the `params` block):
--   target    questions wanted per chapter (default 30)
--   subject   only this subject, by its catalogue name or an alias ('Maths'); null for all (default null)
--
-- Run: Supabase dashboard > SQL Editor: paste, edit the parameters, Run (the editor runs as postgres, which
--      sees the whole bank). psql: psql "$DATABASE_URL" -f sql/queries/analyst/coverage_gaps.sql
with params as (
    select 30 as target, null::text as subject
), chapters as (
    select t.subject, t.topic, t.position, lower(t.topic) as name, lower(t.topic || '. ' || t.description) as text
      from qgen_topics t, params p
     where p.subject is null or t.subject = coalesce(qgen_canonical_subject(p.subject), p.subject)
), placed as (
    select distinct on (q.id) q.id, c.subject, c.topic, q.difficulty, q.question_type, q.verification
      from questions q
      join chapters c
        on c.subject = q.subject
       and (c.name = lower(btrim(q.topic))
            or strpos(c.text, lower(btrim(q.topic))) > 0
            or strpos(lower(q.topic), c.name) > 0)
     order by q.id, (c.name = lower(btrim(q.topic))) desc, c.position
), have as (
    select c.subject, c.topic, c.position,
           count(q.id) as questions,
           count(q.id) filter (where q.difficulty = 'easy') as easy,
           count(q.id) filter (where q.difficulty = 'medium') as medium,
           count(q.id) filter (where q.difficulty = 'hard') as hard,
           count(q.id) filter (where q.question_type = 'mcq') as mcq,
           count(q.id) filter (where q.question_type = 'numeric') as numeric,
           count(q.id) filter (where q.verification = 'verified') as verified
      from chapters c
      left join placed q on q.subject = c.subject and q.topic = c.topic
     group by c.subject, c.topic, c.position
)
select h.subject,
       h.topic,
       h.questions,
       p.target - h.questions as missing,
       h.easy,
       h.medium,
       h.hard,
       h.mcq,
       h.numeric,
       h.verified,
       array_remove(array[case when h.easy = 0 then 'easy' end,
                          case when h.medium = 0 then 'medium' end,
                          case when h.hard = 0 then 'hard' end,
                          case when h.mcq = 0 then 'mcq' end,
                          case when h.numeric = 0 then 'numeric' end], null) as none_of
  from have h
 cross join params p
 where h.questions < p.target
 order by missing desc, h.subject, h.position;
