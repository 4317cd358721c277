"""Functions registered by name, as Presidio's RecognizerRegistry registers recognizers: a rule in the data names
its test or resolver, and the mapper refuses a name nothing registered."""

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def registrar(table: dict[str, F]) -> Callable[[str], Callable[[F], F]]:
    """A decorator factory that files each function it decorates in `table` under the name given."""

    def register(name: str) -> Callable[[F], F]:
        def add(function: F) -> F:
            table[name] = function
            return function

        return add

    return register
