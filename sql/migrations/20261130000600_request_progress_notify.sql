-- qgen request progress notifications: every change of a request's status or produced count is sent on
-- the channel 'qgen_requests', so that `qgen enqueue --wait` (and any operator tool) can follow a request
-- with LISTEN instead of polling. The existing 'qgen_jobs' notification fires only when a request becomes
-- queued (it wakes the workers' claim loop); progress goes on its own channel so that it never wakes them.
-- Payload: {"id": "<uuid>", "status": "...", "produced": n, "count": n} (well under the 8000-byte limit).
-- Notifications are delivered at commit; produced changes once per insert statement into questions.
-- Who may LISTEN: any role that can connect; on Supabase that is operators (PostgREST users cannot LISTEN).
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

create or replace function qgen_requests_notify_progress() returns trigger
language plpgsql as $$
begin
    perform pg_notify('qgen_requests', json_build_object(
        'id', new.id, 'status', new.status, 'produced', new.produced, 'count', new.count)::text);
    return null;
end
$$;

drop trigger if exists qgen_requests_notify_progress on question_requests;
create trigger qgen_requests_notify_progress after update of status, produced on question_requests
    for each row when (new.status is distinct from old.status or new.produced is distinct from old.produced)
    execute function qgen_requests_notify_progress();

-- Like every qgen_ function (20261129000200_security.sql): not callable by users through PostgREST.
revoke all on function qgen_requests_notify_progress() from public, anon, authenticated;
grant execute on function qgen_requests_notify_progress() to service_role;
