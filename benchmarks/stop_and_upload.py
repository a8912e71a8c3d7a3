"""What a stop costs, and what an oversized upload costs, with real engine processes.

1. The 20 10-Q filings go into one batch with 4 runs waiting on it; a few seconds in, the engine
   is stopped with SIGTERM, and (the baseline, same run) with kill -9 at the same point, which
   never lost anything. Printed: files and runs by status right after the stop, how long the
   stop took, and how long the restart took to finish the batch.
2. A 3 GB upload streamed from a generator against the default 512 MB limit: bytes the client
   got to send before its 413, the peak size of the spool folders, the time to the 413, and
   GET /v1/models p95 meanwhile; baseline: a 500 MB upload within the limit, and p95 idle.

Run: `.venv/bin/python benchmarks/stop_and_upload.py` (BENCH_FILINGS=n for fewer filings).
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from _common import KEY, ROOT, SEC10Q_DOCS, percentile

# A git worktree elsewhere than beside ../shared names the corpus with PDF_COPILOT_CORPUS.
DOCS = (Path(os.environ["PDF_COPILOT_CORPUS"]) / SEC10Q_DOCS.relative_to(SEC10Q_DOCS.parents[4])
        if "PDF_COPILOT_CORPUS" in os.environ else SEC10Q_DOCS)

MB = 1024 * 1024
STOP_AFTER_SECONDS = 6.0
PROBE = """
import json, sys, threading, time, httpx
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
seconds = []
with httpx.Client(headers={"Authorization": "Bearer " + sys.argv[2]}, timeout=60) as client:
    client.get(sys.argv[1])
    print("ready", flush=True)
    while not done.is_set():
        began = time.perf_counter()
        client.get(sys.argv[1])
        seconds.append(time.perf_counter() - began)
