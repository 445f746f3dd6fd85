-- name: record_calls --
-- A round's provider calls ($3: JSON array) for request $1, job $2; adds them to the request's sums.
select qgen_record_calls($1, $2, $3::jsonb)
