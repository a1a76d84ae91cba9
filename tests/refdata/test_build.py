"""The packaged data files: licence notices, size, and agreement with a fresh build from ../shared."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from eucustoms.refdata.loader import DATA_DIR

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "refdata"
# pycountry's version decides these two; a newer pycountry legitimately changes names.
PYCOUNTRY_DATASETS = {"countries", "currencies"}


def test_every_source_keeps_its_notice():
    notice = (DATA_DIR / "NOTICE.md").read_text(encoding="utf-8")
    for needle in ("Ceana Razvan", "Geoapify", "European Central Bank", "Customs Office List", "CS/RD2",
                   "Public Domain", "Department for International Trade", "Crown Copyright", "UNECE"):
        assert needle in notice, needle
    assert "Apache License" in (DATA_DIR / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")


def test_packaged_files_are_listed_and_small():
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    total = 0
    for entry in manifest["datasets"]:
        data = (DATA_DIR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
        total += len(data)
    assert total < 12 * 1024 * 1024


@pytest.mark.skipif(not (SHARED / "README.md").exists(), reason="../shared/refdata is not available")
def test_packaged_data_matches_a_fresh_build(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("build_refdata", REPO / "tools" / "build_refdata.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.main([str(SHARED), "--out", str(tmp_path)]) == 0
    fresh = {d["name"]: d["sha256"] for d in json.loads((tmp_path / "manifest.json").read_text())["datasets"]}
    packaged = {d["name"]: d["sha256"] for d in json.loads((DATA_DIR / "manifest.json").read_text())["datasets"]}
    assert set(fresh) == set(packaged)
    stale = [name for name in fresh if name not in PYCOUNTRY_DATASETS and fresh[name] != packaged[name]]
    assert not stale, f"rebuild the package data (python tools/build_refdata.py): {stale} changed"
    assert (tmp_path / "NOTICE.md").read_text() == (DATA_DIR / "NOTICE.md").read_text()
