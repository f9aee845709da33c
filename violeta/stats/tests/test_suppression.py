"""Primary and complementary cell suppression: no hidden cell can be computed from what shows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from violeta.stats.suppression import Line, disclosed_keys, suppress
from violeta.stats.tables import GRAND, cell_key, col_key, row_key

K = 5


def one_way(counts: dict[str, int]) -> tuple[dict, list[Line]]:
    values: dict = {("c", key): n for key, n in counts.items()}
    values["total"] = sum(counts.values())
    return values, [Line(tuple(("c", key) for key in counts), "total")]


def two_way(grid: list[list[int]]) -> tuple[dict, list[Line]]:
    rows, cols = range(len(grid)), range(len(grid[0]))
    values: dict = {cell_key(str(r), str(c)): grid[r][c] for r in rows for c in cols}
    for r in rows:
        values[row_key(str(r))] = sum(grid[r])
    for c in cols:
        values[col_key(str(c))] = sum(grid[r][c] for r in rows)
    values[GRAND] = sum(map(sum, grid))
    lines = [Line(tuple(cell_key(str(r), str(c)) for c in cols), row_key(str(r))) for r in rows]
    lines += [Line(tuple(cell_key(str(r), str(c)) for r in rows), col_key(str(c))) for c in cols]
    lines.append(Line(tuple(row_key(str(r)) for r in rows), GRAND))
    lines.append(Line(tuple(col_key(str(c)) for c in cols), GRAND))
    return values, lines


def test_small_cells_are_hidden_and_zero_and_large_ones_shown() -> None:
    values, lines = one_way({"a": 3, "b": 0, "c": 40, "d": 12, "e": 7})
    hidden = suppress(values, lines, threshold=K)
    assert ("c", "a") in hidden
    assert ("c", "b") not in hidden  # a zero singles nobody out
    assert "total" not in hidden


def test_a_lone_hidden_cell_gets_a_complement_so_the_total_cannot_give_it_back() -> None:
    values, lines = one_way({"a": 3, "b": 40, "c": 12, "d": 7})
    hidden = suppress(values, lines, threshold=K)
    # Without a complement, 62 − 40 − 12 − 7 = 3. The smallest other cell goes with it.
    assert hidden == {("c", "a"), ("c", "d")}
    assert disclosed_keys(values, lines, hidden) == set()


def test_a_total_under_the_threshold_hides_every_cell_that_makes_it() -> None:
    values, lines = one_way({"a": 2, "b": 2, "c": 0})
    hidden = suppress(values, lines, threshold=K)
    assert {("c", "a"), ("c", "b"), "total"} <= hidden
    assert disclosed_keys(values, lines, hidden) == set()


def test_two_way_table_complements_in_rows_and_columns() -> None:
    grid = [[3, 20, 30], [25, 40, 15], [10, 12, 50]]
    values, lines = two_way(grid)
    hidden = suppress(values, lines, threshold=K)
    assert cell_key("0", "0") in hidden
    for line in lines:
        entries = (*line.members, line.total)
        assert sum(1 for key in entries if key in hidden) != 1
    assert disclosed_keys(values, lines, hidden) == set()


def test_the_exact_audit_finds_a_cell_that_line_counting_misses() -> None:
    # Hidden: (0,0) and (0,1) in row 0, (1,0) and (1,1)… plus a bridge. Here, a simpler known
    # case: hiding a cell and the row total leaves the column to give the cell back.
    values, lines = two_way([[3, 20], [25, 40]])
    hidden = {cell_key("0", "0"), row_key("0")}
    assert cell_key("0", "0") in disclosed_keys(values, lines, hidden)


def test_forced_keys_stay_hidden_and_protected_keys_are_never_complements() -> None:
    values, lines = one_way({"a": 30, "b": 40, "c": 12})
    hidden = suppress(values, lines, threshold=K, forced={"total"}, protected={("c", "c")})
    assert "total" in hidden
    assert ("c", "c") not in hidden
    assert disclosed_keys(values, lines, hidden) == set()


grids = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 60)),
                min_size=cols,
                max_size=cols,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(grids)
def test_no_hidden_cell_of_a_random_table_can_be_computed(grid: list[list[int]]) -> None:
    values, lines = two_way(grid)
    hidden = suppress(values, lines, threshold=K)
    primary = {key for key, n in values.items() if 0 < n < K}
    assert primary <= hidden
    assert disclosed_keys(values, lines, hidden) == set()
