-- qgen: how each verdict of the answer-key gate was reached. 'cross': another provider or model solved the
-- question blind once; 'self_consistency': the generator's own model solved it several times and its
-- solves agreed with each other; 'cheap_checks': no model was needed (the solution contradicts the key).
-- Null: not checked (gate off, verifier down, imported). Idempotent; plain PostgreSQL 15-18 and Supabase.

alter table questions add column if not exists verification_method text;
alter table question_disputes add column if not exists verification_method text;

do $$
begin
    if not exists (select 1 from pg_constraint where conname = 'questions_verification_method_check') then
        alter table questions add constraint questions_verification_method_check
            check (verification_method in ('cross', 'self_consistency', 'cheap_checks'));
    end if;
    if not exists (select 1 from pg_constraint where conname = 'question_disputes_verification_method_check') then
        alter table question_disputes add constraint question_disputes_verification_method_check
            check (verification_method in ('cross', 'self_consistency', 'cheap_checks'));
    end if;
end;
$$;

comment on column questions.verification_method is
    'How the verdict was reached: cross (another provider or model solved it blind), self_consistency (the '
    'generator''s own model solved it several times and agreed with itself), cheap_checks (no model needed); '
    'null when it was not checked.';
comment on column question_disputes.verification_method is
    'How the dispute was found: cross, self_consistency or cheap_checks (see questions.verification_method).';
