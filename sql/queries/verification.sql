-- name: insert_disputes --
-- Candidates whose key the gate disputed, for review (parallel arrays).
insert into question_disputes (request_id, job_id, subject, topic, question_type, question_text, body, provider,
                               model, verifier_provider, verifier_model, verifier_answer, reason,
                               stored_question_id, verification_method)
select request_id, job_id, subject, topic, question_type, question_text, body::jsonb, provider, model,
       verifier_provider, verifier_model, verifier_answer::jsonb, reason, stored_question_id, verification_method
  from unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::uuid[], $15::text[])
       as t(request_id, job_id, subject, topic, question_type, question_text, body, provider, model,
            verifier_provider, verifier_model, verifier_answer, reason, stored_question_id, verification_method);
