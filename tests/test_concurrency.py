"""The adaptive concurrency limit: its decisions as pure functions (latencies, tokens and errors in, no clock),
and the limiter that holds calls back."""

from __future__ import annotations

import asyncio

import pytest

from service.concurrency import (
    AdaptiveLimiter,
    LimitPolicy,
    LimitState,
    Load,
    Sample,
    initial_state,
    job_room,
    next_state,
    next_state_load,
    signal_of,
    whole,
)

POLICY = LimitPolicy(ceiling=256)
TPOT = 0.012  # seconds per output token of an unloaded pod


def ok(limit: float, *, tpot: float = TPOT, tokens: int = 1000, in_flight: int | None = None) -> Sample:
    return Sample(tpot * tokens, tokens, whole(limit) if in_flight is None else in_flight, "ok")


def feed(state: LimitState, samples: int, tpot: float = TPOT, policy: LimitPolicy = POLICY) -> LimitState:
    for _ in range(samples):
        state = next_state(state, ok(state.limit, tpot=tpot), policy)
    return state


def test_starts_at_the_initial_limit_under_the_ceiling() -> None:
    assert whole(initial_state(POLICY).limit) == 32
    assert whole(initial_state(LimitPolicy(ceiling=4)).limit) == 4


def test_slow_start_grows_by_one_per_good_sample_while_time_per_token_is_flat() -> None:
    state = feed(initial_state(POLICY), 30)
    assert whole(state.limit) == 32 + 30 and state.slow_start and state.baseline == pytest.approx(TPOT)


def test_a_call_that_waited_in_the_queue_ends_slow_start_and_lowers_the_limit() -> None:
    state = feed(initial_state(POLICY), 20)  # limit 52
    queued = next_state(state, ok(state.limit, tpot=TPOT * 3), POLICY)
    assert not queued.slow_start and queued.limit < state.limit
    # a sustained wait keeps lowering it, to where the gradient (2 x 1/3 here) and the queue allowance meet
    for _ in range(60):
        queued = next_state(queued, ok(queued.limit, tpot=TPOT * 3), POLICY)
    assert 12 <= whole(queued.limit) <= 15


def test_a_wait_from_a_call_started_above_the_limit_cuts_no_further() -> None:
    state = LimitState(limit=100, baseline=TPOT, slow_start=False)
    cut = next_state(state, ok(100, tpot=TPOT * 3), POLICY)
    assert cut.limit < 100
    # the calls admitted before the cut report the same wait: already answered
    assert next_state(cut, ok(cut.limit, tpot=TPOT * 3, in_flight=100), POLICY).limit == cut.limit
    # one that started within the new limit still says the queue is too long
    assert next_state(cut, ok(cut.limit, tpot=TPOT * 3, in_flight=whole(cut.limit)), POLICY).limit < cut.limit


def test_after_slow_start_flat_latency_grows_the_limit_by_the_smoothed_queue_allowance() -> None:
    state = LimitState(limit=40, baseline=TPOT, slow_start=False)
    after = next_state(state, ok(40), POLICY)
    assert after.limit == pytest.approx(40 + POLICY.smoothing * POLICY.queue)


def test_a_batch_that_fills_up_is_not_queueing_until_twice_the_no_load_time() -> None:
    state = feed(initial_state(POLICY), 10)
    slower = next_state(state, ok(state.limit, tpot=TPOT * 1.9), POLICY)
    assert slower.slow_start and slower.limit == state.limit + 1


@pytest.mark.parametrize(
    ("kind", "status"),
    [("rate_limited", 429), ("server", 503), ("server", 524), ("server", 500), ("timeout", None), ("server", None)],
)
def test_overload_signals_cut_the_limit_multiplicatively(kind: str, status: int | None) -> None:
    assert signal_of(kind, status) == "drop"
    state = feed(initial_state(POLICY), 8)  # limit 40
    after = next_state(state, Sample(0.5, 0, 40, signal_of(kind, status)), POLICY)
    assert after.limit == pytest.approx(40 * POLICY.backoff_ratio) and not after.slow_start and after.drops == 1


