-- qgen dashboard: Realtime for the web app, views the Supabase table editor shows as they are, and a
-- comment on every table and view so the dashboard documents itself.
-- Idempotent; plain PostgreSQL 15-18 and Supabase 17 (security_invoker views need PostgreSQL >= 15).
--
-- Who sees what (docs/supabase.md has the table):
--   request_progress  web-app users: their own requests, operator-only figures null; operators: everything.
--   bank_coverage     web-app users: what the questions policy lets them read (the bank, while bank_readable).
--   provider_stats    operators only (provider_calls is operator-only).
-- Every view is security_invoker: the reader's own privileges and RLS apply to the tables under it.

------------------------------------------------------------------------------------------------
-- Realtime: supabase-js subscribes to postgres_changes of the tables in the supabase_realtime
-- publication. Supabase creates the publication (empty); plain PostgreSQL has none, so it is created
-- here when missing. Supabase Realtime decodes whole rows (wal2json, tables listed from
-- pg_publication_tables) and then, per subscriber, checks the row with the subscriber's role and JWT
-- (RLS) and drops the columns that role may not select; so users get events for their own requests
-- only, and for the bank while bank_readable is on.
------------------------------------------------------------------------------------------------
do $$
declare
    t text;
begin
    if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
        create publication supabase_realtime;
    end if;
    -- A FOR ALL TABLES publication (some self-hosted stacks) already carries ours and refuses ADD TABLE.
    if (select puballtables from pg_publication where pubname = 'supabase_realtime') then
        return;
    end if;
    foreach t in array array['question_requests', 'questions'] loop
        if not exists (select 1 from pg_publication_tables
                        where pubname = 'supabase_realtime' and schemaname = current_schema() and tablename = t) then
            execute format('alter publication supabase_realtime add table %I', t);
        end if;
    end loop;
end
$$;

------------------------------------------------------------------------------------------------
-- request_progress: one row per request.
------------------------------------------------------------------------------------------------

-- The figures of one request that come from operator-only tables. SECURITY INVOKER like the view
-- that calls it: the reader's grants and RLS decide. A web-app user has no privilege on qgen_jobs,
-- question_rejects or question_disputes, and naming such a table in a statement fails the whole
-- statement before it runs; so each figure is read in its own statement, only when the reader may
-- read its table, and stays null otherwise (null: not known to this reader, which 0 would misstate).
create or replace function qgen_request_ops(
    p_request uuid,
    out jobs_queued integer, out jobs_running integer, out jobs_done integer, out jobs_failed integer,
    out last_job_error text, out duplicates_refused integer, out disputed integer)
language plpgsql stable set search_path = public, pg_temp as $$
begin
    if has_table_privilege('qgen_jobs', 'select') then
        select count(*) filter (where j.status = 'queued'),
               count(*) filter (where j.status = 'running'),
               count(*) filter (where j.status = 'done'),
               count(*) filter (where j.status = 'failed'),
               (array_agg(j.last_error order by j.updated_at desc, j.id desc)
                    filter (where j.last_error is not null))[1]
          into jobs_queued, jobs_running, jobs_done, jobs_failed, last_job_error
          from qgen_jobs j
         where j.request_id = p_request;
    end if;
    if has_table_privilege('question_rejects', 'select') then
        -- Not slot_filled (20261130000300_variants.sql): a re-run job's slot already stored is no duplicate.
        select count(*) into duplicates_refused
          from question_rejects x
         where x.request_id = p_request
           and x.reason in ('exact_duplicate', 'near_duplicate', 'batch_duplicate', 'variant');
    end if;
    if has_table_privilege('question_disputes', 'select') and has_table_privilege('questions', 'select') then
        -- Each disputed item once: held for review (no stored copy) or stored and marked disputed.
        select (select count(*) from question_disputes d
                 where d.request_id = p_request and d.stored_question_id is null)
             + (select count(*) from questions q
                 where q.request_id = p_request and q.verification = 'disputed')
          into disputed;
    end if;
end
$$;

create or replace view request_progress with (security_invoker = true) as
select r.id as request_id,
       r.requested_by,
       r.subject,
       r.topic,
       r.difficulty,
       r.question_type,
       r.status,
       r.count,
       r.produced,
       round(100.0 * r.produced / nullif(r.count, 0), 1) as percent_done,
       o.jobs_queued,
       o.jobs_running,
       o.jobs_done,
       o.jobs_failed,
       o.duplicates_refused,
       o.disputed,
       b.fallbacks,
       coalesce(r.error, o.last_job_error) as last_error,
       date_trunc('second', now() - r.created_at) as age,
       r.created_at,
       r.finished_at,
       r.prompt_tokens + r.completion_tokens as generate_tokens,
       r.verify_prompt_tokens + r.verify_completion_tokens as verify_tokens,
       r.cost_usd
  from question_requests r
 cross join lateral qgen_request_ops(r.id) o
 cross join lateral (select count(*) filter (where q.fallback_reason is not null) as fallbacks
                       from questions q where q.request_id = r.id) b;

