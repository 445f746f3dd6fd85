-- Probes: is the database there, and what does it run (service/health.py, service/worker.py, service/doctor.py).

-- name: ping --
-- The cheapest round trip: readiness (/readyz) and the LISTEN connection's keepalive.
select 1;

-- name: server_version --
show server_version;

-- name: vector_version --
-- Null when pgvector is not installed.
select extversion from pg_extension where extname = 'vector';
