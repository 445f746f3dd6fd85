-- qgen: what each column of request_costs (20261205000200_call_costs.sql) means, as every view column
-- whose name does not say it all carries a comment. Idempotent; plain PostgreSQL 15-18 and Supabase.

comment on column request_costs.stored is 'Questions stored for the request (question_requests.produced).';
comment on column request_costs.verified is 'Questions stored as verified: a blind solve by an independent model reached the key.';
comment on column request_costs.cached_tokens is 'Prompt tokens of the request''s calls served from a prompt cache.';
comment on column request_costs.thinking_tokens is 'Output tokens of the request''s calls spent thinking before the answer.';
comment on column request_costs.priced_calls is 'Calls with a price; fewer than calls: cost_usd is a lower bound.';
comment on column request_costs.tokens_per_verified is
    'Prompt and completion tokens of every call (failed, blind solves, unkept candidates) per verified question.';
comment on column request_costs.cost_per_verified_usd is 'cost_usd per verified question; null without a verified question.';
