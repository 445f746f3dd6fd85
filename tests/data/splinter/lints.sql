-- Supabase's database advisors (the dashboard's Security and Performance Advisors), restated as our own
-- catalogue checks. Each query below applies the rule of one splinter lint, named by its number; README.md
-- in this folder says why these are restatements and not copies, and which lints are left out and why.
--
-- Every query returns (level, object, detail): level as splinter grades the lint (ERROR, WARN or INFO),
-- object naming what the finding is about, detail in one line. The caller sets, like the dashboard does:
--   search_path = ''                  so that expressions are printed schema-qualified (auth.uid(), ...);
--   pgrst.db_schemas                  the schemas PostgREST exposes (supabase/config.toml [api] schemas);
--   advisors.skipped_schemas          comma-separated schemas the advisors never look at (Supabase's own);
--   advisors.assume_pg_graphql        'on' to apply 0026/0027 as if pg_graphql were installed.

-- name: lint_0001_unindexed_foreign_keys --
-- INFO. A foreign key whose columns are not the leading columns, in order, of any valid index.
select 'INFO' as level,
       format('%s.%s.%s', n.nspname, t.relname, k.conname) as object,
       'foreign key without a covering index' as detail
  from pg_catalog.pg_constraint k
  join pg_catalog.pg_class t on t.oid = k.conrelid
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
 where k.contype = 'f'
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = t.oid and d.deptype = 'e')
   and not exists (
        select from pg_catalog.pg_index i
         where i.indrelid = t.oid and i.indisvalid
           and (pg_catalog.string_to_array(i.indkey::text, ' ')::int2[])[1:pg_catalog.cardinality(k.conkey)] = k.conkey);

-- name: lint_0002_auth_users_exposed --
-- ERROR. A view or materialized view in an exposed schema that reads auth.users and that anon or
-- authenticated may select, unless it is a security_invoker view over an auth.users that has RLS.
select distinct 'ERROR' as level,
       format('%s.%s', n.nspname, v.relname) as object,
       'view over auth.users selectable by anon or authenticated' as detail
  from pg_catalog.pg_class u
  join pg_catalog.pg_depend d on d.refobjid = u.oid and d.deptype = 'n'
                             and d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
  join pg_catalog.pg_rewrite r on r.oid = d.objid
  join pg_catalog.pg_class v on v.oid = r.ev_class
  join pg_catalog.pg_namespace n on n.oid = v.relnamespace
 where u.oid = pg_catalog.to_regclass('auth.users')
   and (pg_catalog.has_table_privilege('anon', v.oid, 'SELECT')
        or pg_catalog.has_table_privilege('authenticated', v.oid, 'SELECT'))
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and (v.relkind = 'm'
        or (v.relkind = 'v'
            and not (coalesce((select pg_catalog.lower(pg_catalog.split_part(o, '=', 2)) in ('1', 'true', 'yes', 'on')
                                 from pg_catalog.unnest(v.reloptions) o where o like 'security\_invoker=%'), false)
                     and u.relrowsecurity)));

-- name: lint_0003_auth_rls_initplan --
-- WARN. A policy (on a table with RLS on) that calls auth.uid(), auth.jwt(), auth.role(), auth.email() or
-- current_setting() directly, so the call is made for every row instead of once through (select ...).
select 'WARN' as level,
       format('%s.%s policy %s', p.schemaname, p.tablename, p.policyname) as object,
       'auth.<function>() or current_setting() evaluated per row' as detail
  from pg_catalog.pg_policies p
  join pg_catalog.pg_namespace n on n.nspname = p.schemaname
  join pg_catalog.pg_class t on t.relnamespace = n.oid and t.relname = p.tablename
 where t.relrowsecurity
   and p.schemaname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and exists (
        select from pg_catalog.unnest(array[p.qual, p.with_check]) e(expr)
         where exists (select from pg_catalog.unnest(array['auth.uid()', 'auth.jwt()', 'auth.role()', 'auth.email()']) f(call)
                        where e.expr like '%' || f.call || '%'
                          and pg_catalog.lower(e.expr) not like '%select ' || f.call || '%')
            or (e.expr like '%current\_setting(%)%' and pg_catalog.lower(e.expr) not like '%select current\_setting(%)%'));

