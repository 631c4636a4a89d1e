"""Part 3: what the fixtures cost a test suite, against pytest-httpx with a hand-written answer.

Four generated suites of N tests run as ``python -m pytest -p no:cacheprovider -q`` in a
subprocess, in a temporary folder outside the project (so none of its configuration applies):

* ``plain``: each test passes (what pytest itself costs per test; subtracted from the others);
* ``oauth_provider``: each test fetches one token from the in-process provider fixture;
* ``oauth_server``: the same against the loopback server fixture;
* ``pytest-httpx``: each test registers a hand-written token answer with ``httpx_mock`` and
  fetches it (the least a hand-mocked suite does).

Each suite's ``conftest.py`` times pytest's run-test loop (set-up, call and teardown of every
test) and writes it to a file, so interpreter start-up, plugin imports and collection, which
are the same for every suite but vary by seconds on a busy machine, stay out of the numbers.
Per-test overhead is the time per test after the first, minus the same for the plain suite;
the first test's extra cost (one-time imports) is reported beside it.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from common import PYTHON, Row, Settings, median, ratio, unavailable

HEADER = """\
import httpx

CLIENT = httpx.Client()
FORM = {"grant_type": "client_credentials"}
"""

BODIES = {
    "plain": """
def test_{n}():
    pass
""",
    "oauth_provider": """
def test_{n}(oauth_provider):
    response = CLIENT.post(oauth_provider.token_url, auth=("demo-client", "demo-secret"), data=FORM)
    assert response.json()["access_token"]
""",
    "oauth_server": """
def test_{n}(oauth_server):
    response = CLIENT.post(oauth_server.token_url, auth=("demo-client", "demo-secret"), data=FORM)
    assert response.json()["access_token"]
""",
    "pytest-httpx": """
def test_{n}(httpx_mock):
    httpx_mock.add_response(
        method="POST",
        url="https://mock-oauth.test/oauth/token",
        json={{"access_token": "token-{n}", "token_type": "Bearer", "expires_in": 3600}},
    )
    response = CLIENT.post(
        "https://mock-oauth.test/oauth/token", auth=("demo-client", "demo-secret"), data=FORM
    )
    assert response.json()["access_token"]
""",
}
PER_FILE = 100
LOOP_FILE = "runtestloop-seconds.txt"
CONFTEST = f"""\
import time
from pathlib import Path

import pytest

FIRST_DONE = []


def pytest_runtest_logfinish(nodeid, location):
    if not FIRST_DONE:
        FIRST_DONE.append(time.perf_counter())


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        end = time.perf_counter()
        first = (FIRST_DONE or [end])[0]
        (Path(__file__).parent / "{LOOP_FILE}").write_text(f"{{first - start!r}} {{end - first!r}}")
"""


def write_suite(folder: Path, kind: str, count: int) -> Path:
    """Write ``count`` tests of ``kind`` into ``folder/kind`` (100 per module)."""
    suite = folder / kind.replace("-", "_")
    suite.mkdir(parents=True, exist_ok=True)
    (suite / "pytest.ini").write_text("[pytest]\n")
    (suite / "conftest.py").write_text(CONFTEST)
    for start in range(0, count, PER_FILE):
        tests = "".join(
            BODIES[kind].format(n=n) for n in range(start, min(count, start + PER_FILE))
        )
        (suite / f"test_{start:05d}.py").write_text(HEADER + tests)
    return suite


def run_suite(suite: Path, expected: int) -> tuple[float, float]:
    """Seconds per test after the first, and seconds of the first test (which pays the
    one-time imports); raises if the suite did not pass ``expected`` tests."""
    (suite / LOOP_FILE).unlink(missing_ok=True)
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-p", "no:xdist"],
        cwd=suite,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0 or f"{expected} passed" not in result.stdout:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise RuntimeError(f"{suite.name} failed: " + " | ".join(tail))
    first, rest = (float(word) for word in (suite / LOOP_FILE).read_text().split())
    return rest / max(1, expected - 1), first


def warm_up(suite: Path, count: int) -> str | None:
    """Run a suite once (compiling its modules); return why it cannot run, or ``None``.

    A missing fixture (``fixture 'oauth_provider' not found``) makes its suite unavailable.
    """
    try:
        run_suite(suite, count)
    except RuntimeError as exc:
        return str(exc)[:300]
    return None


def measure_fixtures(settings: Settings) -> list[Row]:
    """Part 3: per-test overhead of each fixture suite, and the ratios."""
    count = settings.suite_tests
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="oauthcc-bench-") as tmp:
        folder = Path(tmp)
        kinds: list[str] = []
        for kind in ("plain", "oauth_provider", "oauth_server", "pytest-httpx"):
            suite = write_suite(folder, kind, count)
            # The full run warms each suite up first (module compilation, disk cache).
            why = warm_up(suite, count) if settings.mode == "full" else None
            if why is None:
                kinds.append(kind)
            else:
                rows.append(unavailable("3", "fixture overhead per test", kind, why))
        suites: dict[str, Callable[[], tuple[float, float]]] = {
            kind: _runner(folder / kind.replace("-", "_"), count) for kind in kinds
        }
        samples = _measure(settings, suites, rows)
    if "plain" not in samples:
        return rows
    plain = median([per_test for per_test, _ in samples["plain"]])
    plain_first = median([first for _, first in samples["plain"]])
    overhead = {
        kind: [per_test - plain for per_test, _ in values]
        for kind, values in samples.items()
        if kind != "plain"
    }
    httpx_mock = median(overhead["pytest-httpx"]) if "pytest-httpx" in overhead else None
    for kind, values in overhead.items():
        value = median(values)
        r = ratio(value, httpx_mock) if kind != "pytest-httpx" else None
        first = median([first for _, first in samples[kind]]) - plain_first
        is_target = kind == "oauth_provider"
        rows.append(
            Row(
                "3",
                f"fixture overhead per test ({count} tests, one token each)",
                kind,
                value,
                "s",
                baseline="pytest-httpx hand-written answer" if r is not None else "",
                baseline_value=httpx_mock if r is not None else None,
                ratio=r,
                target="< 1 ms and <= 1.5x" if is_target else "",
                met=(value < 1e-3 and r is not None and r <= 1.5) if is_target else None,
                note=f"first test +{first * 1e3:.0f} ms (one-time imports); "
                f"plain pytest {plain * 1e3:.2f} ms per test",
                samples=values,
            )
        )
    return rows


def _runner(suite: Path, count: int) -> Callable[[], tuple[float, float]]:
    return lambda: run_suite(suite, count)


def _measure(
    settings: Settings, suites: dict[str, Callable[[], tuple[float, float]]], rows: list[Row]
) -> dict[str, list[tuple[float, float]]]:
    """Interleaved repetitions (rotating the order); a suite that fails is dropped and
    reported unavailable (a fixture that does not exist yet fails every test)."""
    repeats = {"smoke": 1, "quick": 2}.get(settings.mode, 5)
    names = list(suites)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    broken: set[str] = set()
    for rep in range(repeats):
        shift = rep % len(names)
        for kind in names[shift:] + names[:shift]:
            if kind in broken:
                continue
            try:
                samples[kind].append(suites[kind]())
            except RuntimeError as exc:
                broken.add(kind)
                rows.append(unavailable("3", "fixture overhead per test", kind, str(exc)[:300]))
    return {kind: values for kind, values in samples.items() if kind not in broken}