@pytest.mark.parametrize(
    ("kind", "status"),
    [("server", 502), ("bad_request", 400), ("context_length", 400), ("connect", None), ("circuit_open", None),
     ("auth", 401), ("not_found", 404)],
)
def test_failures_that_say_nothing_about_load_leave_the_limit(kind: str, status: int | None) -> None:
    state = feed(initial_state(POLICY), 5)
    assert signal_of(kind, status) == "ignore"
    assert next_state(state, Sample(1.0, 0, 21, signal_of(kind, status)), POLICY) == state


def test_an_unusable_reply_still_counts_as_a_call_that_ran() -> None:
    assert signal_of("invalid_json", None) == "ok" and signal_of("too_few", None) == "ok"


def test_an_app_limited_sample_does_not_grow_the_limit_but_teaches_the_baseline() -> None:
    state = initial_state(POLICY)
    after = next_state(state, ok(32, in_flight=15, tpot=0.010), POLICY)
    assert after.limit == state.limit and after.baseline == pytest.approx(0.010)


def test_short_replies_give_no_time_per_token() -> None:
    state = feed(initial_state(POLICY), 3)
    blind_solve = Sample(4.0, 18, 19, "ok")  # mostly prompt: 0.2 s per output token, not congestion
    assert next_state(state, blind_solve, POLICY) == state


def test_the_baseline_is_the_lowest_time_per_token_and_forgets_slowly() -> None:
    state = feed(initial_state(POLICY), 3, tpot=0.010)
    state = next_state(state, ok(state.limit, tpot=0.008), POLICY)
    assert state.baseline == pytest.approx(0.008)
    slower_pod = feed(state, 50, tpot=0.012)
    assert 0.008 < slower_pod.baseline <= 0.012


def test_the_limit_stays_between_floor_and_ceiling() -> None:
    policy = LimitPolicy(ceiling=20, initial=16)
    state = feed(initial_state(policy), 50, policy=policy)
    assert state.limit == 20
    for _ in range(100):
        state = next_state(state, Sample(100.0, 0, 1, "drop"), policy)
    assert state.limit == policy.floor


def pod_tpot(in_flight: int, seats: int) -> float:
    """A pod with ``seats`` sequences: a decode step grows slowly with the batch; past the seats, calls wait
    in its queue, so their time per token grows with the queue's length."""
    batch = min(in_flight, seats)
    step = 0.010 + 0.00007 * batch
    return step * max(1.0, in_flight / seats)


@pytest.mark.parametrize("seats", [8, 32, 128])
def test_the_limit_settles_near_a_pod_it_was_not_told_about(seats: int) -> None:
    state = initial_state(POLICY)
    first_wave = min(whole(state.limit), seats)  # the first calls find free seats: they never queue
    history = []
    for i in range(400):
        n = whole(state.limit)
        tpot = pod_tpot(min(n, seats), seats) if i < first_wave else pod_tpot(n, seats)
        state = next_state(state, ok(n, tpot=tpot), POLICY)
        history.append(whole(state.limit))
    settled = history[-100:]
    # at most about twice the seats: calls then wait about one call's time (tolerance 2), far from 100 s
    assert min(settled) >= seats * 0.8 and max(settled) <= seats * 2.5 + 4


async def test_limiter_caps_in_flight_calls_at_its_limit_and_records_the_peak() -> None:
    lim = AdaptiveLimiter(LimitPolicy(ceiling=3))
    running = peak = 0

    async def work() -> None:
        nonlocal running, peak
        async with lim as seat:
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.001)
            running -= 1
            seat.observe(0.0, 0, "ignore")

    await asyncio.gather(*(work() for _ in range(20)))
    assert peak == 3 and lim.max_in_flight == 3 and lim.in_flight == 0


async def test_a_higher_limit_lets_waiting_calls_in_and_a_lower_one_holds_new_ones() -> None:
    lim = AdaptiveLimiter(LimitPolicy(ceiling=8, initial=2))
    gate = asyncio.Event()
    entered = 0

    async def work() -> None:
        nonlocal entered
        async with lim:
            entered += 1
            await gate.wait()

    tasks = [asyncio.create_task(work()) for _ in range(6)]
    for _ in range(20):
        await asyncio.sleep(0)
    assert entered == 2
    for _ in range(3):  # three good samples in slow start: 2 -> 5
        lim.record(Sample(TPOT * 1000, 1000, lim.limit, "ok"))
    for _ in range(20):
        await asyncio.sleep(0)
    assert entered == 5 and lim.in_flight == 5
    lim.record(Sample(1.0, 0, 5, "drop"))  # 5 * 0.9: the next call waits for two to end
    gate.set()
    await asyncio.gather(*tasks)
    assert lim.in_flight == 0 and lim.limit == 4


