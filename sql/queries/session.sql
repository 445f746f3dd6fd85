-- What a new connection needs before it reads or writes the bank: used by service/db.py.

-- name: vector_search_path --
-- Where pgvector is installed, and the search_path this session needs to find its type and operators
-- unqualified: null when it finds them already (Supabase's "$user", public, extensions; the database
-- default that 20261204000100_advisors.sql sets), else the session's path with that schema appended.
-- No row: the extension is not installed.
select n.nspname::text as schema,
       case when n.nspname = any (pg_catalog.current_schemas(false)) then null
            else pg_catalog.current_setting('search_path') || ', ' || pg_catalog.quote_ident(n.nspname)
       end as search_path
  from pg_catalog.pg_extension e
  join pg_catalog.pg_namespace n on n.oid = e.extnamespace
 where e.extname = 'vector';

-- name: set_search_path --
select pg_catalog.set_config('search_path', $1, false);

-- name: search_path --
select pg_catalog.current_setting('search_path');
