-- qgen core schema: requests in, jobs queued, questions out.
-- Runs unchanged on plain PostgreSQL >= 16 with pgvector >= 0.6 and on Supabase.

create extension if not exists vector;

-- Operator settings readable by triggers (change with plain UPDATE).
create table if not exists qgen_settings (
    key text primary key,
    value text not null,
    description text
);
insert into qgen_settings (key, value, description) values
    ('max_count', '500', 'largest count a single request may ask for'),
    ('job_size', '10', 'questions per queue job; bigger requests are split so several workers share them'),
    ('max_attempts', '5', 'attempts per job before it ends failed (dead letter)')
on conflict (key) do nothing;

create or replace function qgen_setting_int(p_key text, p_default int) returns int
language sql stable as $$
    select coalesce((select value::int from qgen_settings where key = p_key), p_default)
$$;

create table if not exists question_requests (
    id uuid primary key default gen_random_uuid(),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    requested_by uuid,
    subject text,
    topic text,
    subtopic text,
    exam text,
    difficulty text default 'medium',
    question_type text default 'mcq',
    count integer,
    instructions text,
    priority integer not null default 0,
    run_after timestamptz not null default now(),
    status text not null default 'queued',
    produced integer not null default 0,
    error text,
    finished_at timestamptz,
    constraint question_requests_status_check check (
        status in ('queued', 'running', 'succeeded', 'partial', 'failed', 'rejected', 'cancelled')),
    -- Backstop for the validation trigger: a row is either rejected or well-formed.
    constraint question_requests_valid_check check (
        status = 'rejected' or (
            subject is not null and topic is not null and count is not null
            and difficulty in ('easy', 'medium', 'hard')
            and question_type in ('mcq', 'numeric')
            and count >= 1
            and char_length(topic) <= 500 and char_length(subject) <= 100
            and coalesce(char_length(instructions), 0) <= 4000)),
    constraint question_requests_produced_check check (produced >= 0)
);
create index if not exists question_requests_status_idx on question_requests (status, created_at);
create index if not exists question_requests_requested_by_idx on question_requests (requested_by);

-- One row per status change, readable in the dashboard.
create table if not exists request_events (
    id bigint generated always as identity primary key,
    request_id uuid not null references question_requests (id) on delete cascade,
    at timestamptz not null default now(),
    old_status text,
    new_status text not null,
    produced integer,
    detail text
);
create index if not exists request_events_request_idx on request_events (request_id, id);

-- The queue: a request is split into jobs of up to job_size slots. A slot is one question position
-- (0 .. count-1); questions carry their slot, so a re-run job never stores a slot twice.
create table if not exists qgen_jobs (
    id bigint generated always as identity primary key,
    request_id uuid not null references question_requests (id) on delete cascade,
    slot_start integer not null,
    slot_count integer not null check (slot_count > 0),
    status text not null default 'queued'
        check (status in ('queued', 'running', 'done', 'failed', 'cancelled')),
    priority integer not null default 0,
    run_after timestamptz not null default now(),
    attempts integer not null default 0,
    max_attempts integer not null default 5,
    locked_by text,
    lease_expires_at timestamptz,
    produced integer not null default 0,
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    unique (request_id, slot_start)
);
create index if not exists qgen_jobs_ready_idx on qgen_jobs (priority desc, run_after, id) where status = 'queued';
create index if not exists qgen_jobs_lease_idx on qgen_jobs (lease_expires_at) where status = 'running';
create index if not exists qgen_jobs_request_idx on qgen_jobs (request_id);

create table if not exists questions (
    id uuid primary key default gen_random_uuid(),
    request_id uuid references question_requests (id) on delete set null,
    job_id bigint,
    slot integer,
    subject text not null,
    topic text not null,
    subtopic text,
    exam text,
    difficulty text not null check (difficulty in ('easy', 'medium', 'hard')),
    question_type text not null check (question_type in ('mcq', 'numeric')),
    question_text text not null,
    body jsonb not null,
    text_hash text not null,
    scope_key text not null,
    embedding vector(384) not null,
    provider text not null,
    model text not null,
    fallback_reason text,
    created_at timestamptz not null default now()
);
create unique index if not exists questions_request_slot_key on questions (request_id, slot) where request_id is not null;
create unique index if not exists questions_scope_hash_key on questions (scope_key, text_hash);
create index if not exists questions_embedding_hnsw on questions using hnsw (embedding vector_cosine_ops);
create index if not exists questions_subject_topic_idx on questions (subject, topic);

