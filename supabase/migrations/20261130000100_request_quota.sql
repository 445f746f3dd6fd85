-- qgen per-user quota: one user (requested_by) may have at most max_open_questions questions still to
-- generate in queued or running requests. A request that would go over it is kept and rejected with a
-- readable error, like any other invalid row; it gets no jobs. Operator rows (requested_by null) are exempt.
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

-- Default 2000: four requests of the largest count (max_count 500) open at once is plenty for one person,
-- and one user can no longer queue 100 such requests in half a second and crowd out everyone else.
insert into qgen_settings (key, value, description) values
    ('max_open_questions', '2000',
     'most questions one user (requested_by) may have queued or running at once; 0 turns the quota off')
on conflict (key) do nothing;

-- Runs as a second BEFORE INSERT trigger: triggers of one kind fire in name order, so it sees the row
-- after qgen_requests_before_insert has normalised and validated it, and only checks rows still queued.
create or replace function qgen_requests_quota() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
    quota int;
    open_questions bigint;
begin
    if new.status is distinct from 'queued' or new.requested_by is null then
        return new;
    end if;
    quota := qgen_setting_int('max_open_questions', 2000);
    if quota <= 0 then
        return new;
    end if;
    -- One user's inserts take turns until commit, so two concurrent requests cannot both count the
    -- open questions without the other's. Each query of this (volatile) function takes a new snapshot
    -- under READ COMMITTED (PostgREST's level), so the sum below sees what the previous holder committed.
    perform pg_advisory_xact_lock(1903521652, hashtext(new.requested_by::text));  -- 'quot', user
    select coalesce(sum(greatest(r.count - r.produced, 0)), 0) into open_questions
      from question_requests r
     where r.requested_by = new.requested_by and r.status in ('queued', 'running');
    if open_questions + new.count > quota then
        new.status := 'rejected';
        new.error := format(
            'rejected: you already have %s questions queued or running and this request asks for %s more; '
            'the limit is %s open questions per user. Wait for your running requests to finish, '
            'or ask an operator to raise max_open_questions',
            open_questions, new.count, quota);
        new.finished_at := now();
    end if;
    return new;
end
$$;

drop trigger if exists qgen_requests_quota on question_requests;
create trigger qgen_requests_quota before insert on question_requests
    for each row execute function qgen_requests_quota();

-- Like every qgen_ function (20261129000200_security.sql): not callable by users through PostgREST.
revoke all on function qgen_requests_quota() from public, anon, authenticated;
grant execute on function qgen_requests_quota() to service_role;
