"""Runs fuzz cases in child processes and classifies how each ended.

Every case runs in a worker process (:mod:`worker`), or for the ``subprocess`` driver in a
fresh process running the CLI, with a timeout, so a segfault or a hang is observed and
counted instead of taking the fuzzer down. Outcomes:

``ok``        the command or API call succeeded and its output is complete
``clear``     it failed with torch2calyx's one-message error (``[stage] ...``) or a usage error
``crash``     the process died from a signal (segfault, abort, ...)
``hang``      the case did not finish within its timeout
``internal``  an "internal error" message, a non-torch2calyx exception out of the API, or a
              non-zero exit with no message at all
``traceback`` a Python traceback (or torch's logger printing one) reached stdout/stderr
``halfdir``   a failed run left a partial output (a ``DIR.partial-*`` directory, a half-filled
              design directory, an old design changed) or a successful one an incomplete one

The failures are everything but ``ok`` and ``clear``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTCOMES = ("ok", "clear", "crash", "hang", "internal", "traceback", "halfdir")
FAILURES = ("crash", "hang", "internal", "traceback", "halfdir")
TIMEOUTS = {"mlir": 60.0, "futil": 60.0, "model": 120.0}
DESIGN_FILES = ("program.futil", "design.sv", "design.sv.manifest.json", "data.json")
DESIGN_FILES += ("metadata.json",)

_TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+|"
    r"^[EWF]\d{4} \d\d:\d\d:\d\d|raise error_type",
    re.M,
)


#: what a case's simulator step may take: a simulator that never finishes is stopped by
#: torch2calyx itself (a clear error) well before the case's own timeout
SIM_TIMEOUT = "20"


def _env() -> dict[str, str]:
    env = dict(os.environ, T2C_SIM_TIMEOUT=SIM_TIMEOUT)
    env.pop("T2C_DEBUG", None)
    return env


def _python() -> str:
    venv = HERE.parents[1] / ".venv" / "bin" / "python"
    return str(venv) if venv.is_file() else sys.executable


def native_stamp() -> tuple:
    """When the native libraries were last written (a rebuild while a worker has them mapped
    kills it with SIGBUS or SIGILL: that is no crash of the case)."""
    import importlib.util

    stamps = []
    spec = importlib.util.find_spec("torch2calyx")
    for folder in spec.submodule_search_locations if spec else []:
        stamps += [(p.name, p.stat().st_mtime_ns) for p in Path(folder).glob("_passes*.so")]
    return tuple(sorted(stamps))


class Worker:
    """One worker process; restarted after a crash or a hang."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.replies = None
        self.stamp: tuple = ()

    def start(self) -> None:
        self.stamp = native_stamp()
        read, write = os.pipe()
        env = dict(_env(), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [_python(), str(HERE / "worker.py"), str(write)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write,),
            text=True,
            env=env,
            start_new_session=True,
        )
        os.close(write)
        self.replies = queue.Queue()
        stream = os.fdopen(read, "r")
        threading.Thread(target=self._read, args=(stream, self.replies), daemon=True).start()

    @staticmethod
    def _read(stream, replies: queue.Queue) -> None:
        for line in stream:
            replies.put(json.loads(line))
        replies.put(None)  # the worker is gone

    def run(self, case: dict, folder: Path, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"dir": str(folder), "case": case}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.proc = None
            return self.run(case, folder, timeout)
        try:
            reply = self.replies.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            return {"status": "hang"}
        if reply is None:
            rc = self.proc.wait()
            self.proc = None
            if native_stamp() != self.stamp:
                return {"status": "retry", "rc": rc}
            return {"status": "died", "rc": rc}
        return reply

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


def _run_subprocess(case: dict, folder: Path, timeout: float) -> dict:
    with open(folder / "stdout.txt", "w") as out, open(folder / "stderr.txt", "w") as err:
        proc = subprocess.Popen(
            [_python(), "-m", "torch2calyx", *case["argv"]],
            cwd=folder,
            stdout=out,
            stderr=err,
            env=_env(),
            start_new_session=True,
        )
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return {"status": "hang"}
    if rc < 0:
        return {"status": "died", "rc": rc}
    return {"status": "returned", "rc": rc}


def _prepare(case: dict, folder: Path) -> dict[str, bytes]:
    for name, text in case["files"].items():
        (folder / name).write_text(text, errors="surrogateescape")
    old: dict[str, bytes] = {}
    if case.get("old_design"):
        design = folder / "out"
        design.mkdir()
        for name in DESIGN_FILES:
            (design / name).write_text(f"old {name}\n")
        old = {p.name: p.read_bytes() for p in design.iterdir()}
    return old


def _check_outputs(case: dict, folder: Path, succeeded: bool, old: dict[str, bytes]) -> str | None:
    """What is wrong with the output the case left, or None."""
    partial = [p.name for p in folder.glob("*.partial-*")]
    if partial:
        return f"partial output left behind: {partial}"
    if not case.get("out"):
        return None
    what, name = case["out"]
    path = folder / name
    if what == "file":
        if succeeded and not path.is_file():
            return f"succeeded but wrote no {name}"
        if not succeeded and path.exists():
            return f"failed but wrote {name}"
        return None
    if succeeded:
        missing = [f for f in DESIGN_FILES if not (path / f).is_file()]
        return f"design directory lacks {missing}" if missing else None
    if old:
        now = {p.name: p.read_bytes() for p in path.iterdir()} if path.is_dir() else {}
        return None if now == old else "a failed compile changed the old design"
    return f"failed but left {name}/" if path.exists() else None


