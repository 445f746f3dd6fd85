-- qgen variants: a question that differs from a bank question only in its numbers is a variant of it.
-- The bank stores each question's number-masked key (service.dedupe.variant_key, computed in Python) so
-- that a variant is found at any embedding similarity, and, for variants kept under
-- QGEN_VARIANT_POLICY=allow, the original they vary. Refused variants are question_rejects rows with
-- reason 'variant' and the original in matched_question_id.
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

alter table questions
    add column if not exists variant_key text,
    add column if not exists variant_of uuid references questions (id) on delete set null;

-- The dedupe probe looks a candidate's key up in its scope.
create index if not exists questions_scope_variant_key_idx on questions (scope_key, variant_key)
    where variant_key is not null;
-- How many variants an original has (the per-original cap), and "all variants of X" for people.
create index if not exists questions_variant_of_idx on questions (variant_of) where variant_of is not null;

comment on column questions.variant_key is
    'SHA-256 of the number-masked question text and options (service.dedupe.variant_key): equal for two '
    'questions that differ only in their numbers. Null for rows stored before 20261130000300.';
comment on column questions.variant_of is
    'The original this question is a variant of (only its numbers differ), when QGEN_VARIANT_POLICY=allow '
    'kept it; null for an original.';
comment on column question_rejects.reason is
    'Why it was refused: exact_duplicate, near_duplicate, batch_duplicate (a duplicate of a bank row or of an '
    'earlier item of its batch), variant (only its numbers differ from matched_question_id, the original, and '
    'QGEN_VARIANT_POLICY refused it), slot_filled (its slot was stored by an earlier run of the job).';
