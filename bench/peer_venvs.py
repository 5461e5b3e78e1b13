"""The benchmarks' peer contenders, each in a venv of its own under ``bench/.venvs/``, made from a
pinned requirements file (their pins conflict with gongkai's, or they are no dependency of it).

``make bench-venvs`` makes every one ahead (``python bench/peer_venvs.py``); the benchmarks make
a missing or outdated one on first use.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENVS = BENCH / ".venvs"
#: contender -> pinned requirements file under bench/
PEER_REQUIREMENTS = {
    "webarchive": "requirements-webarchive.txt",  # scrapy-webarchive 0.5.3: Scrapy < 2.12
    "warcprox": "requirements-warcprox.txt",  # warcprox 2.13.1: cryptography < 46
    "trafilatura": "requirements-trafilatura.txt",  # trafilatura + htmldate: the processing peer
}


def peer_venv(name: str) -> Path:
    """The venv of a peer contender, made from its pinned requirements file on first use (again
    when the file changed)."""
    requirements = BENCH / PEER_REQUIREMENTS[name]
    venv = VENVS / name
    stamp = venv / ".installed"
    if stamp.exists() and stamp.read_text() == requirements.read_text():
        return venv
    print(f"making {venv} from {requirements.name} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--no-deps", "-r", str(requirements)],
                   check=True)
    stamp.write_text(requirements.read_text())
    return venv


if __name__ == "__main__":
    for contender in PEER_REQUIREMENTS:
        print(f"{contender}: {peer_venv(contender)}", flush=True)
