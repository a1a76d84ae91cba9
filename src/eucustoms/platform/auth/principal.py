"""Who is calling, and the visibility rules every system applies to its data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from eucustoms.core.errors import Forbidden


class Role(str, Enum):
    TRADER = "trader"
    OFFICER = "officer"
    COMMISSION = "commission"
    PUBLIC = "public"


@dataclass(frozen=True)
class Principal:
    role: Role
    name: str
    eori: str | None = None  # traders
    country: str | None = None  # officers
    office: str | None = None  # officers
    token_id: str | None = None

    # -- the visibility rules -------------------------------------------------------------------------

    def may_see_trader_data(self, eori: str | None) -> bool:
        """A trader sees only data of its own EORI; the Commission sees all; officers are checked by country."""
        if self.role is Role.COMMISSION:
            return True
        if self.role is Role.TRADER:
            return eori is not None and eori == self.eori
        return False

    def may_see_country(self, country: str | None) -> bool:
        """An officer sees what concerns its own country; the Commission sees every country."""
        if self.role is Role.COMMISSION:
            return True
        return self.role is Role.OFFICER and country is not None and country == self.country

    def may_see(self, *, eoris: tuple[str | None, ...] = (), countries: tuple[str | None, ...] = ()) -> bool:
        """True if any of the parties is this trader, or any of the countries concerned is this officer's."""
        if self.role is Role.COMMISSION:
            return True
        if self.role is Role.TRADER:
            return any(self.may_see_trader_data(e) for e in eoris)
        if self.role is Role.OFFICER:
            return any(self.may_see_country(c) for c in countries)
        return False

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            wanted = " or ".join(r.value for r in roles)
            raise Forbidden(f"this action needs the role {wanted}; you are {self.role.value}")

    def as_dict(self) -> dict:
        return {
            "role": self.role.value, "name": self.name, "eori": self.eori, "country": self.country,
            "office": self.office,
        }


PUBLIC = Principal(role=Role.PUBLIC, name="public")
