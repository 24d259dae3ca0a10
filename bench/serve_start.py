"""How long `goalbot serve --http` takes to answer, and what starting it costs: the parent, its web processes and
its after-ack process, on a migrated SQLite database, until /healthz answers (then it is stopped).

    .venv/bin/python bench/serve_start.py                      # 7 starts, 2 web processes and 1 after-ack
    .venv/bin/python bench/serve_start.py --old-ref 7074025    # that commit's code and this one, alternating

"ready" is the wall time from the command to the first 200 from /healthz; "CPU" is the CPU time of the whole
process tree (user and system) from the command until it has stopped, every process having finished starting
(the run waits three seconds after ready for the others). Each start is a new process tree, as after a deploy or a
crash of the supervisor; a web or after-ack process started again after its own crash costs what one of them
costs here, minus the parent's share.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import ROOT, load_average, old_code


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_start(root: str, workers: int, after_ack: int) -> tuple[float, float]:
    """Start `goalbot serve --http` from the code in `root` on a new migrated database; (ready s, CPU s)."""
    folder = tempfile.mkdtemp(prefix="goalbot-serve-bench-")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": root, "DATABASE_URL": f"sqlite:///{folder}/goalbot.db",
           "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "bench-secret",
           "SLACK_API_URL": "http://127.0.0.1:9/api/", "GOALBOT_LOG_LEVEL": "WARNING"}
    env.pop("SLACK_APP_TOKEN", None)
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, cwd=root, check=True,
                   capture_output=True)
    cpu = _children_cpu()
    began = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1", "--port",
                               str(port), "--workers", str(workers), "--after-ack", str(after_ack),
                               "--no-scheduler"], env=env, cwd=root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"goalbot serve stopped: {server.communicate()[1][-2000:]}") from None
                time.sleep(0.01)
        ready = time.perf_counter() - began
        # The other web and after-ack processes finish starting (code before 1adfba8 imported the app in each of
        # them after the fork, and a SIGTERM while one was starting could leave it serving for ever).
        time.sleep(3.0)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # its processes die with it (PR_SET_PDEATHSIG)
            server.kill()
            server.communicate()
            print("  (a start did not stop within 60 s of SIGTERM and was killed)", file=sys.stderr)
    return ready, _children_cpu() - cpu


def main() -> int:
    """Print ready time and CPU per start (and against --old-ref), as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="starts per code (default 7)")
    parser.add_argument("--workers", type=int, default=2, help="web processes (default 2)")
    parser.add_argument("--after-ack", type=int, default=1, help="after-ack processes (default 1)")
    parser.add_argument("--old-ref", default=None, help="also start the code of this git commit, alternating")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        codes = [("this code", str(ROOT))]
        if args.old_ref:
            codes.append((args.old_ref, old_code(args.old_ref, tmp)))
        results: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in codes}
        for _ in range(args.runs):
            for label, root in codes:
                results[label].append(one_start(root, args.workers, args.after_ack))
    print(f"{args.workers} web process(es), {args.after_ack} after-ack process(es), {args.runs} starts each, "
          f"load average {load_average()}")
    print("| code | ready s p50 | ready s max | CPU s p50 | CPU s max |")
    print("|---|---|---|---|---|")
    for label, runs in results.items():
        ready, cpu = [r for r, _ in runs], [c for _, c in runs]
        print(f"| {label} | {statistics.median(ready):.2f} | {max(ready):.2f} | {statistics.median(cpu):.2f} "
              f"| {max(cpu):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
