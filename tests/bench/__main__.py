"""``make bench``: run every benchmark, print the results and rewrite docs/performance.md.

    python -m tests.bench            # the full run (~8 minutes on 2 cores)
    python -m tests.bench --quick    # a smoke run with few repetitions (numbers not meaningful)

Order: cold starts, warm requests, rendering and the show feeds (one show at 100 and 1,000
episodes, about 80 s) run alone (they are timed); the capacity simulation, which
only counts, runs in a second process while the scale benchmark loads and measures its tables;
then the local server is loaded with 2,000 articles through its API, in a process of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
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
    print(f"contentfeed benchmarks: {info['nproc']} CPU(s), {info['cpu']}, Python {info['python']}")

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {name}", flush=True)

    step("cold starts")
    cold = bench_coldstart.run(runs=3 if quick else 10, piece_runs=1 if quick else 3)
    step("warm requests")
    warm = bench_requests.run(runs=20 if quick else 200)
    step("rendering")
    rendering = bench_rendering.run({20: 5, 100: 3} if quick else None)
    step("show feeds")
    shows = bench_shows.run(
        sizes=(20, 200) if quick else bench_shows.SIZES, runs=3 if quick else 10
    )

    step(f"capacity simulation ({readers} readers, in a second process) and scale")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "capacity.json"
        simulation = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.bench.bench_capacity",
                "--readers",
                str(readers),
                "--json",
                str(out),
            ],
            cwd=s.ROOT,
            env=s.subprocess_env(),
        )
        sizes = (100, 1_000) if quick else bench_scale.SIZES
        scale = bench_scale.run(sizes=sizes, runs=20 if quick else 100)
        step("waiting for the capacity simulation")
        if simulation.wait() != 0:
            raise SystemExit("the capacity simulation failed")
        sim = bench_capacity.SimResult(**json.loads(out.read_text()))
        step("the local server at 100 and 2,000 articles (in a process of its own)")
        local_out = Path(folder) / "local.json"
        local_sizes = ["100", "300"] if quick else [str(n) for n in bench_local.SIZES]
        command = [sys.executable, "-m", "tests.bench.bench_local", "--json", str(local_out)]
        command += ["--sizes", *local_sizes, "--runs", "5" if quick else "15"]
        if subprocess.run(command, cwd=s.ROOT, env=s.subprocess_env(), check=False).returncode:
            raise SystemExit("the local server benchmark failed")
        local = bench_local.load(local_out)

    info["load_end"] = os.getloadavg()
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
