"""What to type for a missing optional extra: notecoder is not on PyPI, so extras come from the clone."""


def install_extra(extra: str) -> str:
    return f"pip install '.[{extra}]' in the notecoder clone"
