-- One of each mistake the advisors look for, made on a migrated database inside a transaction that
-- tests/test_splinter.py rolls back. The comment above each names the findings it must produce
-- (lint: object). 0017 (a foreign table) and 0022 (an outdated extension) are not made: the embedded
-- server ships no foreign data wrapper and one version of each extension.

-- 0011: public.mistake_fn()
create function public.mistake_fn() returns int language sql as 'select 1';

-- 0028, 0029: public.mistake_definer()
create function public.mistake_definer() returns int language sql security definer set search_path = public
    as 'select 1';
grant execute on function public.mistake_definer() to anon, authenticated;

-- 0004, 0013, 0023 (password), and with pg_graphql 0026, 0027: public.mistake_open
create table public.mistake_open (id int, password text);
grant select on public.mistake_open to anon, authenticated;

-- 0008: public.mistake_locked
create table public.mistake_locked (id int primary key);
alter table public.mistake_locked enable row level security;

-- 0007: public.mistake_norls
create table public.mistake_norls (id int primary key);
create policy mistake_ignored on public.mistake_norls using (true);

-- 0001: public.mistake_child.mistake_child_question_id_fkey; 0009: public.mistake_child (two indexes on note)
create table public.mistake_child (id int primary key, question_id uuid references public.questions (id), note text);
alter table public.mistake_child enable row level security;
create index mistake_dup_a on public.mistake_child (note);
create index mistake_dup_b on public.mistake_child (note);
-- 0003: public.mistake_child policy mistake_per_row (auth.uid() called per row)
create policy mistake_per_row on public.mistake_child for select to authenticated using (auth.uid() is not null);
-- 0006: public.mistake_child role authenticated SELECT (two permissive SELECT policies)
create policy mistake_second on public.mistake_child for select to authenticated using (note is not null);
-- 0024: public.mistake_child policy mistake_anyone_updates (UPDATE using true)
create policy mistake_anyone_updates on public.mistake_child for update to authenticated using (true);
-- 0015: public.mistake_child policy mistake_metadata (user_metadata from the JWT, which users edit)
create policy mistake_metadata on public.mistake_child for delete to authenticated
    using ((select current_setting('request.jwt.claims', true))::jsonb -> 'user_metadata' ->> 'admin' = 'yes');

-- 0010, and with pg_graphql 0026: public.mistake_view
create view public.mistake_view as select 1 as x;
grant select on public.mistake_view to anon;

-- 0002, 0010, and with pg_graphql 0027: public.mistake_users (a definer view over auth.users)
create table if not exists auth.users (id uuid primary key, email text);
create view public.mistake_users as select id, email from auth.users;
grant select on public.mistake_users to authenticated;

-- 0016, and with pg_graphql 0026: public.mistake_mat
create materialized view public.mistake_mat as select 1 as x;
grant select on public.mistake_mat to anon;

-- 0018: public.mistake_reg.f
create table public.mistake_reg (id int primary key, f regproc);

-- 0021: public.mistake_handle.mistake_handle_handle_fkey (a foreign key to a unique column of an auth table)
create table auth.mistake_accounts (id uuid primary key, handle text unique);
create table public.mistake_handle (handle text primary key references auth.mistake_accounts (handle));
alter table public.mistake_handle enable row level security;
create policy mistake_own_handle on public.mistake_handle for select to authenticated using (true);

-- 0019 (with pgmq_public exposed): pgmq.q_mistake
create schema pgmq;
create table pgmq.q_mistake (msg_id bigint primary key);
grant usage on schema pgmq to anon;
grant select on pgmq.q_mistake to anon;

-- 0014: vector
alter extension vector set schema public;
