"""``make bench``: run every benchmark, print the results and rewrite docs/performance.md.

    python -m tests.bench            # the full run (target: under 10 minutes on 2 cores)
    python -m tests.bench --quick    # a smoke run with few repetitions (numbers not meaningful)

Cold starts run first, alone. Then two lanes, one per core: the main process times what is
measured in wall-clock time against a floor, one benchmark after another (warm requests,
rendering, the show feeds at 100 and 1,000 episodes, scale at 100, 1,000 and 10,000 stored
articles); beside it, a second lane runs, in processes of their own and one after the other, the
benchmarks whose verdicts do not rest on wall-clock time: the capacity simulation (it only counts)
and the local server loaded with 2,000 articles through its API (compared in CPU time). The report
says how long each part took, the load average over the run and the CPU time the run used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from tests.bench import (
    bench_capacity,
    bench_coldstart,
    bench_local,
    bench_rendering,
    bench_requests,
    bench_scale,
    bench_shows,
)
from tests.bench import support as s
from tests.bench.report import Report


def machine() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    packages = {}
    for name in (
        "boto3",
        "botocore",
        "aws-lambda-powertools",
        "pydantic",
        "feedgen",
        "lxml",
        "moto",
        "awscrt",
    ):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "absent"
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_start": os.getloadavg(),
        "packages": packages,
    }


class LoadSampler:
    """The 1-minute load average, sampled every few seconds while the run lasts."""

    def __init__(self, every: float = 10.0) -> None:
        self.samples: list[float] = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])
        return {
            "mean": sum(self.samples) / len(self.samples),
            "max": max(self.samples),
        }


class SideLane:
    """Commands run one after the other in a thread of this process (which only waits), so they
    overlap the main lane's benchmarks; each one's wall time is kept."""

    def __init__(self, commands: list[tuple[str, list[str]]], started: float) -> None:
        self.commands = commands
        self.started = started
        self.seconds: dict[str, float] = {}
        self.failed: str | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for name, command in self.commands:
            print(f"[{time.perf_counter() - self.started:6.0f} s] {name} (second lane)", flush=True)
            begin = time.perf_counter()
            done = subprocess.run(command, cwd=s.ROOT, env=s.subprocess_env(), check=False)
            self.seconds[name] = time.perf_counter() - begin
            if done.returncode != 0:
                self.failed = name
                return

    def wait(self) -> dict[str, float]:
        self._thread.join()
        if self.failed is not None:
            raise SystemExit(f"the {self.failed} benchmark failed")
        return self.seconds


def cpu_seconds() -> float:
    """CPU time of this process and of every process it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few repetitions (smoke run)")
    parser.add_argument("--readers", type=int, default=None, help="simulated readers")
    parser.add_argument(
        "--output", type=Path, default=s.ROOT / "docs" / "performance.md", help="report file"
    )
    options = parser.parse_args()
    quick = options.quick
    readers = options.readers or (50 if quick else 500)
    started = time.perf_counter()
    info = machine()
    load = LoadSampler()
    print(f"contentfeed benchmarks: {info['nproc']} CPU(s), {info['cpu']}, Python {info['python']}")
    steps: dict[str, float] = {}
    mark = [started]

    def step(name: str) -> None:
        now = time.perf_counter()
        if name:
            print(f"[{now - started:6.0f} s] {name}", flush=True)
        if steps:
            steps[list(steps)[-1]] = now - mark[0]
        if name:
            steps[name] = 0.0
        mark[0] = now

    with tempfile.TemporaryDirectory() as folder:
        capacity_out = Path(folder) / "capacity.json"
        local_out = Path(folder) / "local.json"
        local_sizes = ["100", "300"] if quick else [str(n) for n in bench_local.SIZES]
        capacity = ["tests.bench.bench_capacity", "--readers", str(readers)]
        runs = "5" if quick else "15"
        local_server = ["tests.bench.bench_local", "--sizes", *local_sizes, "--runs", runs]
        # Cold starts run alone: fresh interpreters are the most sensitive to a busy neighbour
        # (here two vCPUs that may share one physical core), and their floor is absolute.
        step("cold starts")
        cold = bench_coldstart.run(runs=3 if quick else 10, piece_runs=1 if quick else 3)
        side = SideLane(
            [
                (
                    f"capacity simulation ({readers} readers)",
                    [sys.executable, "-m", *capacity, "--json", str(capacity_out)],
                ),
                (
                    f"the local server at {local_sizes[0]} and {local_sizes[1]} articles",
                    [sys.executable, "-m", *local_server, "--json", str(local_out)],
                ),
            ],
            started,
        )
        step("warm requests")
        warm = bench_requests.run(runs=20 if quick else 200)
        step("rendering")
        rendering = bench_rendering.run({20: 5, 100: 3} if quick else None)
        step("show feeds")
        shows = bench_shows.run(
            sizes=(20, 200) if quick else bench_shows.SIZES, runs=3 if quick else 10
        )
        step("scale")
        sizes = (100, 1_000) if quick else bench_scale.SIZES
        scale = bench_scale.run(sizes=sizes, runs=20 if quick else 100)
        step("waiting for the second lane")
        lane = side.wait()
        step("")
        sim = bench_capacity.SimResult(**json.loads(capacity_out.read_text()))
        local = bench_local.load(local_out)

    info["load_end"] = os.getloadavg()
    info["load"] = load.stop()
    info["cpu_seconds"] = cpu_seconds()
    info["steps"] = steps
    info["second_lane"] = lane
    elapsed = time.perf_counter() - started
    report = Report(
        info, cold, warm, rendering, scale, sim, elapsed, quick=quick, local=local, shows=shows
    )
    options.output.write_text(report.markdown(), encoding="utf-8")
    print()
    print(report.console())
    print(f"\nwrote {options.output}; whole run {elapsed / 60:.1f} min")


if __name__ == "__main__":
    main()
