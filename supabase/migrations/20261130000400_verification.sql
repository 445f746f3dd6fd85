-- qgen answer-key verification: every stored question says whether an independent model, solving it
-- blind, agreed with its key; disputed items go to a review table instead of the bank (by default).
-- Idempotent; plain PostgreSQL 15-18 and Supabase.

alter table questions
    add column if not exists verification text not null default 'unverified',
    add column if not exists verifier_provider text,
    add column if not exists verifier_model text,
    add column if not exists verifier_answer jsonb;

do $$
begin
    if not exists (select 1 from pg_constraint where conname = 'questions_verification_check') then
        alter table questions add constraint questions_verification_check
            check (verification in ('verified', 'unverified', 'disputed'));
    end if;
end;
$$;

comment on column questions.verification is
    'verified: a second model solving the question blind picked the marked answer; unverified: not checked '
    '(gate off, verifier down, or imported); disputed: the verifier disagreed and policy kept the item.';
comment on column questions.verifier_provider is 'Who re-solved the question (provider name), when it was verified.';
comment on column questions.verifier_model is 'The model that re-solved the question.';
comment on column questions.verifier_answer is
    'What the verifier answered: {"choice": i} for MCQ (0-based), {"answer": x, "unit": u} for numeric.';

-- Items whose key the verifier disputed and that were not stored: for a person to review.
create table if not exists question_disputes (
    id bigint generated always as identity primary key,
    request_id uuid references question_requests (id) on delete set null,
    job_id bigint,
    subject text not null,
    topic text not null,
    question_type text not null,
    question_text text not null,
    body jsonb not null,
    provider text not null,
    model text not null,
    verifier_provider text not null,
    verifier_model text not null,
    verifier_answer jsonb not null,
    reason text not null,
    stored_question_id uuid references questions (id) on delete set null,
    created_at timestamptz not null default now()
);
create index if not exists question_disputes_request_idx on question_disputes (request_id);
create index if not exists question_disputes_created_idx on question_disputes (created_at);

comment on table question_disputes is
    'Generated questions whose answer key an independent blind re-solve disputed. Not in the bank unless '
    'QGEN_STORE_DISPUTED is on (then stored_question_id points at the stored, marked copy). Review them here.';
comment on column question_disputes.body is 'The generated item as the generator wrote it: key, options and solution.';
comment on column question_disputes.reason is 'Why it was disputed, e.g. "verifier chose option 2, key says 0".';

-- Operators only.
alter table question_disputes enable row level security;
revoke all on table question_disputes from public, anon, authenticated;
grant all on table question_disputes to service_role;
