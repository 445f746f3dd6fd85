-- Cost per subject and per stored question: what the requests of each subject spent on provider calls
-- (generation and verification, failed calls included) and what one question that reached the bank cost.
--
-- Answers: one row per subject (requests are stored under the catalogue's name: 'Maths' is Mathematics),
-- the most expensive first, then a last row 'all subjects' with the totals. Figures come from the sums the
-- worker keeps on question_requests.
--   cost_usd               estimated from QGEN_PRICES; null when no call of the subject was priced
--   cost_per_question_usd  cost_usd / questions stored, over priced requests only (an unpriced request
--                          would otherwise make questions look cheaper than they were)
--   unpriced_requests      requests that made calls but have no cost (no price configured for them)
-- Rejected requests (never run) are left out.
--
-- Parameters (edit them in the `params` block):
--   since  requests created within this interval (default 30 days)
--
-- Run: Supabase dashboard > SQL Editor: paste, edit the parameters, Run. psql:
--      psql "$DATABASE_URL" -f sql/queries/analyst/cost_per_subject.sql
with params as (
    select interval '30 days' as since
), r as (
    select q.*
      from question_requests q, params p
     where q.created_at >= now() - p.since and q.status <> 'rejected'
)
select case when grouping(r.subject) = 1 then 'all subjects' else r.subject end as subject,
       count(*) as requests,
       sum(r.produced) as questions_stored,
       sum(r.prompt_tokens + r.completion_tokens) as generate_tokens,
       sum(r.verify_prompt_tokens + r.verify_completion_tokens) as verify_tokens,
       sum(r.cost_usd) as cost_usd,
       round(sum(r.cost_usd) / nullif(sum(r.produced) filter (where r.cost_usd is not null), 0), 6)
           as cost_per_question_usd,
       count(*) filter (where r.cost_usd is null
                          and r.prompt_tokens + r.completion_tokens + r.verify_prompt_tokens
                              + r.verify_completion_tokens > 0) as unpriced_requests
  from r
 group by rollup (r.subject)
 order by grouping(r.subject), sum(r.cost_usd) desc nulls last, r.subject;
