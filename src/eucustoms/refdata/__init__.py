"""Reference data with validity dates: countries and country groups, currencies, customs offices, the HS/CN
goods nomenclature, CS/RD2 code lists, UN/LOCODE places and ECB exchange rates.

The data ships with the package (``data/``, built by ``tools/build_refdata.py`` from ``../shared/refdata``
and the hand-curated tables in ``curated/``), is loaded into the ``refdata_*`` tables by
:func:`load_reference_data` at ``init``, and is queried "as of" a date through :class:`RefData`::

    ref = RefData.from_db(db)
    ref.is_member_state("GB", date(2019, 6, 1))      # True
    ref.office_has_role("XI000142", "DES")            # Belfast
    ref.customs_exchange_rate("USD", date(2024, 5, 1))
"""

from .loader import Dataset, datasets, load_reference_data
from .model import CodeEntry, Country, Goods, Office, Place, Release, SpecialTerritory
from .query import GROUPS, RefData, RefDataNotLoaded, UnknownCodeList, invalidate
from .rates import customs_rate_day, penultimate_wednesday
from .store import OPEN_START

__all__ = [
    "GROUPS", "OPEN_START", "CodeEntry", "Country", "Dataset", "Goods", "Office", "Place", "RefData",
    "RefDataNotLoaded", "Release", "SpecialTerritory", "UnknownCodeList", "customs_rate_day", "datasets",
    "invalidate", "load_reference_data", "penultimate_wednesday",
]
