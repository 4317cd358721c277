"""medSpaCy's pruning of overlapping matches (`medspacy.common.util.prune_overlapping_matches`), the same result
in the same order, without its list.pop(0) on every step and a recursion per pass: the target and ConText stages
ask medSpaCy's matchers not to prune, and prune here."""

from collections.abc import Sequence
from typing import TypeVar

Match = TypeVar("Match", bound=Sequence[int])  # (match_id, start, end)


def prune_overlapping(matches: list[Match]) -> list[Match]:
    """Sorted by (start, end), each overlapping pair met in turn keeps its longer match (the earlier on a tie);
    passes repeat until one prunes nothing."""
    while matches:
        ordered = sorted(matches, key=lambda m: (m[1], m[2]))
        pruned: list[Match] = []
        current, i, n = ordered[0], 1, len(ordered)
        while True:
            if i >= n:
                pruned.append(current)
                break
            following = ordered[i]
            i += 1
            if _overlap(current, following):
                pruned.append(max(current, following, key=lambda m: m[2] - m[1]))
                if i >= n:
                    break
                current = ordered[i]
                i += 1
            else:
                pruned.append(current)
                current = following
        if len(pruned) == len(matches):
            return pruned
        matches = pruned
    return matches


def _overlap(a: Sequence[int], b: Sequence[int]) -> bool:
    return a[1] <= b[1] < a[2] or a[1] < b[2] <= a[2]
