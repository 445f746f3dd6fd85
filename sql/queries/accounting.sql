-- name: record_calls --
-- A round's provider calls ($3: JSON array) for request $1, job $2; adds them to the request's sums.
select qgen_record_calls($1, $2, $3::jsonb)

-- name: record_batch_calls --
-- The calls answered by batch $3 ($4: JSON array) for request $1, job $2, recorded only by the first round
-- that reads the batch (qgen_batches.accounted_at): another read of the same answers records nothing. The
-- number of calls recorded.
with first_read as (
    update qgen_batches set accounted_at = now() where name = $3 and accounted_at is null returning id
)
select case when exists (select 1 from first_read) then qgen_record_calls($1, $2, $4::jsonb) else 0 end
