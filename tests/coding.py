"""What a note written for a test is coded as: the sets its assertions compare."""

import notecoder


def alternatives(text: str, setting: str = "outpatient") -> set[str]:
    return {a.code for a in notecoder.extract(text, setting=setting).alternatives}


def gaps_for(text: str) -> set[tuple[str, str | None]]:
    return {(g.id, g.code) for g in notecoder.extract(text).gaps}
