"""``load_tariff(db)``: load the representative tariff dataset (idempotent), checked by every business rule first."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from eucustoms.core.clock import now
from eucustoms.core.errors import CustomsError
from eucustoms.platform.db import Database, insert_ignore

from . import store
from .dataset import Dataset, from_yaml
from .rules import check


class TariffDataInvalid(CustomsError):
    """The tariff data breaks business rules: nothing was loaded."""

    def __init__(self, violations):
        self.violations = violations
        super().__init__(f"{len(violations)} business rule violation(s): " + "; ".join(map(str, violations[:5])))


# The static tables are replaced as a whole; the quota tables keep their state (balances, requests, events).
_STATIC = [store.measure_condition, store.measure_component, store.measure, store.quota_order_origin,
           store.geographical_membership, store.geographical_area, store.goods_nomenclature, store.regulation,
           store.measure_type, store.additional_code, store.certificate, store.vat_rate]


def _chunks(rows: list[dict], size: int = 2000):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def write(conn: Connection, ds: Dataset) -> None:
    """Replace the static tariff tables with ``ds``; add order numbers and quota definitions not yet stored."""
    for table in _STATIC:
        conn.execute(delete(table))
    s = store
    for table, rows in [(s.goods_nomenclature, ds.goods), (s.geographical_area, ds.areas),
                        (s.geographical_membership, ds.memberships), (s.regulation, ds.regulations),
                        (s.measure_type, ds.measure_types), (s.additional_code, ds.additional_codes),
                        (s.certificate, ds.certificates), (s.vat_rate, ds.vat_rates)]:
        for chunk in _chunks(rows):
            conn.execute(insert(table), chunk)
    for o in ds.order_numbers:
        conn.execute(insert_ignore(conn, s.quota_order_number, ["order_number"]), [o])
        conn.execute(update(s.quota_order_number).where(s.quota_order_number.c.order_number == o["order_number"])
                     .values(valid_from=o["valid_from"], valid_to=o["valid_to"], description=o["description"]))
    if ds.origins:
        conn.execute(insert(s.quota_order_origin), ds.origins)
    if ds.definitions:
        # A definition already stored keeps its balance: reloading must never give back allocated quantities.
        conn.execute(insert_ignore(conn, s.quota_definition, ["sid"]), ds.definitions)
    measures = [{k: v for k, v in m.items() if k not in ("components", "conditions")} for m in ds.measures]
    components = [{"measure_sid": m["sid"], **c} for m in ds.measures for c in m["components"]]
    conditions = [{"measure_sid": m["sid"], **c} for m in ds.measures for c in m["conditions"]]
    for table, rows in [(s.measure, measures), (s.measure_component, components), (s.measure_condition, conditions)]:
        for chunk in _chunks(rows):
            conn.execute(insert(table), chunk)
    conn.execute(delete(s.release).where(s.release.c.dataset == "tariff"))
    conn.execute(insert(s.release).values(dataset="tariff", version=ds_version_label(), sha256=ds.version, loaded_at=now()))


def ds_version_label() -> str:
    import yaml

    from .dataset import DATA

    with DATA.open() as f:
        for line in f:
            if line.startswith("version:"):
                return str(yaml.safe_load(line)["version"])
    return "unknown"


def load_tariff(db: Database, *, force: bool = False) -> dict[str, int]:
    """Load the shipped tariff (needs the reference data loaded). Does nothing if the same version is loaded.

    Returns the number of rows per kind (empty when nothing had to be loaded)."""
    with db.begin() as conn:
        ds = from_yaml(conn)
        current = conn.execute(select(store.release.c.sha256).where(store.release.c.dataset == "tariff")).scalar()
        if current == ds.version and not force:
            return {}
        violations = check(ds)
        if violations:
            raise TariffDataInvalid(violations)
        write(conn, ds)
    from .tariff import invalidate

    invalidate()
    return {"goods": len(ds.goods), "measures": len(ds.measures), "areas": len(ds.areas),
            "quota_definitions": len(ds.definitions), "vat_rates": len(ds.vat_rates)}
