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
        ordered = sorted(matches, key=_bounds)
        pruned: list[Match] = []
        current, i, n = ordered[0], 1, len(ordered)
        while True:
            if i >= n:
                pruned.append(current)
                break
            following = ordered[i]
            i += 1
            a_start, a_end, b_start, b_end = current[1], current[2], following[1], following[2]
            if a_start <= b_start < a_end or a_start < b_end <= a_end:  # medspacy.util.tuple_overlaps
                pruned.append(following if b_end - b_start > a_end - a_start else current)
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


def _bounds(match: Sequence[int]) -> tuple[int, int]:
    return match[1], match[2]
