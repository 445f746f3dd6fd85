-- Questions per provider and model per day: who wrote the bank, how much of it as a fallback, how much is
-- verified, and what the generation calls behind it cost.
--
-- Answers: one row per day, provider and model, newest day first. questions* come from the bank
-- (questions.created_at); generate_* from provider_calls (purpose generate, failed calls included), so a
-- day with calls but nothing stored shows questions = 0. Verification calls are left out.
--
-- Parameters (edit them in the `params` block):
--   days  how many days back, today included (default 30)
--   tz    the time zone that decides where a day starts (default UTC; e.g. Asia/Kolkata)
--
-- Run: Supabase dashboard > SQL Editor: paste, edit the parameters, Run. psql:
--      psql "$DATABASE_URL" -f sql/queries/analyst/questions_per_provider_day.sql
with params as (
    select 30 as days, 'UTC'::text as tz
), since as (
    select (date_trunc('day', now() at time zone p.tz) - make_interval(days => p.days - 1)) at time zone p.tz as t
      from params p
), stored as (
    select (q.created_at at time zone p.tz)::date as day, q.provider, q.model,
           count(*) as questions,
           count(*) filter (where q.fallback_reason is not null) as fallbacks,
           count(*) filter (where q.verification = 'verified') as verified
      from questions q, params p, since s
     where q.created_at >= s.t
     group by 1, 2, 3
), calls as (
    select (c.created_at at time zone p.tz)::date as day, c.provider, c.model,
           count(*) as generate_calls,
           count(*) filter (where c.outcome <> 'ok') as failed_calls,
           sum(c.prompt_tokens + c.completion_tokens) as generate_tokens,
           sum(c.cost_usd) as generate_cost_usd
      from provider_calls c, params p, since s
     where c.created_at >= s.t and c.purpose = 'generate'
     group by 1, 2, 3
)
select day,
       provider,
       model,
       coalesce(stored.questions, 0) as questions,
       coalesce(stored.fallbacks, 0) as fallbacks,
       coalesce(stored.verified, 0) as verified,
       coalesce(calls.generate_calls, 0) as generate_calls,
       coalesce(calls.failed_calls, 0) as failed_calls,
       coalesce(calls.generate_tokens, 0) as generate_tokens,
       calls.generate_cost_usd
  from stored
  full join calls using (day, provider, model)
 order by day desc, questions desc, provider, model;
