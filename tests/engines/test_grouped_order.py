import numpy as np
from hypothesis import given, settings as hsettings, strategies as st

from wiretrace.engines.local import grouped_order


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)).filter(lambda p: p[0] != p[1]), max_size=60))
def test_grouped_order_is_a_permutation_keeping_each_connected_group_together(rows):
    pairs = np.sort(np.asarray(rows, dtype=np.int64).reshape(-1, 2), axis=1)
    order = grouped_order(pairs)
    assert sorted(order.tolist()) == list(range(len(pairs)))
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs.tolist():
        parent[find(a)] = find(b)
    groups = [find(a) for a, _ in pairs[order].tolist()]
    starts = [g for n, g in enumerate(groups) if n == 0 or groups[n - 1] != g]
    assert len(starts) == len(set(starts))  # every group is one contiguous run
