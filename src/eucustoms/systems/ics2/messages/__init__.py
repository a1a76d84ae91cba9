"""ICS2 entry summary declaration (ENS) filings as structured messages.

* :mod:`.common`, :mod:`.goods`, :mod:`.consignment`, :mod:`.filing` - the data elements (pydantic models);
* :mod:`.filing_types` - the catalogue of filing types F10-F51 and what each must and must not carry;
* :mod:`.validation` - :func:`validate_filing`, every issue in one answer;
* :mod:`.linking` - :func:`linking_key`, how partial filings complete each other;
* :mod:`.examples` - realistic example payloads, one per family.
"""

from .common import (
    ActiveMeansOfTransport,
    AdditionalInformation,
    Address,
    Communication,
    Location,
    Party,
    Representative,
    Seal,
    SupplementaryDeclarant,
    TransportDocument,
    TransportEquipment,
)
from .consignment import Consignment, HouseConsignment
from .filing import Filing
from .filing_types import FILING_TYPES, MESSAGE_TYPES, Family, Filer, FilingType, Level, filing_type
from .goods import BULK_PACKAGE_TYPES, GoodsItem, Packaging
from .linking import LinkingKey, Links, linking_key, unmet
from .validation import ReferenceData, structure_issues, validate_filing

__all__ = [
    "ActiveMeansOfTransport", "AdditionalInformation", "Address", "BULK_PACKAGE_TYPES", "Communication",
    "Consignment", "FILING_TYPES", "Family", "Filer", "Filing", "FilingType", "GoodsItem", "HouseConsignment",
    "Level", "LinkingKey", "Links", "Location", "MESSAGE_TYPES", "Packaging", "Party", "ReferenceData",
    "Representative", "Seal", "SupplementaryDeclarant", "TransportDocument", "TransportEquipment", "filing_type",
    "linking_key", "structure_issues", "unmet", "validate_filing",
]
