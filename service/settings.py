"""Settings from the environment or ``.env``; the variable names are a contract other tools rely on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .providers.base import ThinkingLevel

# A current stable Flash model: gemini-3.5-flash went GA on 19 May 2026 (Gemini API changelog) with no
# shutdown date announced (deprecations page); gemini-2.5-flash is on that page with a 2026 shutdown.
# The worker checks the configured model with models.get at start and names the Flash models it may use.
DEFAULT_GEMINI_MODEL = "gemini-3.5-flash"
# what an orphaned-batch grace must exceed GEMINI_TIMEOUT_S by: the worker's database retries (db.with_retry)
ORPHAN_GRACE_MARGIN_S = 60.0


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Every knob of the service. Field names are Python names; ``validation_alias`` is the env name."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # --- database -------------------------------------------------------------------------
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"), repr=False)  # may hold a password
    qgen_home: Path = Field(Path(".qgen"), validation_alias=_env("QGEN_HOME"))
    # 'session' = direct connection or Supabase session pooler (LISTEN works);
    # 'transaction' = Supabase transaction pooler on :6543 (no LISTEN, no prepared statements).
    pooler_mode: Literal["session", "transaction"] = Field("session", validation_alias=_env("QGEN_POOLER_MODE"))

    # --- mode ------------------------------------------------------------------------------
    # True: the worker starts the loopback simulators and uses nothing else. Never implied by a
    # missing setting: a worker with no configured provider and no QGEN_SIMULATE refuses to start.
    simulate: bool = Field(False, validation_alias=_env("QGEN_SIMULATE"))

    # --- RunPod (vLLM serving Aryabhata) -------------------------------------------------
    runpod_base_url: str | None = Field(None, validation_alias=_env("RUNPOD_BASE_URL"))
    runpod_api_key: str | None = Field(None, validation_alias=_env("RUNPOD_API_KEY"), repr=False)
    runpod_model: str = Field("PhysicsWallahAI/Aryabhata-1.0", validation_alias=_env("RUNPOD_MODEL"))
    # 'openai' = /v1/chat/completions; 'native' = serverless /run + /status/{id} (+ /cancel/{id})
    runpod_api: Literal["openai", "native"] = Field("openai", validation_alias=_env("RUNPOD_API"))
    # how strict JSON is requested from vLLM >= 0.12: 'response_format' (json_schema) or 'structured_outputs'
    runpod_json_mode: Literal["response_format", "structured_outputs"] = Field(
        "response_format", validation_alias=_env("RUNPOD_JSON_MODE")
    )
    # the ceiling of the adaptive limit (service/concurrency.py), which finds the pod's size by itself: 256 is
    # vLLM's default max_num_seqs for its OpenAI server (below 70 GB and on A100s, vllm/engine/arg_utils.py),
    # so more calls in flight than this could only wait in the server's queue
    runpod_max_concurrency: int = Field(256, ge=1, validation_alias=_env("RUNPOD_MAX_CONCURRENCY"))
    # questions per generation call at most (fewer when the window is smaller). Small calls on purpose: a
    # pod fills a request only when it has more calls than seats (the longest call ends the fill: calls of 7
    # on a pod of 128 sequences reach 0.67 of its full-batch speed, calls of 2 reach 0.94, BENCHMARKS.md), a
    # short call is far from the proxy's 100 s, and the prompt they repeat is a byte-identical prefix that
    # vLLM's prefix cache does not compute again; a pod is paid by the hour, not by the prompt token
    runpod_max_questions_per_call: int = Field(2, ge=1, validation_alias=_env("RUNPOD_MAX_QUESTIONS_PER_CALL"))
    # the whole call, polling included; a pod's proxy cuts requests at 100 s (HTTP 524)
    runpod_timeout_s: float = Field(90.0, gt=0, validation_alias=_env("RUNPOD_TIMEOUT_S"))
    # serverless: how long a call waits for a worker (a job IN_QUEUE, or /health before the OpenAI route)
    # before giving up; nothing is resubmitted meanwhile. worker-vllm cold starts take tens of seconds to
    # minutes (image pull, model download and load), hence the 5 minutes.
    runpod_cold_start_wait_s: float = Field(300.0, ge=0, validation_alias=_env("RUNPOD_COLD_START_WAIT_S"))
    # serverless: seconds between /status (and /health) polls; RunPod allows 2000 /status per 10 s
    runpod_poll_s: float = Field(1.0, gt=0, validation_alias=_env("RUNPOD_POLL_S"))
    # used when the server does not report max_model_len on /v1/models
    runpod_context_tokens: int = Field(4096, ge=512, validation_alias=_env("RUNPOD_CONTEXT_TOKENS"))
    # sampling overrides; unset: the model family's profile (providers/runpod.py: Qwen2.5's generation_config)
    runpod_temperature: float | None = Field(None, ge=0, le=2, validation_alias=_env("RUNPOD_TEMPERATURE"))
    runpod_top_p: float | None = Field(None, gt=0, le=1, validation_alias=_env("RUNPOD_TOP_P"))
    # output budget per question when sizing calls to the context window (prompt + n * this <= context)
    runpod_tokens_per_question: int = Field(
        default=450, ge=50, validation_alias=_env("RUNPOD_TOKENS_PER_QUESTION")
    )
    # End-of-turn token ids. vLLM skips special tokens when detokenising (skip_special_tokens=true),
    # so stop *strings* such as "<|im_end|>" never match; token ids do. Defaults: Aryabhata-1.0's
    # Qwen2.5 tokenizer, <|im_end|> = 151645 and <|endoftext|> = 151643.
    runpod_stop_token_ids: list[int] = Field(
        default_factory=lambda: [151645, 151643], validation_alias=_env("RUNPOD_STOP_TOKEN_IDS")
    )

    # --- Gemini --------------------------------------------------------------------------
    gemini_api_key: str | None = Field(None, validation_alias=_env("GEMINI_API_KEY"), repr=False)
    gemini_model: str = Field(DEFAULT_GEMINI_MODEL, validation_alias=_env("GEMINI_MODEL"))
    gemini_base_url: str | None = Field(None, validation_alias=_env("GEMINI_BASE_URL"))
    # Vertex AI instead of the Gemini API: google-genai's own variables
    gemini_use_vertexai: bool = Field(False, validation_alias=_env("GOOGLE_GENAI_USE_VERTEXAI"))
    google_cloud_project: str | None = Field(None, validation_alias=_env("GOOGLE_CLOUD_PROJECT"))
    google_cloud_location: str | None = Field(None, validation_alias=_env("GOOGLE_CLOUD_LOCATION"))
    gemini_max_concurrency: int = Field(8, ge=1, validation_alias=_env("GEMINI_MAX_CONCURRENCY"))
    gemini_timeout_s: float = Field(120.0, gt=0, validation_alias=_env("GEMINI_TIMEOUT_S"))
    # sampling and thinking overrides; unset: the model family's profile (providers/gemini.py: Google's
    # Gemini 3 guide keeps temperature at 1.0 and sets a thinking level per purpose)
    gemini_temperature: float | None = Field(None, ge=0, le=2, validation_alias=_env("GEMINI_TEMPERATURE"))
    gemini_top_p: float | None = Field(None, gt=0, le=1, validation_alias=_env("GEMINI_TOP_P"))
    gemini_thinking_level: ThinkingLevel | None = Field(None, validation_alias=_env("GEMINI_THINKING_LEVEL"))
    gemini_verify_thinking_level: ThinkingLevel | None = Field(
        None, validation_alias=_env("GEMINI_VERIFY_THINKING_LEVEL")
    )
    # output tokens reserved for thinking in every call, instead of the thinking level's headroom
    gemini_output_headroom: int | None = Field(None, ge=0, validation_alias=_env("GEMINI_OUTPUT_HEADROOM"))
    gemini_max_questions_per_call: int = Field(10, ge=1, validation_alias=_env("GEMINI_MAX_QUESTIONS_PER_CALL"))
    gemini_tokens_per_question: int = Field(
        default=700, ge=50, validation_alias=_env("GEMINI_TOKENS_PER_QUESTION")
    )

    # --- routing, retry, circuit breaker -------------------------------------------------
    # comma-separated subject=provider rules; '*' is the default. Providers: runpod, gemini.
    routes: str = Field("mathematics=runpod,physics=runpod,*=gemini", validation_alias=_env("QGEN_ROUTES"))
    # providers that fill what the routed one could not, tried in this order (comma-separated)
    fallback: str = Field("gemini", validation_alias=_env("QGEN_FALLBACK"))
    fallback_enabled: bool = Field(True, validation_alias=_env("QGEN_FALLBACK_ENABLED"))
    call_attempts: int = Field(3, ge=1, validation_alias=_env("QGEN_CALL_ATTEMPTS"))
    backoff_base_s: float = Field(0.5, ge=0, validation_alias=_env("QGEN_BACKOFF_BASE_S"))
    backoff_max_s: float = Field(20.0, ge=0, validation_alias=_env("QGEN_BACKOFF_MAX_S"))
    breaker_failures: int = Field(5, ge=1, validation_alias=_env("QGEN_BREAKER_FAILURES"))
    breaker_cooldown_s: float = Field(30.0, ge=0, validation_alias=_env("QGEN_BREAKER_COOLDOWN_S"))

    # --- worker and queue ----------------------------------------------------------------
    concurrency: int = Field(4, ge=1, le=256, validation_alias=_env("QGEN_CONCURRENCY"))
    # beyond QGEN_CONCURRENCY a worker claims one more job at a time while every provider's adaptive limit has
    # room (no call waiting), up to this many: a big pod is filled by one worker (service/concurrency.py job_room)
    max_jobs: int = Field(64, ge=1, le=1024, validation_alias=_env("QGEN_MAX_JOBS"))
    poll_interval_s: float = Field(2.0, gt=0, validation_alias=_env("QGEN_POLL_INTERVAL_S"))
    lease_s: float = Field(30.0, gt=0, validation_alias=_env("QGEN_LEASE_S"))
    # a job's attempts are not a setting here: qgen_settings.max_attempts, copied to each job as it is split
    job_retry_base_s: float = Field(5.0, ge=0, validation_alias=_env("QGEN_JOB_RETRY_BASE_S"))
    topup_rounds: int = Field(3, ge=0, validation_alias=_env("QGEN_TOPUP_ROUNDS"))

    # --- Batch mode (requests with mode 'batch'; service/batch.py) ---------------------------
    # the first poll of a submitted batch after this many seconds, each later one 1.5x longer, at most the cap;
    # the job waits in the queue meanwhile (no worker slot held)
    batch_poll_s: float = Field(30.0, gt=0, validation_alias=_env("QGEN_BATCH_POLL_S"))
    batch_poll_max_s: float = Field(600.0, gt=0, validation_alias=_env("QGEN_BATCH_POLL_MAX_S"))
    # a batch still pending or running after this long is cancelled and its questions generated online:
    # Google's target is 24 hours (the Batch API guide); a batch unfinished after 48 hours expires anyway
    batch_max_wait_s: float = Field(86_400.0, gt=0, validation_alias=_env("QGEN_BATCH_MAX_WAIT_S"))
    # orphaned batches (service/batch_orphans.py): each worker lists the key's batches at start and then every this
    # many seconds (0: never), and cancels those named after a qgen job that no qgen_batches row records, still
    # waiting after the grace. Not on every sweep tick: a listing reads every batch of the key, one call per page,
    # to find what only a worker stopped between submitting and recording leaves. The grace covers a live worker
    # between those two steps: its create may answer GEMINI_TIMEOUT_S late, then its insert retries
    batch_orphan_check_s: float = Field(300.0, ge=0, validation_alias=_env("QGEN_BATCH_ORPHAN_CHECK_S"))
    batch_orphan_grace_s: float = Field(
        300.0, gt=0, validate_default=True, validation_alias=_env("QGEN_BATCH_ORPHAN_GRACE_S")
    )

    # --- embedding and dedupe ------------------------------------------------------------
    embedding_model: str = Field("all-MiniLM-L6-v2", validation_alias=_env("EMBEDDING_MODEL"))
    embedding_backend: Literal["torch", "onnx"] = Field("torch", validation_alias=_env("QGEN_EMBEDDING_BACKEND"))
    dedup_threshold: float = Field(0.8, gt=0, le=1, validation_alias=_env("QGEN_DEDUP_THRESHOLD"))
    dedup_scope: Literal["subject", "topic", "global"] = Field("subject", validation_alias=_env("QGEN_DEDUP_SCOPE"))
    # HNSW candidates examined per probe (hnsw.ef_search), and rows of the scope it asks the index for:
    # with pgvector >= 0.8 its iterative scan goes on past rows of other scopes (docs/dedupe.md).
    dedup_ef_search: int = Field(64, ge=10, le=1000, validation_alias=_env("QGEN_DEDUP_EF_SEARCH"))
    # A question that differs from a bank question only in its numbers is a variant of it: refused
    # ('reject'), or stored with questions.variant_of while its original has fewer than N ('allow').
    variant_policy: Literal["reject", "allow"] = Field("reject", validation_alias=_env("QGEN_VARIANT_POLICY"))
    variants_per_original: int = Field(3, ge=0, validation_alias=_env("QGEN_VARIANTS_PER_ORIGINAL"))

    # --- on topic or refused (service/topic.py): an item nearer another catalogue subject than its own by
    # more than the margin is refused with reason off_topic; the blind solve judges the rest (calibrated in
    # docs/topic.md: 0.25 with the answer-key gate on, 0.05 under QGEN_VERIFY=off)
    topic_check: bool = Field(True, validation_alias=_env("QGEN_TOPIC_CHECK"))
    topic_margin: float = Field(0.25, ge=-1, le=2, validation_alias=_env("QGEN_TOPIC_MARGIN"))

    # --- answer-key verification (service/verify.py) -----------------------------------------
    verify: Literal["on", "off"] = Field("on", validation_alias=_env("QGEN_VERIFY"))
    # generator[/subject]=verifier: who re-solves whose items ('*' for any generator). Unrouted items, or a
    # verifier that is not configured: the generator's own model, QGEN_VERIFY_SELF_SOLVES times
    verify_routes: str = Field(
        "runpod=gemini,gemini/mathematics=runpod,gemini/physics=runpod", validation_alias=_env("QGEN_VERIFY_ROUTES")
    )
    # another model for the blind solves: 'gemini-3.1-pro-preview' (Gemini's) or 'runpod:org/model'; unset: the
    # verifier's own. Checked at start like the provider's own model: a name the service does not serve stops it.
    verify_model: str | None = Field(None, validation_alias=_env("QGEN_VERIFY_MODEL"))
    # independent solves that must agree when a model checks its own items (self-consistency)
    verify_self_solves: int = Field(2, ge=1, le=5, validation_alias=_env("QGEN_VERIFY_SELF_SOLVES"))
    verify_tolerance: float = Field(0.01, gt=0, lt=1, validation_alias=_env("QGEN_VERIFY_TOLERANCE"))  # relative
    # blind solves per verify call at most (fewer when the verifier's window is smaller); 1: one per call
    verify_batch: int = Field(8, ge=1, le=64, validation_alias=_env("QGEN_VERIFY_BATCH"))
    # disputed items: kept out of the bank (reviewed in question_disputes) unless this is true
    store_disputed: bool = Field(False, validation_alias=_env("QGEN_STORE_DISPUTED"))
    # verifier down (circuit open, every retry failed): 'store' the item unverified, or 'wait' (retry the job)
    verify_unavailable: Literal["store", "wait"] = Field("store", validation_alias=_env("QGEN_VERIFY_UNAVAILABLE"))

    # USD per million prompt/completion[/cached prompt] tokens, per provider or provider/model (service/prices.py),
    # e.g. {"gemini/gemini-3.5-flash": [0.3, 2.5], "runpod": [0, 0]}; set, it replaces the shipped price table
    # (service/data/prices.toml); a model in neither has no cost (unknown, not zero)
    prices: str = Field("", validation_alias=_env("QGEN_PRICES"))

    log_level: str = Field("INFO", validation_alias=_env("QGEN_LOG_LEVEL"))
    # 'json': one JSON object per line with request/job/provider ids (service/logs.py); 'text' for people
    log_format: Literal["text", "json"] = Field("text", validation_alias=_env("QGEN_LOG_FORMAT"))
    # /healthz, /readyz and /metrics (service/health.py) on this port; unset: not served; 0: any free port
    metrics_port: int | None = Field(None, ge=0, le=65535, validation_alias=_env("QGEN_METRICS_PORT"))
    metrics_host: str = Field("127.0.0.1", validation_alias=_env("QGEN_METRICS_HOST"))

    @field_validator("runpod_base_url", "gemini_base_url", "database_url", "runpod_api_key", "gemini_api_key")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @field_validator(
        "metrics_port",
        "runpod_temperature",
        "runpod_top_p",
        "gemini_temperature",
        "gemini_top_p",
        "gemini_thinking_level",
        "gemini_verify_thinking_level",
        "gemini_output_headroom",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        if isinstance(v, str):
            return v.strip().lower() or None  # 'HIGH' is Google's spelling of the level 'high'
        return v

    @field_validator("runpod_json_mode", mode="before")
    @classmethod
    def _no_guided_json(cls, v: object) -> object:
        if isinstance(v, str) and v.strip().lower() == "guided_json":
            # vLLM 0.12 removed guided_json and answers HTTP 200 with unconstrained output: refuse it
            raise ValueError("guided_json was removed in vLLM 0.12 and is silently ignored; use response_format")
        return v

    @field_validator("batch_orphan_grace_s")
    @classmethod
    def _orphan_grace_covers_a_submit(cls, v: float, info: ValidationInfo) -> float:
        # a live worker's batch younger than its create timeout plus a minute of database retries may not be
        # recorded yet: a shorter grace would cancel it (service/batch_orphans.py)
        timeout, check = info.data.get("gemini_timeout_s"), info.data.get("batch_orphan_check_s")
        if timeout is not None and check and v < timeout + ORPHAN_GRACE_MARGIN_S:
            raise ValueError(f"{v:g} s is less than GEMINI_TIMEOUT_S ({timeout:g}) + {ORPHAN_GRACE_MARGIN_S:g} s: a live "
                             "worker's batch could be cancelled before it is recorded")
        return v

    def configured_providers(self) -> list[str]:
        """Provider keys that real settings configure (RunPod by URL, Gemini by key or Vertex AI)."""
        found = []
        if self.runpod_base_url:
            found.append("runpod")
        if self.gemini_api_key or self.gemini_use_vertexai:
            found.append("gemini")
        return found

    def secrets(self) -> list[str]:
        """Values that must never reach a log line or a stored row."""
        return [s for s in (self.runpod_api_key, self.gemini_api_key) if s]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