async def test_a_cancelled_waiter_gives_its_place_back() -> None:
    lim = AdaptiveLimiter(LimitPolicy(ceiling=1))
    hold = asyncio.Event()

    async def holder() -> None:
        async with lim:
            await hold.wait()

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    hold.set()
    await first
    assert lim.in_flight == 0
    async with lim:
        assert lim.in_flight == 1


def test_the_limit_is_a_gauge_per_provider() -> None:
    from service.metrics import WorkerMetrics

    m = WorkerMetrics()
    lim = AdaptiveLimiter(LimitPolicy(ceiling=256))
    lim.record(Sample(TPOT * 1000, 1000, 32, "ok"))
    m.refresh_limits({"runpod": lim, "gemini": AdaptiveLimiter(LimitPolicy(ceiling=8))})
    text = m.render().decode()
    assert 'qgen_provider_concurrency_limit{provider="runpod"} 33.0' in text
    assert 'qgen_provider_concurrency_limit{provider="gemini"} 8.0' in text


def test_a_worker_fills_its_job_slots_then_claims_one_more_only_while_every_limit_has_room() -> None:
    room, full, queued = (32, 10, 0), (32, 32, 0), (32, 31, 3)  # (limit, in flight, waiting)
    assert job_room(0, base=4, most=64, routes=[full]) == 4  # QGEN_CONCURRENCY whatever the limits say
    assert job_room(3, base=4, most=64, routes=[full]) == 1
    assert job_room(4, base=4, most=64, routes=[room, room]) == 1
    # calls end as fast as they start (the worker's own work is the bound): no job beyond QGEN_CONCURRENCY
    assert job_room(4, base=4, most=64, routes=[(32, 0, 0)]) == 0
    assert job_room(14, base=4, most=64, routes=[room]) == 0  # 10 extra jobs, 10 calls in flight
    assert job_room(4, base=4, most=64, routes=[room, full]) == 0  # one full route: a new job might only wait
    assert job_room(4, base=4, most=64, routes=[queued]) == 0  # calls already wait for room
    assert job_room(64, base=4, most=64, routes=[room]) == 0  # QGEN_MAX_JOBS
    assert job_room(0, base=4, most=2, routes=[room]) == 2  # QGEN_MAX_JOBS below QGEN_CONCURRENCY wins


def test_the_server_s_gauges_double_the_limit_while_it_has_free_seats() -> None:
    state = initial_state(POLICY)  # 32
    assert next_state_load(state, Load(running=32, waiting=0), 32, POLICY).limit == 64
    # our calls do not fill the limit: the gauges say nothing about more
    assert next_state_load(state, Load(running=20, waiting=0), 20, POLICY).limit == 32


def test_a_queue_that_does_not_drain_ends_slow_start_at_twice_the_running_requests() -> None:
    state = initial_state(POLICY)  # 32 sent to a pod of 8
    first = next_state_load(state, Load(running=8, waiting=24), 32, POLICY)
    assert first.limit == 32 and first.slow_start  # maybe only waiting for the prefill budget: wait and see
    full = next_state_load(first, Load(running=8, waiting=24), 32, POLICY)
    assert full.limit == 16 and not full.slow_start
    # after slow start the latency rule alone moves the limit
    assert next_state_load(full, Load(running=8, waiting=0), 16, POLICY) == full


def test_requests_waiting_only_for_their_prefill_do_not_end_slow_start() -> None:
    state = next_state_load(initial_state(POLICY), Load(running=58, waiting=6), 64, POLICY)
    growing = next_state_load(state, Load(running=64, waiting=2), 64, POLICY)  # the queue drains into seats
    assert growing.slow_start and growing.limit == state.limit
