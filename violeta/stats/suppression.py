"""Cell suppression for published tables: primary and complementary.

A published table is a set of cells (row × column counts) with additive lines: a row's cells
add up to the row total, a column's cells to the column total, the totals to the grand total.
A cell under the threshold (1 to k−1 people) is hidden (primary suppression). Hiding it alone is
not enough: the total minus the other cells of its line would give it back, so more cells are
hidden until no hidden value can be computed from what is shown (complementary suppression).

The method:

1. Hide every cell with 0 < n < k, and every cell the caller says must be hidden (a margin that
   another published table hides, so the two tables agree).
2. While a line has exactly one hidden entry, hide one more in that line: the smallest positive
   cell (the least information lost), else the line's total, else a zero cell.
3. Check exactly that no hidden entry is determined by the published ones: each additive line is
   a linear equation over the hidden entries; a hidden entry is disclosed when its unit vector
   lies in the row space of those equations (rational Gaussian elimination, no rounding). A
   disclosed entry gets one more hidden partner in one of its lines, and step 2 runs again.

Tables here are small (tens of rows and columns), so exact arithmetic is cheap. There is no
maintained Python library for tabular cell suppression (τ-ARGUS and sdcTable are Java and R);
this is the textbook heuristic plus an exact audit, which the tests check on random tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

Key = Any  # any hashable: a cell's or a total's key


@dataclasses.dataclass(frozen=True)
class Line:
    """``total`` equals the sum of ``members``."""

    members: tuple[Key, ...]
    total: Key


def suppress(
    values: Mapping[Key, int],
    lines: Iterable[Line],
    *,
    threshold: int,
    forced: Iterable[Key] = (),
    protected: Iterable[Key] = (),
) -> set[Key]:
    """The keys to hide. ``values`` holds every cell and every total of the table; ``lines``
    its additive constraints; ``forced`` keys are hidden whatever their value; keys in
    ``protected`` are never chosen as complementary cells (but are hidden if primary)."""
    lines = [line for line in lines if line.members]
    hidden = {key for key, n in values.items() if 0 < n < threshold}
    hidden |= set(forced) & set(values)
    never = set(protected)
    for _round in range(len(values) + 1):
        _close_lines(values, lines, hidden, never)
        disclosed = disclosed_keys(values, lines, hidden)
        if not disclosed:
            return hidden
        key = min(disclosed, key=_order(values))
        partner = _partner_for(key, values, lines, hidden, never)
        if partner is None:
            # Nothing left to hide beside it: hide every entry of its lines.
            for line in lines:
                if key in line.members or key == line.total:
                    hidden.update(line.members)
                    hidden.add(line.total)
        else:
            hidden.add(partner)
    raise RuntimeError("Cell suppression did not converge.")  # pragma: no cover


def _order(values: Mapping[Key, int]) -> Callable[[Key], tuple[int, str]]:
    return lambda key: (values[key], repr(key))


def _close_lines(
    values: Mapping[Key, int], lines: Sequence[Line], hidden: set[Key], never: set[Key]
) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            entries = (*line.members, line.total)
            if sum(1 for key in entries if key in hidden) != 1:
                continue
            choice = _cheapest(line, values, hidden, never)
            if choice is not None:
                hidden.add(choice)
                changed = True


def _cheapest(
    line: Line, values: Mapping[Key, int], hidden: set[Key], never: set[Key]
) -> Key | None:
    open_members = [key for key in line.members if key not in hidden and key not in never]
    positive = [key for key in open_members if values[key] > 0]
    if positive:
        return min(positive, key=_order(values))
    if line.total not in hidden and line.total not in never:
        return line.total
    if open_members:
        return min(open_members, key=_order(values))
    return None


def _partner_for(
    key: Key,
    values: Mapping[Key, int],
    lines: Sequence[Line],
    hidden: set[Key],
    never: set[Key],
) -> Key | None:
    for line in lines:
        if key in line.members or key == line.total:
            choice = _cheapest(line, values, hidden, never)
            if choice is not None:
                return choice
    return None


def disclosed_keys(values: Mapping[Key, int], lines: Iterable[Line], hidden: set[Key]) -> set[Key]:
    """The hidden keys whose value the shown entries and the lines determine exactly."""
    unknowns = sorted(hidden, key=repr)
    if not unknowns:
        return set()
    index = {key: i for i, key in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        touched = False
        for key in line.members:
            if key in index:
                row[index[key]] += 1
                touched = True
        if line.total in index:
            row[index[line.total]] -= 1
            touched = True
        if touched:
            rows.append(row)
    basis = _reduced_row_echelon(rows, len(unknowns))
    disclosed = set()
    for key, i in index.items():
        target = [Fraction(0)] * len(unknowns)
        target[i] = Fraction(1)
        if _in_row_space(target, basis):
            disclosed.add(key)
    return disclosed


def _reduced_row_echelon(
    rows: list[list[Fraction]], width: int
) -> list[tuple[int, list[Fraction]]]:
    """Pivot column and row of the reduced row echelon form."""
    matrix = [row[:] for row in rows]
    pivots: list[tuple[int, list[Fraction]]] = []
    rank = 0
    for column in range(width):
        pivot_row = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot_row is None:
            continue
        matrix[rank], matrix[pivot_row] = matrix[pivot_row], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [value / lead for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    for r in range(rank):
        column = next(c for c in range(width) if matrix[r][c] != 0)
        pivots.append((column, matrix[r]))
    return pivots


def _in_row_space(vector: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> bool:
    remainder = vector[:]
    for column, row in basis:
        factor = remainder[column]
        if factor != 0:
            remainder = [a - factor * b for a, b in zip(remainder, row, strict=True)]
    return all(value == 0 for value in remainder)
