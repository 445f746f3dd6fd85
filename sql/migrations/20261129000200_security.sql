-- qgen security: Supabase roles, Row Level Security, least-privilege grants.
-- Idempotent. Runs on plain PostgreSQL >= 16 and on Supabase, where the roles anon, authenticated,
-- service_role and the function auth.uid() already exist and are never replaced here.
--
-- Model (docs/supabase.md has the table):
--   anon           nothing at all.
--   authenticated  insert its own requests (user-facing columns only), read its own requests and
--                  their events, cancel its own open requests, read the bank while the operator
--                  setting bank_readable is true.
--   service_role   everything (BYPASSRLS); the worker normally connects as the table owner instead.
-- The table owner bypasses RLS because RLS is enabled but deliberately not FORCEd.

------------------------------------------------------------------------------------------------
-- What Supabase provides, created only where it is missing (plain PostgreSQL, tests).
------------------------------------------------------------------------------------------------
do $$
declare
    r text;
begin
    foreach r in array array['anon', 'authenticated', 'service_role'] loop
        if not exists (select 1 from pg_roles where rolname = r) then
            begin
                execute format('create role %I nologin', r);
            exception when duplicate_object then
                null;  -- another database of this cluster created it at the same moment
            end;
        end if;
    end loop;
    -- Only a role we just created above can be missing the attribute; Supabase's already has it.
    if not (select rolbypassrls from pg_roles where rolname = 'service_role') then
        alter role service_role bypassrls;
    end if;
    if not exists (select 1 from pg_namespace where nspname = 'auth') then
        create schema auth;
        grant usage on schema auth to anon, authenticated, service_role;
    end if;
    if not exists (
        select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'auth' and p.proname = 'uid' and p.pronargs = 0
    ) then
        -- Same contract as Supabase's: the JWT 'sub' claim PostgREST puts in request.jwt.claims.
        create function auth.uid() returns uuid
        language sql stable as $f$
            select nullif(nullif(current_setting('request.jwt.claims', true), '')::json ->> 'sub', '')::uuid
        $f$;
        grant execute on function auth.uid() to anon, authenticated, service_role;
    end if;
end
$$;

------------------------------------------------------------------------------------------------
-- Operator switch read by the bank policy, and the function that reads it on the user's behalf
-- (users cannot read qgen_settings themselves).
------------------------------------------------------------------------------------------------
insert into qgen_settings (key, value, description) values
    ('bank_readable', 'true', 'whether signed-in users may read the questions bank (true/false)')
on conflict (key) do nothing;

create or replace function qgen_bank_readable() returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
    select coalesce((select lower(btrim(value)) in ('true', 't', 'yes', 'on', '1')
                     from qgen_settings where key = 'bank_readable'), true)
$$;

-- Requests belong to the signed-in user unless the inserter says otherwise (the policy then
-- checks it); inserts by the worker or an operator have no JWT and leave it null.
alter table question_requests alter column requested_by set default auth.uid();

------------------------------------------------------------------------------------------------
-- Trigger functions run for users too, and write request_events / qgen_jobs and read
-- qgen_settings, which users may not touch: they run as their owner, with a pinned search_path
-- so a caller's objects cannot shadow ours.
------------------------------------------------------------------------------------------------
alter function qgen_requests_before_insert() security definer set search_path = public, pg_temp;
alter function qgen_requests_after_insert() security definer set search_path = public, pg_temp;
alter function qgen_requests_before_update() security definer set search_path = public, pg_temp;
alter function qgen_requests_after_update() security definer set search_path = public, pg_temp;

------------------------------------------------------------------------------------------------
-- Row Level Security and grants. Supabase's default privileges hand every new public table to
-- anon and authenticated, so everything is revoked first and granted back column by column.
------------------------------------------------------------------------------------------------
do $$
declare
    t text;
    s text;
    f regprocedure;
begin
    foreach t in array array['question_requests', 'qgen_jobs', 'questions', 'question_rejects',
                             'request_events', 'qgen_settings', 'qgen_migrations'] loop
        -- qgen_migrations exists under `qgen migrate` only (the Supabase CLI keeps its own history).
        continue when to_regclass(t) is null;
        execute format('alter table %I enable row level security', t);
        execute format('revoke all on table %I from public, anon, authenticated', t);
        execute format('grant all on table %I to service_role', t);
    end loop;
    foreach t in array array['qgen_jobs', 'request_events', 'question_rejects'] loop
        s := pg_get_serial_sequence(t, 'id');
        if s is not null then
            execute format('revoke all on sequence %s from public, anon, authenticated', s);
            execute format('grant all on sequence %s to service_role', s);
        end if;
    end loop;
    -- PostgREST exposes every function as /rpc/<name>: only the bank switch stays callable by users.
    for f in
        select p.oid::regprocedure from pg_proc p
        where p.pronamespace = current_schema()::regnamespace and p.proname like 'qgen\_%'
    loop
        execute format('revoke all on function %s from public, anon, authenticated', f);
        execute format('grant execute on function %s to service_role', f);
    end loop;
end
$$;

grant execute on function qgen_bank_readable() to authenticated;

-- Users: the user-facing columns of a request. priority and run_after stay with operators
-- (either would let a user jump the queue); status, produced, error belong to the service.
grant select on question_requests to authenticated;
grant insert (subject, topic, subtopic, exam, difficulty, question_type, count, instructions, requested_by)
    on question_requests to authenticated;
grant update (status) on question_requests to authenticated;
grant select on request_events to authenticated;
grant select on questions to authenticated;

-- (select auth.uid()) is evaluated once per statement rather than once per row.
drop policy if exists qgen_requests_select_own on question_requests;
create policy qgen_requests_select_own on question_requests for select to authenticated
    using (requested_by = (select auth.uid()));

drop policy if exists qgen_requests_insert_own on question_requests;
create policy qgen_requests_insert_own on question_requests for insert to authenticated
    with check (requested_by = (select auth.uid()));

-- Only open requests can be updated, and only into 'cancelled'. Finished ones are not matched, so
-- cancelling them is a silent no-op (0 rows), as it is for the service.
drop policy if exists qgen_requests_cancel_own on question_requests;
create policy qgen_requests_cancel_own on question_requests for update to authenticated
    using (requested_by = (select auth.uid()) and status in ('queued', 'running'))
    with check (requested_by = (select auth.uid()) and status = 'cancelled');

drop policy if exists qgen_events_select_own on request_events;
create policy qgen_events_select_own on request_events for select to authenticated
    using (exists (select 1 from question_requests r
                   where r.id = request_events.request_id and r.requested_by = (select auth.uid())));

drop policy if exists qgen_questions_select_bank on questions;
create policy qgen_questions_select_bank on questions for select to authenticated
    using ((select qgen_bank_readable()));
