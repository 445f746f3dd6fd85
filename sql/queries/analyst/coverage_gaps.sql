-- Coverage gaps: which topics of a syllabus list have fewer questions in the bank than wanted, and which
-- difficulties and question types they lack.
--
-- Answers: one row per listed topic that is short of `target`, the shortest first, with what the bank
-- holds for it by difficulty and type and how many of those are verified. A listed topic the bank has never
-- seen shows 0 everywhere. Subjects and topics match the bank ignoring case and surrounding spaces.
--
-- Parameters (edit them in the two blocks under `with`):
--   target    questions wanted per topic (default 30)
--   syllabus  the (subject, topic) pairs to check: replace the example list with yours
--
-- Run: Supabase dashboard > SQL Editor: paste, edit the parameters, Run (the editor runs as postgres, which
--      sees the whole bank). psql: psql "$DATABASE_URL" -f sql/queries/analyst/coverage_gaps.sql
with params as (
    select 30 as target
), syllabus (subject, topic) as (
    values ('Mathematics', 'Quadratic equations'),
           ('Mathematics', 'Limits'),
           ('Mathematics', 'Definite integrals'),
           ('Physics', 'Geometrical optics'),
           ('Physics', 'Rotational motion'),
           ('Chemistry', 'Mole concept'),
           ('Chemistry', 'Chemical equilibrium'),
           ('Biology', 'Cell cycle')
), have as (
    select s.subject, s.topic,
           count(q.id) as questions,
           count(q.id) filter (where q.difficulty = 'easy') as easy,
           count(q.id) filter (where q.difficulty = 'medium') as medium,
           count(q.id) filter (where q.difficulty = 'hard') as hard,
           count(q.id) filter (where q.question_type = 'mcq') as mcq,
           count(q.id) filter (where q.question_type = 'numeric') as numeric,
           count(q.id) filter (where q.verification = 'verified') as verified
      from syllabus s
      left join questions q
        on lower(btrim(q.subject)) = lower(btrim(s.subject)) and lower(btrim(q.topic)) = lower(btrim(s.topic))
     group by s.subject, s.topic
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
 order by missing desc, h.subject, h.topic;
