-- SAMPLE DATA for a local stack only (`supabase db reset` runs this after the migrations).
-- Two example requests without an owner (requested_by is null), so no signed-in user sees them;
-- a local worker (`qgen worker`) picks them up. Never run this against a real project.
insert into question_requests (subject, topic, subtopic, exam, difficulty, question_type, count, instructions)
values
    ('Mathematics', 'Limits', 'L''Hôpital''s rule', 'JEE Main', 'medium', 'mcq', 5,
     'Sample request from supabase/seed.sql.'),
    ('Physics', 'Geometrical optics', 'Thin lenses', 'NEET', 'easy', 'numeric', 3,
     'Sample request from supabase/seed.sql.');