print(json.dumps(seconds))
"""


class Engine:
    def __init__(self, data_dir: Path, **env: str):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1"
        self.data_dir = data_dir
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine", "serve", "--port", str(port), "--data-dir",
             str(data_dir), "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, "ENGINE_API_KEY": KEY, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url.removesuffix("/v1") + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        self.http = httpx.Client(base_url=self.url, timeout=120, headers={
            "Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"})

    def stop(self, sig: int = signal.SIGTERM) -> float:
        started = time.monotonic()
        self.http.close()
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)
        return time.monotonic() - started


def counts(data_dir: Path) -> tuple[str, str]:
    conn = sqlite3.connect(data_dir / "engine.sqlite3")
    files = collections.Counter(
        f"{s}" + (f" ({m})" if m else "") for s, m in
        conn.execute("SELECT status, error_message FROM vector_store_files"))
    runs = collections.Counter(
        r[0] + (f" ({json.loads(r[1])['last_error']['message']})" if r[0] == "failed" else "")
        for r in conn.execute("SELECT status, data FROM runs"))
    conn.close()
    return ", ".join(f"{n} {k}" for k, n in sorted(files.items())), \
        ", ".join(f"{n} {k}" for k, n in sorted(runs.items()))


def stop_scenario(paths: list[Path], sig: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        engine = Engine(data)
        ids = []
        for path in paths:
            response = engine.http.post("/files", data={"purpose": "assistants"},
                                        files={"file": (path.name, path.read_bytes())})
            ids.append(response.json()["id"])
        store = engine.http.post("/vector_stores", json={"name": "filings"}).json()
        batch = engine.http.post(f"/vector_stores/{store['id']}/file_batches",
                                 json={"file_ids": ids}).json()
        assistant = engine.http.post("/assistants", json={
            "model": "pdf-copilot-local", "tools": [{"type": "file_search"}],
            "tool_resources": {"file_search": {"vector_store_ids": [store["id"]]}}}).json()
        for _ in range(4):
            thread = engine.http.post("/threads", json={"messages": [
                {"role": "user", "content": "What were the total net sales?"}]}).json()
            engine.http.post(f"/threads/{thread['id']}/runs",
                             json={"assistant_id": assistant["id"]})
        time.sleep(STOP_AFTER_SECONDS)
        took = engine.stop(sig)
        files_after, runs_after = counts(data)
        started = time.monotonic()
        engine = Engine(data)
        while True:
            got = engine.http.get(f"/vector_stores/{store['id']}/file_batches/{batch['id']}").json()
            if got["status"] != "in_progress":
                break
            time.sleep(0.2)
        resumed = time.monotonic() - started
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            runs = counts(data)[1]
            if "queued" not in runs and "in_progress" not in runs:
                break
            time.sleep(0.2)
        files_end, runs_end = counts(data)
        engine.stop()
        return {"stop took": f"{took:.1f} s", "files right after": files_after,
                "runs right after": runs_after,
                "restart → batch done": f"{resumed:.1f} s ({got['status']})",
                "files at the end": files_end, "runs at the end": runs_end}


def multipart(size: int, sent: list[int]) -> Iterator[bytes]:
    boundary = "bench-boundary"
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants"
           f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\";"
           " filename=\"big.pdf\"\r\n\r\n").encode()
    block = bytes(range(256)) * (MB // 256)
    left = size
    while left > 0:
        piece = block[: min(MB, left)]
        sent[0] += len(piece)
        left -= len(piece)
        yield piece
    yield f"\r\n--{boundary}--\r\n".encode()


def upload_scenario() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        spool = Path(tmp) / "spool"
        spool.mkdir()
        engine = Engine(Path(tmp) / "data", TMPDIR=str(spool))
        folders = [engine.data_dir / "blobs" / ".tmp", spool]
        headers = {"Authorization": f"Bearer {KEY}",
                   "Content-Type": "multipart/form-data; boundary=bench-boundary"}

        def measured(size: int) -> tuple[int, int, float, list[float], int]:
            halt, peak, sent = threading.Event(), [0], [0]

            def spooled() -> int:
                total = 0
                for path in (p for f in folders for p in f.rglob("*")):
                    # A spool file may go between listing it and reading its size.
                    with contextlib.suppress(FileNotFoundError):
                        total += path.stat().st_size if path.is_file() else 0
                return total

            def watch() -> None:
                while not halt.is_set():
                    peak[0] = max(peak[0], spooled())
                    time.sleep(0.01)

            watcher = threading.Thread(target=watch)
            watcher.start()
            # The latency probe is another process: this one's GIL is busy uploading.
            probe = subprocess.Popen([sys.executable, "-c", PROBE, engine.url + "/models", KEY],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert probe.stdout is not None
            probe.stdout.readline()
            began = time.monotonic()
            response = httpx.post(engine.url + "/files", content=multipart(size, sent),
                                  headers=headers, timeout=600)
            took = time.monotonic() - began
            out, _ = probe.communicate(timeout=60)
            halt.set()
            watcher.join()
            return response.status_code, sent[0], took, json.loads(out), peak[0]

        idle: list[float] = []
        with httpx.Client(headers={"Authorization": f"Bearer {KEY}"}) as client:
            for _ in range(100):
                began = time.perf_counter()
                client.get(engine.url + "/models")
                idle.append(time.perf_counter() - began)
        fit = measured(500 * MB)
        huge = measured(3000 * MB)
        engine.stop()

    def p95(values: list[float]) -> str:
        return f"{percentile([v * 1000 for v in values], 95):.1f} ms"

    return [
        ("GET /v1/models p95 idle", p95(idle)),
        ("500 MB upload (within the limit)", f"{fit[0]} in {fit[2]:.1f} s, peak spool"
         f" {fit[4] / MB:.0f} MB, /v1/models p95 {p95(fit[3])}"),
        ("3,000 MB upload, 512 MB limit", f"{huge[0]} after {huge[1] / MB:.0f} MB sent, in"
         f" {huge[2]:.1f} s, peak spool {huge[4] / MB:.0f} MB, /v1/models p95 {p95(huge[3])}"),
    ]


def main() -> int:
    if not DOCS.is_dir():
        print(f"corpus not found at {DOCS}")
        return 1
    paths = sorted(DOCS.glob("*.pdf"))[: int(os.environ.get("BENCH_FILINGS", "20"))]
    print(f"{len(paths)} filings, 4 runs waiting on them, stopped {STOP_AFTER_SECONDS:g} s in")
    for name, sig in (("kill -9 (baseline)", signal.SIGKILL), ("SIGTERM", signal.SIGTERM)):
        print(f"\n{name}")
        for key, value in stop_scenario(paths, sig).items():
            print(f"  {key:22} {value}")
    print()
    for key, value in upload_scenario():
        print(f"{key:34} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
