"""The workload: ``users`` asyncio clients, each sending one request after another for a fixed time."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import aiohttp

MIXES = {
    # GET grid 70%, GET findings 20%, single-cell PATCH 10%.
    "mixed": (("grid", 70), ("findings", 20), ("patch", 10)),
    "patch": (("patch", 100),),
}
LETTERS = ("", "R", "C", "I", "AR")


@dataclass
class Accepted:
    cell: tuple[int, str]
    expected: str
    letters: str
    version: int


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    accepted: list[Accepted] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    elapsed: float = 0.0


async def run(
    *,
    urls: list[str],
    token: str,
    matrix_id: int,
    hot: dict[tuple[int, str], str],
    mix: str,
    users: int,
    duration: float,
    publish_every: float,
    seed: int = 7,
) -> Results:
    results = Results()
    known = dict(hot)  # what the clients last saw in each hot cell
    kinds, weights = zip(*MIXES[mix], strict=True)
    path = f"/api/v1/orgs/load/matrices/{matrix_id}"
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    stop_at = time.monotonic() + duration
    turn = {"n": 0}

    def base() -> str:
        turn["n"] += 1
        return urls[turn["n"] % len(urls)]

    async def request(session, kind: str, method: str, url: str, body: dict | None = None):
        start = time.perf_counter()
        try:
            async with session.request(method, url, data=json.dumps(body) if body else None) as response:
                payload = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as error:
            results.errors[f"{kind}: {type(error).__name__}"] += 1
            return None, None
        results.latencies[kind].append((time.perf_counter() - start) * 1000)
        results.statuses[kind][status] += 1
        return status, payload

    async def patch(session) -> None:
        cell = rng.choice(list(known))
        expected = known[cell]
        letters = rng.choice([x for x in LETTERS if x != expected])
        change = {"task": cell[0], "role": cell[1], "expected": expected, "letters": letters}
        body = {"changes": [change]}
        status, payload = await request(session, "patch", "PATCH", f"{base()}{path}/grid/", body)
        if status == 200:
            results.accepted.append(Accepted(cell, expected, letters, json.loads(payload)["version"]))
            known[cell] = letters
        elif status == 409:
            for current in json.loads(payload)["error"].get("cells", []):
                known[(current["task"], current["role"])] = current["letters"]

    async def user(session) -> None:
        while time.monotonic() < stop_at:
            kind = rng.choices(kinds, weights)[0]
            if kind == "patch":
                await patch(session)
            else:
                await request(session, kind, "GET", f"{base()}{path}/{kind}/")

    async def publisher(session) -> None:
        while time.monotonic() + publish_every < stop_at:
            await asyncio.sleep(publish_every)
            body = {"note": "load", "override_reason": "Load benchmark"}
            await request(session, "publish", "POST", f"{base()}{path}/revisions/", body)

    connector = aiohttp.TCPConnector(limit=users + 2)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, headers=headers, timeout=timeout) as session:
        started = time.monotonic()
        tasks = [user(session) for _ in range(users)]
        if publish_every:
            tasks.append(publisher(session))
        await asyncio.gather(*tasks)
        results.elapsed = time.monotonic() - started
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(results: Results) -> list[str]:
    lines = [
        f"{'request':<10} {'count':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses",
    ]
    total = 0
    for kind, values in sorted(results.latencies.items()):
        total += len(values)
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(results.statuses[kind].items()))
        lines.append(
            f"{kind:<10} {len(values):>7} {len(values) / results.elapsed:>7.1f} "
            f"{statistics.median(values):>8.1f} {percentile(values, 0.95):>8.1f} "
            f"{percentile(values, 0.99):>8.1f}  {statuses}"
        )
    five = sum(n for counter in results.statuses.values() for code, n in counter.items() if code >= 500)
    lines.append(
        f"all        {total:>7} {total / results.elapsed:>7.1f}   in {results.elapsed:.1f} s; 5xx: {five}; "
        f"client errors: {dict(results.errors) or 0}"
    )
    return lines
