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
    """Split ``total`` over parts proportionally to ``weights``, rounding down; the remainder
    goes on the last (DESIGN §4's rule for VAT over split tenders). Parts add up to the whole.
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


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` proportionally by largest remainder: every part is its exact share rounded
    down or up, so with ``0 <= total <= sum(weights)`` no part exceeds its weight (a discount
    never makes a line negative). Leftover won go to the largest fractions, ties to the later.
    """
    weight_sum = sum(weights)
    if weight_sum == 0:
        return allocate(total, weights)
    parts = [total * w // weight_sum for w in weights]
    leftover = total - sum(parts)
    order = sorted(
        range(len(weights)), key=lambda i: (total * weights[i] % weight_sum, i), reverse=True
    )
    for i in order[:leftover]:
        parts[i] += 1
    return parts


def apportion_matrix(row_totals: Sequence[int], col_totals: Sequence[int]) -> list[list[int]]:
    """A non-negative integer table whose rows and columns add up to the given totals (which
    must have the same sum), each row spread over the columns still open, e.g. split tenders
    over the vendors' receipts of a joint checkout.
    """
    if sum(row_totals) != sum(col_totals):
        raise ValueError("row and column totals differ")
    remaining = list(col_totals)
    table = []
    for r, row_total in enumerate(row_totals):
        parts = remaining[:] if r == len(row_totals) - 1 else apportion(row_total, remaining)
        remaining = [a - b for a, b in zip(remaining, parts, strict=True)]
        table.append(parts)
    return table


def tender_vat(split: VatSplit, amounts: Sequence[int]) -> list[VatSplit]:
    """DESIGN §4: a receipt's VAT split spread over its tenders proportionally, rounding down
    with the remainder on the last; each tender's parts add up to its amount.
    """
    total = split.total
    if sum(amounts) != total:
        raise ValueError("tenders do not add up to the receipt")
    vats = allocate(split.vat, amounts)
    exempts = allocate(split.exempt, amounts)
    parts = [
        VatSplit(taxable_supply=a - v - e, vat=v, exempt=e)
        for a, v, e in zip(amounts, vats, exempts, strict=True)
    ]
    if all(p.taxable_supply >= 0 for p in parts):
        return parts
    # a tiny last tender can't carry the remainders: fall back to a table that always fits
    table = apportion_matrix(amounts, [split.taxable_supply, split.vat, split.exempt])
    return [VatSplit(taxable_supply=s, vat=v, exempt=e) for s, v, e in table]