------------------------------------------------------------------------------------------------
-- provider_stats: the last provider_stats_window of provider calls (default 24 hours).
------------------------------------------------------------------------------------------------
insert into qgen_settings (key, value, description) values
    ('provider_stats_window', '24 hours',
     'how far back the provider_stats view looks (a PostgreSQL interval: 1 hour, 7 days)')
on conflict (key) do nothing;

create or replace view provider_stats with (security_invoker = true) as
with win as (
    select now() - coalesce((select value::interval from qgen_settings where key = 'provider_stats_window'),
                            interval '24 hours') as since
), calls as (
    select c.provider, c.model, c.purpose,
           count(*) as calls,
           count(*) filter (where c.outcome <> 'ok') as failed_calls,
           percentile_cont(0.5) within group (order by c.latency_ms) as p50_latency_ms,
           percentile_cont(0.95) within group (order by c.latency_ms) as p95_latency_ms,
           sum(c.prompt_tokens) as prompt_tokens,
           sum(c.completion_tokens) as completion_tokens,
           sum(c.cost_usd) as cost_usd
      from provider_calls c, win
     where c.created_at >= win.since
     group by c.provider, c.model, c.purpose
), kinds as (
    select k.provider, k.model, k.purpose,
           jsonb_object_agg(k.outcome, k.n) as failures_by_kind,
           jsonb_object_agg(k.outcome, round(k.n::numeric / k.total, 4)) as failure_rate_by_kind
      from (select c.provider, c.model, c.purpose, c.outcome, count(*) as n,
                   sum(count(*)) over (partition by c.provider, c.model, c.purpose) as total
              from provider_calls c, win
             where c.created_at >= win.since
             group by c.provider, c.model, c.purpose, c.outcome) k
     where k.outcome <> 'ok'
     group by k.provider, k.model, k.purpose
), stored as (
    select q.provider, q.model, 'generate'::text as purpose,
           count(*) as questions_stored,
           count(*) filter (where q.fallback_reason is not null) as fallback_questions
      from questions q, win
     where q.created_at >= win.since
     group by q.provider, q.model
), reasons as (
    select f.provider, f.model, 'generate'::text as purpose, jsonb_object_agg(f.fallback_reason, f.n) as fallback_reasons
      from (select q.provider, q.model, q.fallback_reason, count(*) as n
              from questions q, win
             where q.created_at >= win.since and q.fallback_reason is not null
             group by q.provider, q.model, q.fallback_reason) f
     group by f.provider, f.model
)
select provider,
       model,
       purpose,
       (select since from win) as window_start,
       coalesce(calls.calls, 0) as calls,
       coalesce(calls.failed_calls, 0) as failed_calls,
       round(calls.failed_calls::numeric / nullif(calls.calls, 0), 4) as failure_rate,
       coalesce(kinds.failures_by_kind, '{}'::jsonb) as failures_by_kind,
       coalesce(kinds.failure_rate_by_kind, '{}'::jsonb) as failure_rate_by_kind,
       calls.p50_latency_ms,
       calls.p95_latency_ms,
       coalesce(calls.prompt_tokens, 0) as prompt_tokens,
       coalesce(calls.completion_tokens, 0) as completion_tokens,
       calls.cost_usd,
       stored.questions_stored,
       stored.fallback_questions,
       reasons.fallback_reasons
  from calls
  full join stored using (provider, model, purpose)
  left join kinds using (provider, model, purpose)
  left join reasons using (provider, model, purpose);

------------------------------------------------------------------------------------------------
-- bank_coverage: the bank by subject x topic x difficulty x type.
------------------------------------------------------------------------------------------------
create or replace view bank_coverage with (security_invoker = true) as
select q.subject,
       q.topic,
       q.difficulty,
       q.question_type,
       count(*) as questions,
       count(*) filter (where q.verification = 'verified') as verified,
       round(count(*) filter (where q.verification = 'verified')::numeric / count(*), 3) as verified_share,
       count(*) filter (where q.verification = 'disputed') as disputed,
       count(*) filter (where q.fallback_reason is not null) as fallbacks,
       max(q.created_at) as last_added
  from questions q
 group by q.subject, q.topic, q.difficulty, q.question_type;