-- Near-duplicates and invalid items the worker refused, for auditing the threshold.
create table if not exists question_rejects (
    id bigint generated always as identity primary key,
    request_id uuid references question_requests (id) on delete set null,
    job_id bigint,
    scope_key text,
    question_text text not null,
    body jsonb,
    matched_question_id uuid,
    similarity real,
    reason text not null,
    provider text,
    created_at timestamptz not null default now()
);
create index if not exists question_rejects_request_idx on question_rejects (request_id);

------------------------------------------------------------------------------------------------
-- Validation at the boundary: a bad row is kept, marked 'rejected', and says why.
------------------------------------------------------------------------------------------------
create or replace function qgen_request_problems(r question_requests) returns text[]
language plpgsql stable as $$
declare
    problems text[] := '{}';
    max_count int := qgen_setting_int('max_count', 500);
    -- C0 and C1 control characters (tab/newline are allowed in instructions only)
    ctrl constant text := '[\x01-\x08\x0B\x0C\x0E-\x1F\x7F\u0080-\u009F]';
    -- what btrim() does not strip: no-break, Unicode and zero-width spaces, BOM
    blank constant text := '^[\s\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000\uFEFF]*$';
begin
    if r.subject is null or btrim(r.subject) = '' then
        problems := array_append(problems, 'subject is required');
    elsif char_length(r.subject) > 100 then
        problems := array_append(problems, format('subject is %s characters long (at most 100)', char_length(r.subject)));
    elsif r.subject ~ ctrl or r.subject ~ '[\n\r\t]' then
        problems := array_append(problems, 'subject contains control characters');
    elsif r.subject ~ blank then
        problems := array_append(problems, 'subject is required (it contains only spaces)');
    end if;
    if r.topic is null or btrim(r.topic) = '' then
        problems := array_append(problems, 'topic is required');
    elsif char_length(r.topic) > 500 then
        problems := array_append(problems, format('topic is %s characters long (at most 500)', char_length(r.topic)));
    elsif r.topic ~ ctrl or r.topic ~ '[\n\r\t]' then
        problems := array_append(problems, 'topic contains control characters');
    elsif r.topic ~ blank then
        problems := array_append(problems, 'topic is required (it contains only spaces)');
    end if;
    if r.subtopic is not null and char_length(r.subtopic) > 500 then
        problems := array_append(problems, format('subtopic is %s characters long (at most 500)', char_length(r.subtopic)));
    elsif r.subtopic ~ ctrl or r.subtopic ~ '[\n\r\t]' then
        problems := array_append(problems, 'subtopic contains control characters');
    end if;
    if r.exam is not null and char_length(r.exam) > 100 then
        problems := array_append(problems, format('exam is %s characters long (at most 100)', char_length(r.exam)));
    elsif r.exam ~ ctrl or r.exam ~ '[\n\r\t]' then
        problems := array_append(problems, 'exam contains control characters');
    end if;
    if r.instructions is not null and char_length(r.instructions) > 4000 then
        problems := array_append(problems, format('instructions are %s characters long (at most 4000)', char_length(r.instructions)));
    elsif r.instructions ~ ctrl then
        problems := array_append(problems, 'instructions contain control characters');
    end if;
    if r.difficulty is null then
        problems := array_append(problems, 'difficulty is required (easy, medium or hard)');
    elsif r.difficulty not in ('easy', 'medium', 'hard') then
        problems := array_append(problems, format('difficulty %s is not one of easy, medium, hard', left(quote_literal(r.difficulty), 60)));
    end if;
    if r.question_type is null then
        problems := array_append(problems, 'question_type is required (mcq or numeric)');
    elsif r.question_type not in ('mcq', 'numeric') then
        problems := array_append(problems, format('question_type %s is not one of mcq, numeric', left(quote_literal(r.question_type), 60)));
    end if;
    if r.count is null then
        problems := array_append(problems, 'count is required');
    elsif r.count < 1 or r.count > max_count then
        problems := array_append(problems, format('count must be between 1 and %s (got %s)', max_count, r.count));
    end if;
    if r.priority < -1000 or r.priority > 1000 then
        problems := array_append(problems, format('priority must be between -1000 and 1000 (got %s)', r.priority));
    end if;
    return problems;