-- name: lint_0004_no_primary_key --
-- INFO. A table without a primary key.
select 'INFO' as level,
       format('%s.%s', n.nspname, t.relname) as object,
       'table without a primary key' as detail
  from pg_catalog.pg_class t
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
 where t.relkind = 'r'
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = t.oid and d.deptype = 'e')
   and not exists (select from pg_catalog.pg_index i where i.indrelid = t.oid and i.indisprimary);

-- name: lint_0006_multiple_permissive_policies --
-- WARN. More than one permissive policy on a table for the same role and command (a FOR ALL policy
-- counts for each of SELECT, INSERT, UPDATE and DELETE; a policy for PUBLIC counts for every role).
-- Roles that bypass RLS, pg_* and supabase*admin roles are not counted.
select 'WARN' as level,
       format('%s.%s role %s %s', n.nspname, t.relname, r.rolname, a.cmd) as object,
       'permissive policies ' || pg_catalog.string_agg(p.polname, ', ' order by p.polname) as detail
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class t on t.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
  join pg_catalog.pg_roles r on r.oid = any (p.polroles) or p.polroles = '{0}'::oid[]
 cross join lateral pg_catalog.unnest(case p.polcmd when 'r' then array['SELECT'] when 'a' then array['INSERT']
                                                    when 'w' then array['UPDATE'] when 'd' then array['DELETE']
                                                    else array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] end) a(cmd)
 where t.relkind = 'r' and p.polpermissive
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and r.rolname not like 'pg_%' and r.rolname not like 'supabase%admin' and not r.rolbypassrls
   and not exists (select from pg_catalog.pg_depend d where d.objid = t.oid and d.deptype = 'e')
 group by n.nspname, t.relname, r.rolname, a.cmd
having pg_catalog.count(*) > 1;

-- name: lint_0007_policy_exists_rls_disabled --
-- ERROR. A table that has policies while RLS is off, so none of them applies.
select 'ERROR' as level,
       format('%s.%s', n.nspname, t.relname) as object,
       'policies exist but row level security is disabled' as detail
  from pg_catalog.pg_class t
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
 where t.relkind = 'r' and not t.relrowsecurity
   and exists (select from pg_catalog.pg_policy p where p.polrelid = t.oid)
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = t.oid and d.deptype = 'e');

-- name: lint_0008_rls_enabled_no_policy --
-- INFO. A table with RLS on and no policy: only its owner and roles that bypass RLS see any row.
select 'INFO' as level,
       format('%s.%s', n.nspname, t.relname) as object,
       'row level security enabled, no policy' as detail
  from pg_catalog.pg_class t
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
 where t.relkind = 'r' and t.relrowsecurity
   and not exists (select from pg_catalog.pg_policy p where p.polrelid = t.oid)
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = t.oid and d.deptype = 'e');

-- name: lint_0009_duplicate_index --
-- WARN. Two or more indexes of a table or materialized view whose definitions differ only in their name.
select 'WARN' as level,
       format('%s.%s', i.schemaname, i.tablename) as object,
       'identical indexes ' || pg_catalog.string_agg(i.indexname, ', ' order by i.indexname) as detail
  from pg_catalog.pg_indexes i
  join pg_catalog.pg_namespace n on n.nspname = i.schemaname
  join pg_catalog.pg_class t on t.relnamespace = n.oid and t.relname = i.tablename
 where t.relkind in ('r', 'm')
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = t.oid and d.deptype = 'e')
 group by i.schemaname, i.tablename, pg_catalog.replace(i.indexdef, i.indexname, '')
having pg_catalog.count(*) > 1;