def classify(case: dict, reply: dict, folder: Path, old: dict[str, bytes]) -> tuple[str, str]:
    """The outcome of a case and a one-line detail."""
    status = reply.get("status")
    if status == "hang":
        return "hang", "timeout"
    if status == "died":
        rc = reply.get("rc", 0)
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"exit {rc}"
        return "crash", f"killed by {name}"

    def read(n: str) -> str:
        return (folder / n).read_text(errors="replace") if (folder / n).is_file() else ""

    stderr, stdout = read("stderr.txt"), read("stdout.txt")
    message = reply.get("message", "")
    if status == "exception":
        first = message.splitlines()[0] if message else "?"
        if case["driver"] == "api":
            return "internal", f"uncaught {first}"
        return "traceback", f"uncaught {first}"
    text = "\n".join((stderr, stdout, message))
    if "internal error" in text or "internal:" in text:
        line = next(ln for ln in text.splitlines() if "internal" in ln)
        return "internal", line.strip()[:200]
    if _TRACEBACK.search(stderr) or _TRACEBACK.search(stdout):
        line = _TRACEBACK.search(stderr or stdout)
        return "traceback", (line.group() if line else "traceback")[:200]
    succeeded = reply.get("rc") == 0
    problem = _check_outputs(case, folder, succeeded, old)
    if problem:
        return "halfdir", problem
    if succeeded:
        return "ok", ""
    said = (message or stderr).strip()
    if not said:
        return "internal", f"exit {reply.get('rc')} without a message"
    return "clear", said.splitlines()[0][:200]


class Fuzzer:
    """Runs cases on ``jobs`` workers; collects a tally per kind and the failing cases."""

    def __init__(self, jobs: int = 2, keep_failures: Path | None = None) -> None:
        self.jobs = jobs
        self.keep = keep_failures
        self.tally: dict[str, Counter] = {}
        self.failures: list[dict] = []
        self.examples: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def run(self, cases, *, progress=None) -> None:
        todo: queue.Queue = queue.Queue()
        for case in cases:
            todo.put(case)
        root = Path(tempfile.mkdtemp(prefix="t2c-fuzz-"))
        threads = [
            threading.Thread(target=self._loop, args=(todo, root, progress), daemon=True)
            for _ in range(self.jobs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        shutil.rmtree(root, ignore_errors=True)

    def _loop(self, todo: queue.Queue, root: Path, progress) -> None:
        worker = Worker()
        try:
            while True:
                try:
                    case = todo.get_nowait()
                except queue.Empty:
                    return
                self._one(worker, case, root, progress)
        finally:
            worker.stop()

    def _one(self, worker: Worker, case: dict, root: Path, progress) -> None:
        folder = root / f"{case['kind']}-{case['index']}"
        timeout = TIMEOUTS[case["kind"]]
        for _ in range(2):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            old = _prepare(case, folder)
            start = time.perf_counter()
            if case["driver"] == "subprocess":
                reply = _run_subprocess(case, folder, timeout)
            else:
                reply = worker.run(case, folder, timeout)
            if reply.get("status") != "retry":
                break
            # the native library was rebuilt under the worker: run the case once more, afresh
            reply = {"status": "died", "rc": reply.get("rc", 0)}
        outcome, detail = classify(case, reply, folder, old)
        seconds = time.perf_counter() - start
        with self._lock:
            self.tally.setdefault(case["kind"], Counter())[outcome] += 1
            self.examples.setdefault((case["kind"], outcome), detail)
            if outcome in FAILURES:
                record = {k: v for k, v in case.items() if k != "files"}
                record.update(outcome=outcome, detail=detail, seconds=round(seconds, 2))
                self.failures.append(record)
                if self.keep is not None:
                    dest = self.keep / folder.name
                    shutil.rmtree(dest, ignore_errors=True)
                    shutil.copytree(folder, dest, ignore=shutil.ignore_patterns("simcache"))
                    (dest / "case.json").write_text(json.dumps(record, indent=1) + "\n")
            if progress is not None:
                progress(case, outcome, detail, seconds)
        shutil.rmtree(folder, ignore_errors=True)

    def table(self) -> str:
        """The tally per input kind, one row each, plus a total row."""
        header = ("kind", "cases", *OUTCOMES)
        rows = []
        total: Counter = Counter()
        for kind in sorted(self.tally):
            counts = self.tally[kind]
            total.update(counts)
            rows.append((kind, sum(counts.values()), *(counts[o] for o in OUTCOMES)))
        rows.append(("total", sum(total.values()), *(total[o] for o in OUTCOMES)))
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines = ["  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        head = "  ".join(str(c).rjust(w) for c, w in zip(header, widths, strict=True))
        return "\n".join([head, *lines])