------------------------------------------------------------------------------------------------
-- Grants. Supabase's default privileges hand every new view and function in public to anon and
-- authenticated, so everything is revoked first and granted back deliberately.
------------------------------------------------------------------------------------------------
revoke all on table request_progress, provider_stats, bank_coverage from public, anon, authenticated;
grant select on table request_progress, provider_stats, bank_coverage to service_role;
grant select on table request_progress, bank_coverage to authenticated;

-- Called by request_progress as the reader, so users need it; it returns nothing they could not read
-- themselves (PostgREST exposes it as /rpc/qgen_request_ops).
revoke all on function qgen_request_ops(uuid) from public, anon, authenticated;
grant execute on function qgen_request_ops(uuid) to authenticated, service_role;

------------------------------------------------------------------------------------------------
-- Comments: the table editor shows them under each table, view and column.
------------------------------------------------------------------------------------------------
comment on view request_progress is
    'One row per request: progress, jobs, refusals, disputes, fallbacks, last error, tokens and cost. '
    'A web-app user sees only their own requests, and null (not known to them) in the figures that come '
    'from operator-only tables: jobs_*, duplicates_refused, disputed and a running job''s error in last_error. '
    'Operators (table owner, service_role) see every figure.';
comment on column request_progress.percent_done is 'produced / count, in percent (one decimal).';
comment on column request_progress.jobs_queued is 'Jobs waiting (including retries after backoff). Null for web-app users.';
comment on column request_progress.jobs_running is 'Jobs a worker holds under a lease. Null for web-app users.';
comment on column request_progress.jobs_done is 'Jobs finished (possibly short: see last_error). Null for web-app users.';
comment on column request_progress.jobs_failed is 'Jobs that used up max_attempts (dead letter; qgen_requeue runs them again). Null for web-app users.';
comment on column request_progress.duplicates_refused is
    'Generated items refused as exact, near or batch duplicates or as variants (question_rejects; slot_filled rows are '
    'not duplicates and not counted). Null for web-app users.';
comment on column request_progress.disputed is
    'Items whose answer key the verifier disputed: held in question_disputes, or stored with verification = disputed. '
    'Null for web-app users.';
comment on column request_progress.fallbacks is
    'Stored questions written by a fallback provider (questions.fallback_reason set), among the bank rows the reader may see.';
comment on column request_progress.last_error is
    'The request''s error (why it was rejected or ended partial/failed); while it runs, for operators, the latest job error.';
comment on column request_progress.age is 'Time since the request was inserted.';
comment on column request_progress.generate_tokens is 'Prompt + completion tokens of the generation calls.';
comment on column request_progress.verify_tokens is 'Prompt + completion tokens of the answer-key verification calls.';
comment on column request_progress.cost_usd is 'Estimated cost of all calls (null until a priced call is made; see QGEN_PRICES).';

comment on view provider_stats is
    'Per provider, model and purpose over the last provider_stats_window (a qgen_settings row, default 24 hours; '
    'change it with: update qgen_settings set value = ''7 days'' where key = ''provider_stats_window''): calls, '
    'failures by kind, latency percentiles, tokens, cost, questions stored and why they fell back. Operators only.';
comment on column provider_stats.purpose is 'generate: writing questions; verify: re-solving answer keys.';
comment on column provider_stats.window_start is 'Calls and questions since this moment are counted.';
comment on column provider_stats.failure_rate is 'Share of calls whose outcome was not ok (0..1).';
comment on column provider_stats.failures_by_kind is 'Failed calls per outcome, e.g. {"timeout": 3, "server": 1}.';
comment on column provider_stats.failure_rate_by_kind is 'Failed calls per outcome as a share of all calls (0..1).';
comment on column provider_stats.p50_latency_ms is 'Median call latency, every call counted (a timeout with its full wait).';
comment on column provider_stats.p95_latency_ms is '95th percentile call latency, every call counted.';
comment on column provider_stats.questions_stored is
    'Questions this provider and model put in the bank in the window (generate rows only; imports show as provider import).';
comment on column provider_stats.fallback_questions is 'Of those, how many it wrote as the fallback for another provider.';
comment on column provider_stats.fallback_reasons is
    'Why the routed provider could not write them, with counts, e.g. {"runpod timeout": 4}.';

comment on view bank_coverage is
    'The bank by subject, topic, difficulty and question type: how many questions, how many verified. '
    'Web-app users see it while bank_readable is on (the questions policy), operators always.';
comment on column bank_coverage.verified is 'Questions whose key a second model confirmed solving blind.';
comment on column bank_coverage.verified_share is 'verified / questions (0..1).';
comment on column bank_coverage.disputed is 'Questions stored although the verifier disputed their key.';
comment on column bank_coverage.fallbacks is 'Questions written by a fallback provider.';