-- name: lint_0010_security_definer_view --
-- ERROR. A view in an exposed schema that anon or authenticated may select and that is not
-- security_invoker, so it reads with its owner's rights and RLS.
select 'ERROR' as level,
       format('%s.%s', n.nspname, v.relname) as object,
       'view runs with its owner''s privileges' as detail
  from pg_catalog.pg_class v
  join pg_catalog.pg_namespace n on n.oid = v.relnamespace
 where v.relkind = 'v'
   and (pg_catalog.has_table_privilege('anon', v.oid, 'SELECT')
        or pg_catalog.has_table_privilege('authenticated', v.oid, 'SELECT'))
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = v.oid and d.deptype = 'e')
   and not coalesce((select pg_catalog.lower(pg_catalog.split_part(o, '=', 2)) in ('1', 'true', 'yes', 'on')
                       from pg_catalog.unnest(v.reloptions) o where o like 'security\_invoker=%'), false);

-- name: lint_0011_function_search_path_mutable --
-- WARN. A function without its own search_path setting: what its unqualified names resolve to depends
-- on the caller's search_path.
select 'WARN' as level,
       format('%s.%s(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as object,
       'function has a role mutable search_path' as detail
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
   and not exists (select from pg_catalog.unnest(p.proconfig) c where c like 'search\_path=%');

-- name: lint_0013_rls_disabled_in_public --
-- ERROR. A table in an exposed schema that anon or authenticated may select while RLS is off.
select 'ERROR' as level,
       format('%s.%s', n.nspname, t.relname) as object,
       'table exposed to the API without row level security' as detail
  from pg_catalog.pg_class t
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
 where t.relkind = 'r' and not t.relrowsecurity
   and (pg_catalog.has_table_privilege('anon', t.oid, 'SELECT')
        or pg_catalog.has_table_privilege('authenticated', t.oid, 'SELECT'))
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','));

-- name: lint_0014_extension_in_public --
-- WARN. An extension other than plpgsql installed in the public schema.
select 'WARN' as level,
       e.extname::text as object,
       'extension installed in the public schema' as detail
  from pg_catalog.pg_extension e
 where e.extname <> 'plpgsql' and e.extnamespace = 'public'::pg_catalog.regnamespace;

-- name: lint_0015_rls_references_user_metadata --
-- ERROR. A policy that reads user_metadata from the JWT, which the user can edit.
select 'ERROR' as level,
       format('%s.%s policy %s', p.schemaname, p.tablename, p.policyname) as object,
       'policy reads user_metadata, which users can edit' as detail
  from pg_catalog.pg_policies p
 where p.schemaname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and exists (select from pg_catalog.unnest(array[p.qual, p.with_check]) e(expr)
                where e.expr like '%auth.jwt()%user_metadata%'
                   or e.expr like '%current_setting(%request.jwt.claims%)%user_metadata%');

-- name: lint_0016_materialized_view_in_api --
-- WARN. A materialized view (which RLS cannot protect) in an exposed schema, selectable by anon or authenticated.
select 'WARN' as level,
       format('%s.%s', n.nspname, c.relname) as object,
       'materialized view selectable through the API' as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'm'
   and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
        or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e');

-- name: lint_0017_foreign_table_in_api --
-- WARN. A foreign table (which RLS cannot protect) in an exposed schema, selectable by anon or authenticated.
select 'WARN' as level,
       format('%s.%s', n.nspname, c.relname) as object,
       'foreign table selectable through the API' as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'f'
   and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
        or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e');

-- name: lint_0018_unsupported_reg_types --
-- WARN. A table column of a reg* type that pg_upgrade refuses to carry over (every reg* type but
-- regclass, regrole and regtype stores OIDs that a new cluster does not keep).
select 'WARN' as level,
       format('%s.%s.%s', n.nspname, c.relname, a.attname) as object,
       'column of type ' || ty.typname as detail
  from pg_catalog.pg_attribute a
  join pg_catalog.pg_class c on c.oid = a.attrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_type ty on ty.oid = a.atttypid
 where ty.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
   and ty.typname in ('regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator',
                      'regproc', 'regprocedure')
   and n.nspname not in ('pg_catalog', 'information_schema', 'pgsodium');

