-- The migration runner's bookkeeping: used by service/migrations.py (`qgen migrate`, the worker's start check).

-- name: migrations_lock --
-- Serialises concurrent `qgen migrate` runs ($1: the runner's advisory lock key).
select pg_advisory_lock($1);

-- name: migrations_unlock --
select pg_advisory_unlock($1);

-- name: create_migrations_table --
create table if not exists qgen_migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
);

-- name: migrations_table --
-- Null when the table does not exist (a database migrated by the Supabase CLI keeps its own history).
select to_regclass('qgen_migrations');

-- name: applied_migrations --
select name, checksum from qgen_migrations;

-- name: record_migration --
insert into qgen_migrations (name, checksum) values ($1, $2);