comment on function qgen_request_ops(uuid) is
    'request_progress''s figures from operator-only tables for one request, read with the caller''s rights: '
    'null where the caller may not read the table.';

-- Tables of earlier migrations (a comment is an attribute, not an edit of those files).
comment on table qgen_settings is
    'Operator settings (key/value), read by the triggers and the worker; change them with UPDATE. '
    'Web-app users cannot read them.';
comment on column qgen_settings.value is 'Text; each reader parses it (an integer, an interval, true/false).';

comment on table question_requests is
    'What the web app asks for: one row per request. Users insert their own and read them; the service '
    'owns status, produced and error. Every status change is written to request_events.';
comment on column question_requests.requested_by is 'The signed-in user (auth.uid()) who asked; null for operator rows.';
comment on column question_requests.exam is 'The exam the questions are for, e.g. JEE Main, JEE Advanced, NEET.';
comment on column question_requests.count is 'Questions wanted, 1..max_count (qgen_settings).';
comment on column question_requests.instructions is
    'Extra wishes for the generator (at most 4000 characters); passed to the model as quoted data, never as instructions.';
comment on column question_requests.priority is 'Higher runs first, -1000..1000; operators only.';
comment on column question_requests.run_after is 'Not started before this time; operators only.';
comment on column question_requests.status is
    'queued -> running -> succeeded | partial | failed; or rejected (invalid, see error) or cancelled.';
comment on column question_requests.produced is 'Questions of this request in the bank so far.';
comment on column question_requests.error is 'Why the request was rejected, or ended partial or failed; null otherwise.';
comment on column question_requests.finished_at is 'When it reached a final status.';

comment on table request_events is 'Status history of the requests: one row per change, written by triggers.';
comment on column request_events.produced is 'produced at the moment of the change.';
comment on column request_events.detail is 'The request''s error at the moment of the change.';

comment on table qgen_jobs is
    'The queue: each request is split into jobs of up to job_size slots, claimed by workers under a lease. '
    'Operators only.';
comment on column qgen_jobs.slot_start is 'First question slot (0-based position in the request) this job fills.';
comment on column qgen_jobs.slot_count is 'How many slots this job fills.';
comment on column qgen_jobs.status is 'queued, running, done (possibly short: see last_error), failed (dead letter) or cancelled.';
comment on column qgen_jobs.run_after is 'Not claimed before this time (retry backoff).';
comment on column qgen_jobs.attempts is 'Claims so far; the job fails for good at max_attempts.';
comment on column qgen_jobs.locked_by is 'The worker holding the job while it runs.';
comment on column qgen_jobs.lease_expires_at is 'When another worker may take the job over unless the holder heartbeats.';
comment on column qgen_jobs.produced is 'Questions of this job''s slots in the bank.';
comment on column qgen_jobs.last_error is 'The latest failure, or why a done job is short.';

comment on table questions is
    'The question bank: validated, embedded, de-duplicated items. Web-app users read it while bank_readable is on.';
comment on column questions.request_id is 'The request it was generated for; null for imported questions.';
comment on column questions.slot is 'Its position in the request (unique per request: a re-run job never stores a slot twice).';
comment on column questions.body is 'The validated item as JSON: text, options and correct index or answer and unit, solution, extras.';
comment on column questions.text_hash is 'SHA-256 of the normalised text and sorted options: the exact-duplicate key.';
comment on column questions.scope_key is 'Where duplicates are looked for: subject:<s>, topic:<s>/<t> or global (QGEN_DEDUP_SCOPE).';
comment on column questions.embedding is 'Sentence embedding (384 dimensions, cosine) of the question, for near-duplicate checks.';
comment on column questions.provider is 'Who generated it: runpod, gemini, <name>-simulator, or import.';
comment on column questions.fallback_reason is
    'Set when a fallback provider wrote it: why the routed provider could not (e.g. runpod timeout).';

comment on table question_rejects is
    'Generated items the worker refused (near-duplicates and the like), kept for auditing the threshold. Operators only.';
comment on column question_rejects.matched_question_id is 'The bank question it duplicated, when there is one.';
comment on column question_rejects.similarity is 'Cosine similarity to the matched question (1 for exact duplicates).';

do $$
begin
    -- qgen migrate's bookkeeping; absent under the Supabase CLI, which keeps its own history.
    if to_regclass('qgen_migrations') is not null then
        comment on table qgen_migrations is 'Migrations applied by qgen migrate, with the checksum of each file.';
    end if;
end
$$;
