-- qgen and Supabase's database advisors (the dashboard's Security and Performance Advisors, whose rules
-- tests/test_splinter.py applies): no ERROR or WARN. Each part names the lint it answers.
-- Idempotent; plain PostgreSQL 16-18 and Supabase.

------------------------------------------------------------------------------------------------
-- 0014 extension_in_public: pgvector moves into the schema `extensions`, where Supabase installs
-- extensions (new Supabase projects already have it there: then nothing moves). SET SCHEMA moves the
-- type, its functions, operators and operator classes; columns and indexes refer to them by OID, so
-- questions.embedding and its HNSW index are neither rewritten nor rebuilt.
------------------------------------------------------------------------------------------------
do $$
begin
    if not exists (select 1 from pg_namespace where nspname = 'extensions') then
        create schema extensions;
        -- As on Supabase: the API roles may use what extensions define (the vector type of the bank).
        grant usage on schema extensions to anon, authenticated, service_role;
    end if;
    if exists (select 1 from pg_extension where extname = 'vector' and extnamespace = 'public'::regnamespace) then
        alter extension vector set schema extensions;
    end if;
end
$$;

-- Sessions must still find the vector type and its operators unqualified (sql/queries, psql, the analyst
-- queries). Supabase puts `extensions` on every session's search_path ("$user", public, extensions);
-- elsewhere this database gets the same default for new sessions, and this session (the Supabase CLI
-- applies later migrations in it) gets it now. A role-level search_path overrides the database's: the
-- worker adds the extension's schema to its own sessions whatever the defaults (service/db.py).
do $$
declare
    current_default text;
begin
    if 'extensions' = any (current_schemas(false)) then
        return;
    end if;
    select substr(c, length('search_path=') + 1) into current_default
      from pg_db_role_setting s, unnest(s.setconfig) c
     where s.setdatabase = (select oid from pg_database where datname = current_database())
       and s.setrole = 0 and c like 'search\_path=%';
    begin
        execute format('alter database %I set search_path = %s', current_database(),
                       coalesce(current_default || ', ', '"$user", public, ') || 'extensions');
    exception when insufficient_privilege then
        raise warning 'cannot set the search_path of database % (not its owner): add the schema extensions '
                      'to the search_path of the roles that query qgen''s tables', current_database();
    end;
    perform set_config('search_path', current_setting('search_path') || ', extensions', false);
end
$$;

------------------------------------------------------------------------------------------------
-- 0011 function_search_path_mutable: every function runs with a fixed search_path, so what its
-- names resolve to never depends on the caller's. SECURITY DEFINER functions keep pg_temp last:
-- left out, pg_temp would be searched first and a caller's temporary table could shadow ours.
------------------------------------------------------------------------------------------------
alter function qgen_setting_int(text, integer) set search_path = public, extensions;
alter function qgen_request_problems(question_requests) set search_path = public, extensions;
alter function qgen_questions_count_insert() set search_path = public, extensions;
alter function qgen_questions_count_delete() set search_path = public, extensions;
alter function qgen_settle_request(uuid) set search_path = public, extensions;
alter function qgen_job_stored(qgen_jobs) set search_path = public, extensions;
alter function qgen_finish_job(bigint, text, text) set search_path = public, extensions;
alter function qgen_requeue(uuid) set search_path = public, extensions;
alter function qgen_requests_notify_progress() set search_path = public, extensions;
alter function qgen_record_calls(uuid, bigint, jsonb) set search_path = public, extensions;
alter function qgen_request_ops(uuid) set search_path = public, extensions;
alter function qgen_requests_before_insert() set search_path = public, extensions, pg_temp;
alter function qgen_requests_after_insert() set search_path = public, extensions, pg_temp;
alter function qgen_requests_before_update() set search_path = public, extensions, pg_temp;
alter function qgen_requests_after_update() set search_path = public, extensions, pg_temp;
alter function qgen_requests_quota() set search_path = public, extensions, pg_temp;

------------------------------------------------------------------------------------------------
-- 0029 authenticated_security_definer_function_executable: qgen_bank_readable() reads qgen_settings,
-- which users may not read, so it had to run as its owner, and PostgREST exposed it as
-- /rpc/qgen_bank_readable. The part that needs the owner's rights moves into qgen_private, a schema
-- PostgREST does not expose (supabase/config.toml [api] schemas); qgen_bank_readable() stays, now
-- SECURITY INVOKER, for the bank policy and for the web app (/rpc/qgen_bank_readable, same answer).
------------------------------------------------------------------------------------------------
create schema if not exists qgen_private;
grant usage on schema qgen_private to authenticated, service_role;
comment on schema qgen_private is
    'qgen functions that run with their owner''s rights; not exposed by PostgREST (never add it to [api] schemas).';

create or replace function qgen_private.bank_readable() returns boolean
language sql stable security definer set search_path = public, extensions, pg_temp as $$
    select coalesce((select lower(btrim(value)) in ('true', 't', 'yes', 'on', '1')
                     from qgen_settings where key = 'bank_readable'), true)
$$;
comment on function qgen_private.bank_readable() is
    'Whether signed-in users may read the questions bank (qgen_settings.bank_readable, missing means yes).';
revoke all on function qgen_private.bank_readable() from public, anon;
grant execute on function qgen_private.bank_readable() to authenticated, service_role;

create or replace function qgen_bank_readable() returns boolean
language sql stable set search_path = public, extensions as $$
    select qgen_private.bank_readable()
$$;

------------------------------------------------------------------------------------------------
-- 0001 unindexed_foreign_keys: deleting a question (on delete set null) looks up the disputes that
-- name it; without an index that is a scan of question_disputes per deleted question.
------------------------------------------------------------------------------------------------
create index if not exists question_disputes_stored_question_idx on question_disputes (stored_question_id);
