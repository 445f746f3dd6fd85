-- qgen workers: a heartbeat row per worker process (what Flower's Workers tab shows), the worker that ran
-- each job kept after the job ends, and requeue that resumes a cancelled request.
-- Idempotent; plain PostgreSQL 15-18 and Supabase. Operators only, like qgen_jobs and provider_calls.

create table if not exists qgen_workers (
    id text primary key,  -- the worker id, as in qgen_jobs.locked_by and qgen_jobs.worker
    host text not null,
    pid integer not null,
    version text not null,
    concurrency integer not null check (concurrency >= 1),
    beat_interval_s real not null check (beat_interval_s > 0),
    started_at timestamptz not null default now(),
    last_beat_at timestamptz not null default now(),
    stopped_at timestamptz,
    jobs_in_flight integer not null default 0 check (jobs_in_flight >= 0),
    jobs_done bigint not null default 0,
    jobs_retried bigint not null default 0,
    questions_stored bigint not null default 0
);
create index if not exists qgen_workers_last_beat_idx on qgen_workers (last_beat_at);

comment on table qgen_workers is
    'One row per worker process, written by the worker: registered at start, beaten every beat_interval_s, '
    'marked stopped on a clean exit. Rows of workers silent for 7 days are deleted when a worker starts. Operators only.';
comment on column qgen_workers.id is 'host:pid:random, the value qgen_jobs.locked_by holds while the worker runs a job.';
comment on column qgen_workers.version is 'The qgen version the worker runs.';
comment on column qgen_workers.beat_interval_s is 'How often the worker writes last_beat_at; three missed beats read as lost.';
comment on column qgen_workers.stopped_at is 'When the worker stopped cleanly; null while it runs (or after it died).';
comment on column qgen_workers.jobs_in_flight is 'Jobs it was running at its last beat.';
comment on column qgen_workers.jobs_done is 'Jobs it completed since it started (at its last beat).';
comment on column qgen_workers.jobs_retried is 'Job attempts that failed on it since it started (at its last beat).';
comment on column qgen_workers.questions_stored is 'Questions it stored since it started (at its last beat).';

-- locked_by is the lease and is cleared when a job ends; worker is who ran the latest attempt, and stays.
alter table qgen_jobs add column if not exists worker text;
update qgen_jobs set worker = locked_by where worker is null and locked_by is not null;
comment on column qgen_jobs.worker is
    'The worker that claimed the latest attempt (qgen_workers.id); kept when the job ends, so a finished job says who ran it.';

create or replace view worker_status with (security_invoker = true) as
select w.id as worker,
       w.host,
       w.pid,
       w.version,
       case when w.stopped_at is not null then 'stopped'
            when w.last_beat_at >= now() - make_interval(secs => 3 * w.beat_interval_s) then 'online'
            else 'lost' end as state,
       w.concurrency,
       w.jobs_in_flight,
       (select count(*) from qgen_jobs j where j.status = 'running' and j.locked_by = w.id) as jobs_leased,
       w.jobs_done,
       w.jobs_retried,
       w.questions_stored,
       w.started_at,
       w.last_beat_at,
       date_trunc('second', now() - w.last_beat_at) as since_last_beat,
       w.stopped_at
  from qgen_workers w;

comment on view worker_status is
    'One row per worker process (qgen status --workers shows it): online (a beat within three intervals), lost '
    '(silent: killed, or its host is gone; its jobs are taken over when their leases expire) or stopped (clean '
    'exit). Operators only.';
comment on column worker_status.worker is 'The worker id: host:pid:random, as qgen_jobs.worker and locked_by hold it.';
comment on column worker_status.host is 'The host name the worker runs on.';
comment on column worker_status.pid is 'Its operating-system process id on that host.';
comment on column worker_status.version is 'The qgen version it runs.';
comment on column worker_status.state is
    'online (a beat within three intervals), lost (silent longer: killed, or its host is gone) or stopped (clean exit).';
comment on column worker_status.concurrency is 'How many jobs it runs at once at most (QGEN_CONCURRENCY).';
comment on column worker_status.jobs_in_flight is 'Jobs it was running at its last beat.';
comment on column worker_status.jobs_leased is 'Running jobs whose lease this worker holds now (from qgen_jobs).';
comment on column worker_status.jobs_done is 'Jobs it completed since it started.';
comment on column worker_status.jobs_retried is 'Job attempts that failed on it since it started.';
comment on column worker_status.questions_stored is 'Questions it stored since it started.';
comment on column worker_status.started_at is 'When the worker process started serving.';
comment on column worker_status.last_beat_at is 'Its last heartbeat.';
comment on column worker_status.since_last_beat is 'Time since its last heartbeat.';
comment on column worker_status.stopped_at is 'When it stopped cleanly; null while it runs (or after it died).';

alter table qgen_workers enable row level security;
revoke all on table qgen_workers from public, anon, authenticated;
grant all on table qgen_workers to service_role;
revoke all on table worker_status from public, anon, authenticated;
grant select on table worker_status to service_role;

-- Requeue a failed, partial or cancelled request: its failed, short and cancelled jobs run again from
-- attempt 0 (a cancelled request's jobs that never ended simply resume). Returns how many jobs will run.
-- Locks the request row first, as qgen_settle_request does, so a concurrent finish or cancel serialises.
create or replace function qgen_requeue(p_request uuid) returns int
language plpgsql set search_path = public, extensions as $$
declare
    was text;
    n int;
    open_jobs int;
begin
    select status into was from question_requests where id = p_request for no key update;
    if not found or was = 'rejected' then
        return 0;
    end if;
    update qgen_jobs set status = 'queued', attempts = 0, run_after = now(), locked_by = null,
                         lease_expires_at = null, updated_at = now(), finished_at = null
     where request_id = p_request
       and (status = 'failed' or (status = 'done' and produced < slot_count)
            or (status = 'cancelled' and was = 'cancelled'));
    get diagnostics n = row_count;
    if was = 'cancelled' then
        select count(*) into open_jobs from qgen_jobs where request_id = p_request and status in ('queued', 'running');
        n := open_jobs;
    end if;
    if n > 0 then
        update question_requests set status = 'queued', error = null, finished_at = null where id = p_request;
        perform qgen_settle_request(p_request);  -- running again if one of its jobs still runs
    end if;
    return n;
end
$$;