-- name: lint_0019_insecure_queue_exposed_in_api --
-- ERROR. A pgmq queue table (pgmq.q_*) without RLS that anon or authenticated may select, in a project
-- exposing the pgmq_public schema.
select 'ERROR' as level,
       format('%s.%s', n.nspname, c.relname) as object,
       'queue table exposed without row level security' as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p') and not c.relrowsecurity
   and n.nspname = 'pgmq' and c.relname like 'q\_%'
   and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
        or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
   and 'pgmq_public' = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','));

-- name: lint_0021_fkey_to_auth_unique --
-- ERROR. A foreign key into an auth table through a unique constraint that is not its primary key
-- (Supabase Auth may change such constraints).
select 'ERROR' as level,
       format('%s.%s.%s', n.nspname, t.relname, k.conname) as object,
       'foreign key references a unique constraint of an auth table' as detail
  from pg_catalog.pg_constraint k
  join pg_catalog.pg_class t on t.oid = k.conrelid
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
  join pg_catalog.pg_class ref on ref.oid = k.confrelid
  join pg_catalog.pg_index i on i.indexrelid = k.conindid
 where k.contype = 'f'
   and ref.relnamespace = pg_catalog.to_regnamespace('auth')
   and i.indisunique and not i.indisprimary;

-- name: lint_0022_extension_versions_outdated --
-- WARN. An installed extension whose version is not the default version the server offers.
select 'WARN' as level,
       x.name::text as object,
       format('version %s installed, %s available', x.installed_version, x.default_version) as detail
  from pg_catalog.pg_available_extensions x
 where x.installed_version is not null and x.default_version is not null
   and x.installed_version <> x.default_version
   and exists (select from pg_catalog.pg_available_extension_versions v where v.name = x.name and v.installed);

-- name: lint_0023_sensitive_columns_exposed --
-- ERROR. A table in an exposed schema, selectable by anon or authenticated and without RLS, with a column
-- named like a secret or personal data (the names splinter lists; '-' counts as '_').
select 'ERROR' as level,
       format('%s.%s', n.nspname, t.relname) as object,
       'sensitive columns ' || pg_catalog.string_agg(a.attname::text, ', ' order by a.attname) as detail
  from pg_catalog.pg_class t
  join pg_catalog.pg_namespace n on n.oid = t.relnamespace
  join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
 where t.relkind = 'r' and not t.relrowsecurity
   and (pg_catalog.has_table_privilege('anon', t.oid, 'SELECT')
        or pg_catalog.has_table_privilege('authenticated', t.oid, 'SELECT'))
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and pg_catalog.replace(pg_catalog.lower(a.attname), '-', '_') = any (array[
        -- credentials
        'access_token', 'activation_key', 'api_key', 'apikey', 'auth_code', 'auth_key', 'backup_code',
        'bearer_token', 'certificate', 'gpg_key', 'jwt', 'license_key', 'oauth_token', 'otp', 'passphrase',
        'passwd', 'password', 'pgp_key', 'private_key', 'pwd', 'recovery_code', 'refresh_token', 'secret',
        'secret_key', 'session_id', 'session_key', 'session_secret', 'session_token', 'ssh_key', 'token',
        'two_factor', '2fa_code', '2fa_secret', 'verification_code',
        -- identity documents
        'driver_license', 'drivers_license', 'license_number', 'national_id', 'passport_id', 'passport_number',
        'social_security', 'social_security_number', 'ssn', 'tax_id',
        -- money
        'account_number', 'bank_account', 'bic', 'card_number', 'credit_card', 'cvc', 'cvn', 'cvv', 'iban',
        'routing_number', 'swift_code',
        -- health
        'health_insurance', 'health_record', 'insurance_number', 'medical_insurance', 'medical_record',
        'patient_id', 'treatment',
        -- devices and biometrics
        'device_uuid', 'facial_recognition', 'imei', 'mac_address', 'macaddr'])
 group by n.nspname, t.relname;

