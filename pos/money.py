"""Money in whole won: the only module that does arithmetic on amounts or formats them.

Amounts are ``int`` everywhere (SQL BIGINT). Never float, never Decimal columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def won(amount: int) -> str:
    """4500 -> '4,500원'. ``₩`` is not in CP949, so receipts and screens say 원."""
    return f"{amount:,}원"


def num(amount: int) -> str:
    """4500 -> '4,500' for columns where the unit is in the heading."""
    return f"{amount:,}"


def div_round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding .5 away from zero, exact for any size of int."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return sign * q


@dataclass(frozen=True)
class VatSplit:
    taxable_supply: int  #: 과세물품가액 (공급가액)
    vat: int  #: 부가세
    exempt: int  #: 면세물품가액

    @property
    def total(self) -> int:
        return self.taxable_supply + self.vat + self.exempt


def vat_split(taxable_total: int, exempt_total: int) -> VatSplit:
    """DESIGN §4: prices include VAT; 공급가액 = round-half-up(T×10/11), 부가세 = T − 공급가액."""
    supply = div_round_half_up(taxable_total * 10, 11)
    return VatSplit(taxable_supply=supply, vat=taxable_total - supply, exempt=exempt_total)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` over parts proportionally to ``weights``; the remainder goes on the last.

    Used for discounts over lines, payments over vendors' receipts and VAT over tenders, so the
    parts always add up to the whole.
    """
    if not weights:
        if total:
            raise ValueError("nothing to allocate to")
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        parts = [0] * len(weights)
        parts[-1] = total
        return parts
    parts = [total * w // weight_sum for w in weights[:-1]]
    parts.append(total - sum(parts))
    return parts
