#!/usr/bin/env python3
"""The two set-up commands of eucustoms, on a machine with nothing but Python 3.11+:

    python3 dev.py demo      # create/refresh .venv, install, run `eucustoms demo` (extra args are passed on)
    python3 dev.py test      # create/refresh .venv, install with test extras, run the whole test suite

Both are idempotent: the virtual environment is (re)installed only when pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("EUCUSTOMS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*cmd: str | Path, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"eucustoms needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    run(PY, "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(wanted)


def ensure_browser() -> None:
    """The browser tests drive Debian's Chromium (Playwright never downloads one). Install it when missing and
    this machine can (root with apt-get); otherwise say so (those tests then fail on CI, and skip elsewhere)."""
    if shutil.which("chromium") or os.environ.get("EUCUSTOMS_CHROMIUM"):
        return
    if os.name != "nt" and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            run("apt-get", "install", "-y", "--no-install-recommends", "chromium", env=env)
        except subprocess.CalledProcessError:
            run("apt-get", "update", env=env)
            run("apt-get", "install", "-y", "--no-install-recommends", "chromium", env=env)
        return
    print("note: Chromium is not installed (apt-get install chromium); the browser tests need it", flush=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "demo":
        ensure_venv("")
        return subprocess.call([str(BIN / "eucustoms"), "demo", *rest])
    ensure_venv("test")
    ensure_browser()
    return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
