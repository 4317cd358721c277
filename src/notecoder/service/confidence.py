"""The confidence floor a caller may ask for (`min_confidence`), defined once for the command line and the service:
a finite number from 0 to 1 (NaN would keep nothing and say nothing, 7 or -5 is a typo)."""

from typing import Annotated

from pydantic import Field, TypeAdapter, ValidationError

ConfidenceFloor = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
_FLOOR: TypeAdapter[float] = TypeAdapter(ConfidenceFloor)


def confidence_floor(value: object) -> float:
    """`value` (a number or its text) as a confidence floor; ValueError saying what is allowed otherwise."""
    try:
        return _FLOOR.validate_python(value)
    except ValidationError:
        raise ValueError("min_confidence must be a finite number from 0 to 1") from None
