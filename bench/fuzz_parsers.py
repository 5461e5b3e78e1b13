"""Fuzz the page parsers: body decoding, spam cleaning, extraction and the spider's listing and
article parsing, with hypothesis and a large example budget.

Each generated input (an HTTP body with headers, drawn from VSB page fragments, hacked-page
fragments, broken markup, control characters and raw bytes) goes through every parser, with the
properties of ``tests/test_properties.py`` checked. Failures are collected, not fatal, so one run
reports every distinct failure it met.

    .venv/bin/python bench/fuzz_parsers.py --examples 20000 --seed 1 --json fuzz.json

Results and the machine are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_properties import (  # noqa: E402  (the checks live with the property tests)
    check_clean,
    check_decode,
    check_extract,
    check_idempotent,
    check_spider,
    http_bodies,
    make_spider,
)
from pipelines.decode import BodyDecodeError, decode_body  # noqa: E402

CHECKS = ("decode", "clean", "idempotent", "extract", "spider")


def run(examples: int, fuzz_seed: int) -> dict:
    spider = make_spider()
    tried = Counter()
    failures: dict[str, dict] = {}

    def attempt(name: str, fn, *args) -> None:
        tried[name] += 1
        try:
            fn(*args)
        except Exception as exc:  # collected: a fuzz run reports every distinct failure
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{name}: {type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            entry = failures.setdefault(key, {"count": 0, "example": repr(args)[:300], "error": str(exc)[:300]})
            entry["count"] += 1

    @seed(fuzz_seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(http_bodies())
    def one(pair):
        headers, body = pair
        tried["inputs"] += 1
        attempt("decode", check_decode, headers, body)
        try:
            _, html = decode_body(headers, body)
        except BodyDecodeError:
            html = body.decode("utf-8", "replace")
        attempt("clean", check_clean, html)
        attempt("idempotent", check_idempotent, html)
        attempt("extract", check_extract, html)
        attempt("spider", check_spider, spider, body)

    began = time.monotonic()
    one()
    seconds = time.monotonic() - began
    return {
        "inputs": tried["inputs"],
        "checks": {name: tried[name] for name in CHECKS},
        "failures": failures,
        "seconds": round(seconds, 1),
        "inputs_per_second": round(tried["inputs"] / seconds, 1) if seconds else None,
        "seed": fuzz_seed,
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="write the summary here")
    args = parser.parse_args(argv)
    summary = run(args.examples, args.seed)
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