end
$$;

create or replace function qgen_requests_before_insert() returns trigger
language plpgsql as $$
declare
    problems text[];
begin
    -- Normalise what a person would consider the same value.
    new.subject := nullif(btrim(new.subject), '');
    new.topic := nullif(btrim(new.topic), '');
    new.subtopic := nullif(btrim(new.subtopic), '');
    new.exam := nullif(btrim(new.exam), '');
    new.instructions := nullif(btrim(new.instructions), '');
    new.difficulty := lower(btrim(new.difficulty));
    new.question_type := lower(btrim(new.question_type));
    new.run_after := coalesce(new.run_after, now());
    new.priority := coalesce(new.priority, 0);
    -- Progress columns belong to the service.
    new.produced := 0;
    new.finished_at := null;
    new.created_at := now();
    new.updated_at := now();
    if new.status is distinct from 'queued' and new.status is not null then
        new.status := 'rejected';
        new.error := 'rejected: status is set by the service; insert with status queued (the default)';
        new.finished_at := now();
        return new;
    end if;
    new.status := 'queued';
    new.error := null;
    problems := qgen_request_problems(new);
    if cardinality(problems) > 0 then
        new.status := 'rejected';
        new.error := 'rejected: ' || array_to_string(problems, '; ');
        new.finished_at := now();
    end if;
    return new;
end
$$;

create or replace function qgen_requests_after_insert() returns trigger
language plpgsql as $$
declare
    size int := greatest(qgen_setting_int('job_size', 10), 1);
    attempts int := greatest(qgen_setting_int('max_attempts', 5), 1);
begin
    insert into request_events (request_id, old_status, new_status, produced, detail)
    values (new.id, null, new.status, 0, new.error);
    if new.status = 'queued' then
        insert into qgen_jobs (request_id, slot_start, slot_count, priority, run_after, max_attempts)
        select new.id, s, least(size, new.count - s), new.priority, new.run_after, attempts
        from generate_series(0, new.count - 1, size) as s;
        perform pg_notify('qgen_jobs', new.id::text);
    end if;
    return null;
end
$$;

create or replace function qgen_requests_before_update() returns trigger
language plpgsql as $$
begin
    -- A finished request stays finished; cancelling it is a no-op rather than an error.
    if old.status in ('succeeded', 'partial', 'failed', 'rejected') and new.status = 'cancelled' then
        new.status := old.status;
    end if;
    if new.status is distinct from old.status and new.status in ('succeeded', 'partial', 'failed', 'rejected', 'cancelled') then
        new.finished_at := coalesce(new.finished_at, now());
    end if;
    new.updated_at := now();
    return new;
end
$$;

create or replace function qgen_requests_after_update() returns trigger
language plpgsql as $$
begin
    if new.status is distinct from old.status then
        insert into request_events (request_id, old_status, new_status, produced, detail)
        values (new.id, old.status, new.status, new.produced, new.error);
        if new.status = 'queued' then
            perform pg_notify('qgen_jobs', new.id::text);
        end if;
    end if;
    return null;
end
$$;

drop trigger if exists qgen_requests_before_insert on question_requests;
create trigger qgen_requests_before_insert before insert on question_requests
    for each row execute function qgen_requests_before_insert();
drop trigger if exists qgen_requests_after_insert on question_requests;
create trigger qgen_requests_after_insert after insert on question_requests
    for each row execute function qgen_requests_after_insert();
drop trigger if exists qgen_requests_before_update on question_requests;
create trigger qgen_requests_before_update before update on question_requests
    for each row execute function qgen_requests_before_update();
drop trigger if exists qgen_requests_after_update on question_requests;
create trigger qgen_requests_after_update after update on question_requests
    for each row execute function qgen_requests_after_update();

-- produced follows the bank, one statement at a time (multi-row inserts update once per request).
create or replace function qgen_questions_count_insert() returns trigger
language plpgsql as $$
begin
    update question_requests r set produced = r.produced + n.c
    from (select request_id, count(*)::int as c from new_rows where request_id is not null group by request_id) n
    where r.id = n.request_id;
    return null;
end
$$;

