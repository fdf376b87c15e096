"""Long fuzz run: mutated .mlir, .futil (+ data JSON) and model files through the CLI and API.

    .venv/bin/python bench/fuzz.py --n 5000            # tally per input kind
    .venv/bin/python bench/fuzz.py --n 300 --kinds futil --seed 7 --keep /tmp/fails

Cases are split over the kinds (``--share mlir=0.4,futil=0.4,model=0.2``), run in child
processes with timeouts (``test/fuzz/harness.py``) and counted as ok, clear errors, crashes,
hangs, internal errors, tracebacks and half-written outputs. Exits 1 when any case failed;
``--keep DIR`` copies every failing case's directory (inputs, stdout, stderr, case.json).
The same machinery runs a few hundred fixed-seed cases in ``test/python/test_fuzz.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test" / "fuzz"))

from harness import FAILURES, Fuzzer  # noqa: E402
from mutators import KINDS, CaseFactory  # noqa: E402


def split(n: int, shares: dict[str, float]) -> dict[str, int]:
    total = sum(shares.values())
    counts = {k: int(n * v / total) for k, v in shares.items()}
    for k in sorted(shares, key=shares.get, reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="number of cases (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the mutators")
    ap.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated input kinds")
    ap.add_argument("--share", default="mlir=0.4,futil=0.4,model=0.2", help="case split")
    ap.add_argument("--keep", type=Path, default=None, help="copy failing cases here")
    ap.add_argument("--json", type=Path, default=None, help="write the tally and failures")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = ap.parse_args()

    kinds = [k for k in args.kinds.split(",") if k]
    shares = {k: float(v) for k, v in (item.split("=") for item in args.share.split(","))}
    counts = split(args.n, {k: shares.get(k, 0.0) for k in kinds})
    factory = CaseFactory(args.seed)
    cases = [factory.make(kind, i) for kind in kinds for i in range(counts[kind])]
    # interleave the kinds so that the slow model cases spread over the workers
    cases.sort(key=lambda c: (c["index"] / max(counts[c["kind"]], 1), c["kind"]))
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)

    done = 0
    start = time.perf_counter()

    def progress(case, outcome, detail, seconds):
        nonlocal done
        done += 1
        failed = outcome in FAILURES
        if args.verbose or failed:
            print(
                f"[{done}/{len(cases)}] {case['kind']}#{case['index']} {case['op']} "
                f"({case['driver']}) {outcome} {seconds:.1f}s {detail}",
                flush=True,
            )
        elif done % 100 == 0:
            print(f"[{done}/{len(cases)}] {time.perf_counter() - start:.0f}s", flush=True)

    fuzzer = Fuzzer(jobs=args.jobs, keep_failures=args.keep)
    fuzzer.run(cases, progress=progress)
    elapsed = time.perf_counter() - start
    print()
    print(f"fuzz: {len(cases)} cases, seed {args.seed}, {elapsed:.0f} s")
    print(fuzzer.table())
    for f in fuzzer.failures[:30]:
        print(f"  {f['outcome']}: {f['kind']}#{f['index']} {f['op']} {f['seed']} {f['detail']}")
    if args.json is not None:
        args.json.write_text(
            json.dumps({"tally": fuzzer.tally, "failures": fuzzer.failures}, indent=1) + "\n"
        )
    return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())