-- name: lint_0024_rls_policy_always_true --
-- WARN. A permissive policy for PUBLIC, anon or authenticated (on a table with RLS on) that lets every
-- row through a write: USING true (or none) for UPDATE, DELETE or ALL, or WITH CHECK true, or no WITH
-- CHECK on an INSERT, or no WITH CHECK on an UPDATE/ALL whose USING is true. SELECT policies are not judged.
with p as (
    select p.schemaname, p.tablename, p.policyname, p.cmd, p.qual, p.with_check,
           pg_catalog.translate(pg_catalog.lower(coalesce(p.qual, '')), E' \n\t', '') in ('true', '(true)', '1=1', '(1=1)')
               as qual_true,
           pg_catalog.translate(pg_catalog.lower(coalesce(p.with_check, '')), E' \n\t', '') in ('true', '(true)', '1=1', '(1=1)')
               as check_true
      from pg_catalog.pg_policies p
      join pg_catalog.pg_namespace n on n.nspname = p.schemaname
      join pg_catalog.pg_class t on t.relnamespace = n.oid and t.relname = p.tablename
     where t.relkind = 'r' and t.relrowsecurity and p.permissive = 'PERMISSIVE'
       and (p.roles && array['public', 'anon', 'authenticated']::name[])
       and p.schemaname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
)
select 'WARN' as level,
       format('%s.%s policy %s', schemaname, tablename, policyname) as object,
       format('%s policy lets every row through', cmd) as detail
  from p
 where (cmd in ('UPDATE', 'DELETE', 'ALL') and (qual_true or qual is null))
    or check_true
    or (with_check is null and cmd = 'INSERT')
    or (with_check is null and cmd in ('UPDATE', 'ALL') and qual_true);

-- name: lint_0026_pg_graphql_anon_table_exposed --
-- WARN. With pg_graphql installed: a table, view, materialized view or foreign table of which anon may
-- select any column, so its name and columns are in the GraphQL schema for anyone with the anon key.
select 'WARN' as level,
       format('%s.%s', n.nspname, c.relname) as object,
       'visible in the GraphQL schema to anon' as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'v', 'm', 'f')
   and (exists (select from pg_catalog.pg_extension e where e.extname = 'pg_graphql')
        or pg_catalog.current_setting('advisors.assume_pg_graphql', true) = 'on')
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and exists (select from pg_catalog.pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                  and pg_catalog.has_column_privilege('anon', c.oid, a.attnum, 'SELECT'));

-- name: lint_0027_pg_graphql_authenticated_table_exposed --
-- WARN. The same as 0026 for authenticated: visible in the GraphQL schema to every signed-in user.
select 'WARN' as level,
       format('%s.%s', n.nspname, c.relname) as object,
       'visible in the GraphQL schema to authenticated' as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'v', 'm', 'f')
   and (exists (select from pg_catalog.pg_extension e where e.extname = 'pg_graphql')
        or pg_catalog.current_setting('advisors.assume_pg_graphql', true) = 'on')
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','))
   and exists (select from pg_catalog.pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                  and pg_catalog.has_column_privilege('authenticated', c.oid, a.attnum, 'SELECT'));

-- name: lint_0028_anon_security_definer_function_executable --
-- WARN. A SECURITY DEFINER function in an exposed schema that anon may execute (/rest/v1/rpc/<name>).
select 'WARN' as level,
       format('%s.%s(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as object,
       'security definer function executable by anon' as detail
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where p.prosecdef
   and pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE')
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','));

-- name: lint_0029_authenticated_security_definer_function_executable --
-- WARN. The same as 0028 for authenticated: any signed-in user can call it.
select 'WARN' as level,
       format('%s.%s(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as object,
       'security definer function executable by authenticated' as detail
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where p.prosecdef
   and pg_catalog.has_function_privilege('authenticated', p.oid, 'EXECUTE')
   and n.nspname = any (pg_catalog.string_to_array(pg_catalog.replace(
           pg_catalog.current_setting('pgrst.db_schemas', true), ' ', ''), ','))
   and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('advisors.skipped_schemas'), ','));
