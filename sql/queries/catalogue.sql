-- The subject catalogue (sql/migrations/20261204000300_subjects.sql), read by the worker at start
-- (service/catalogue.py). Read-only.

-- name: catalogue_subjects --
select s.subject, s.route, s.description,
       coalesce((select array_agg(a.alias order by a.alias) from qgen_subject_aliases a where a.subject = s.subject),
                '{}') as aliases
  from qgen_subjects s
 order by s.subject;

-- name: catalogue_topics --
select t.subject, t.topic, t.description from qgen_topics t order by t.subject, t.position, t.topic;

-- name: catalogue_open --
select coalesce((select lower(btrim(value)) in ('true', 't', 'yes', 'on', '1')
                   from qgen_settings where key = 'open_subjects'), false) as open;

-- name: canonical_subject --
-- The catalogue's name for a subject written any way it knows, or null.
select qgen_canonical_subject($1::text) as subject;
