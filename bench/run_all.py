"""Run every benchmark under bench/ one after the other and print their tables (`make bench`).

    .venv/bin/python bench/run_all.py            # ack_latency, fanout, digest, then any other bench/*.py
    .venv/bin/python bench/run_all.py digest     # only the named ones

Each benchmark runs in its own interpreter, so one's threads, caches and databases never colour another's numbers.
The exit status is 1 when any benchmark fails (missed its target or crashed), else 0.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
KNOWN = ("ack_latency", "fanout", "digest")


def benchmark_names(requested: list[str]) -> list[str]:
    """The benchmarks to run: the requested ones, else the known ones first and then any other script here."""
    if requested:
        return [name.removesuffix(".py") for name in requested]
    others = sorted(p.stem for p in BENCH_DIR.glob("*.py") if p.stem not in (*KNOWN, "run_all", "__init__")
                    and not p.stem.startswith("_"))
    return [*KNOWN, *others]


def run_benchmark(name: str) -> int | None:
    """Run bench/NAME.py with this interpreter, streaming its output; None when the script does not exist."""
    script = BENCH_DIR / f"{name}.py"
    if not script.is_file():
        print(f"== {name}: skipped, {script.relative_to(BENCH_DIR.parent)} does not exist yet\n", flush=True)
        return None
    print(f"== {name}", flush=True)
    started = time.perf_counter()
    code = subprocess.run([sys.executable, str(script)], cwd=BENCH_DIR.parent).returncode
    print(f"== {name}: exit {code} after {time.perf_counter() - started:.0f} s\n", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and summarize which ones passed."""
    results = {name: run_benchmark(name) for name in benchmark_names(sys.argv[1:] if argv is None else argv)}
    ran = {name: code for name, code in results.items() if code is not None}
    skipped = [name for name, code in results.items() if code is None]
    summary = ", ".join(f"{name} {'ok' if code == 0 else 'FAILED'}" for name, code in ran.items())
    print(f"benchmarks: {summary or 'none ran'}" + (f"; skipped (missing): {', '.join(skipped)}" if skipped else ""))
    return 0 if ran and all(code == 0 for code in ran.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