create or replace function qgen_questions_count_delete() returns trigger
language plpgsql as $$
begin
    update question_requests r set produced = greatest(r.produced - n.c, 0)
    from (select request_id, count(*)::int as c from old_rows where request_id is not null group by request_id) n
    where r.id = n.request_id;
    return null;
end
$$;

drop trigger if exists qgen_questions_count_insert on questions;
create trigger qgen_questions_count_insert after insert on questions
    referencing new table as new_rows for each statement execute function qgen_questions_count_insert();
drop trigger if exists qgen_questions_count_delete on questions;
create trigger qgen_questions_count_delete after delete on questions
    referencing old table as old_rows for each statement execute function qgen_questions_count_delete();

------------------------------------------------------------------------------------------------
-- Queue state transitions shared by the worker and operators.
------------------------------------------------------------------------------------------------

-- Settle a request from its jobs. Locks the request row first so that two jobs finishing at
-- the same moment serialise here and the later one sees the earlier one's commit. FOR NO KEY UPDATE,
-- not FOR UPDATE: both finishing transactions already hold FOR KEY SHARE on the request (the foreign
-- keys of their job and question rows), and two KEY SHARE holders both upgrading to FOR UPDATE
-- deadlock; NO KEY UPDATE conflicts with itself but not with KEY SHARE.
create or replace function qgen_settle_request(p_request uuid) returns text
language plpgsql as $$
declare
    r question_requests;
    open_jobs int;
    failed_jobs int;
    errors text;
    final text;
begin
    select * into r from question_requests where id = p_request for no key update;
    if not found or r.status in ('rejected', 'cancelled', 'succeeded', 'partial', 'failed') then
        return r.status;
    end if;
    select count(*) filter (where status in ('queued', 'running')),
           count(*) filter (where status = 'failed'),
           string_agg(distinct last_error, '; ') filter (where last_error is not null and status in ('done', 'failed'))
      into open_jobs, failed_jobs, errors
      from qgen_jobs where request_id = p_request;
    if open_jobs > 0 then
        if r.status = 'queued' and exists (select 1 from qgen_jobs where request_id = p_request and status <> 'queued') then
            update question_requests set status = 'running' where id = p_request;
            return 'running';
        end if;
        return r.status;
    end if;
    final := case when r.produced >= r.count then 'succeeded' when r.produced > 0 then 'partial' else 'failed' end;
    update question_requests
       set status = final,
           error = case when final = 'succeeded' then null
                        else format('%s of %s questions stored: %s', r.produced, r.count, coalesce(left(errors, 2000), 'no reason recorded')) end
     where id = p_request;
    return final;
end
$$;

-- Questions in the bank for a job's slots (its produced count).
create or replace function qgen_job_stored(j qgen_jobs) returns int
language sql stable as $$
    select count(*)::int from questions q
     where q.request_id = j.request_id and q.slot >= j.slot_start and q.slot < j.slot_start + j.slot_count
$$;

-- Finish a job in one statement: its produced count from the bank, status done (with the shortfall
-- reason, if any) and its request settled. Returns the request status, or null when the lease is
-- no longer ours (another worker took the job over): then nothing is changed.
create or replace function qgen_finish_job(p_job bigint, p_worker text, p_shortfall text) returns text
language plpgsql as $$
declare
    req uuid;
begin
    update qgen_jobs j
       set produced = qgen_job_stored(j),
           status = 'done', finished_at = now(), updated_at = now(), locked_by = null,
           lease_expires_at = null, last_error = p_shortfall
     where j.id = p_job and j.locked_by = p_worker and j.status = 'running'
    returning j.request_id into req;
    if req is null then
        return null;
    end if;
    return qgen_settle_request(req);
end
$$;

-- Requeue a failed or partial request: its failed jobs run again from attempt 0 (dead-letter exit).
create or replace function qgen_requeue(p_request uuid) returns int
language plpgsql as $$
declare
    n int;
begin
    update qgen_jobs set status = 'queued', attempts = 0, run_after = now(), locked_by = null,
                         lease_expires_at = null, updated_at = now(), finished_at = null
     where request_id = p_request and (status = 'failed' or (status = 'done' and produced < slot_count));
    get diagnostics n = row_count;
    if n > 0 then
        update question_requests set status = 'queued', error = null, finished_at = null where id = p_request;
    end if;
    return n;
end
$$;
