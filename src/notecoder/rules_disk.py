"""Rules that travel with a saved pipeline, as spaCy's SpanRuler saves its patterns: `nlp.to_disk` writes the rules
JSON each component was built from to `<component>/rules.json` (`nlp.to_bytes` holds it too), and `spacy.load`
rebuilds each component from that copy. A saved pipeline so never reads a rules file outside it: the file its
config names may be gone, or edited since, on the machine that loads it."""

from abc import ABC, ABCMeta, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar, Generic, NoReturn, Self, TypeVar

import srsly
from spacy import util

from notecoder.rules_file import RulesFile, parse_rules, raw_rules, rules_where, validate_rules

RULES_FILE = "rules.json"
Rules = TypeVar("Rules", bound=RulesFile)


class SavedRules(ABC, Generic[Rules]):
    """A component that keeps the raw rules JSON it was built from, saves it with the pipeline and rebuilds from it.

    A stage names its rules (`rules_package`, `rules_model`) and builds its matchers and state from them in
    `_build`, the one code path of `__init__` (through `_load_rules`), `from_disk` and `from_bytes`."""

    rules_package: ClassVar[str]
    """The package whose `rules.json` the component uses when its config names no other file."""
    rules_model: type[Rules]
    _ready: ClassVar[type]
    """The class of the component once it has rules: itself."""
    _waiting: ClassVar[type]
    """Its subclass while it waits for rules, whose `__getattr__` explains why an attribute built from them is not
    there. Only a waiting component has a `__getattr__`: on one that has its rules, spaCy's `hasattr(component,
    "get_error_handler")` on every note finds no attribute without calling Python code or raising twice."""

    def __init_subclass__(cls, *, waiting: bool = False, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if waiting:
            return
        cls._ready = cls
        cls._waiting = ABCMeta(
            cls.__name__,
            (cls,),
            {
                "__module__": cls.__module__,
                "__qualname__": f"{cls.__qualname__}._waiting",  # so pickle finds it
                "__doc__": cls.__doc__,
                "__getattr__": _no_rules,
            },
            waiting=True,
        )

    def _load_rules(self, path: str | None) -> None:
        """Build from the rules file `path` (the package's when None).

        `spacy.load` builds a saved pipeline from its config before `from_disk` gives the saved rules, and the file
        the config names may be gone: the component then waits for them, built from nothing."""
        if path is not None and not Path(path).exists():
            self._missing_rules = f"rules file {path} does not exist"
            self.__class__ = type(self)._waiting
            return
        self._use_rules(raw_rules(self.rules_package, path), rules_where(self.rules_package, path))

    def _use_rules(self, raw: dict, where: str) -> None:
        if raw == vars(self).get("_raw_rules"):
            return  # the rules it was built from: a pipeline loaded where it was saved
        self._build(self._validated(raw, where))
        self._raw_rules = raw
        vars(self).pop("_missing_rules", None)
        self.__class__ = type(self)._ready

    def _validated(self, raw: dict, where: str) -> Rules:
        return validate_rules(self.rules_model, raw, where)

    @abstractmethod
    def _build(self, rules: Rules) -> None: ...

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        util.to_disk(path, {RULES_FILE: lambda p: srsly.write_json(p, self._raw_rules, indent=1)}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Self:
        util.from_disk(path, {RULES_FILE: self._read_saved}, exclude)
        return self

    def _read_saved(self, path: Path) -> None:
        if path.exists():  # a pipeline saved before its components saved their rules keeps those of its config
            self._use_rules(raw_rules(self.rules_package, path), rules_where(self.rules_package, path))

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return util.to_bytes({"rules": lambda: srsly.json_dumps(self._raw_rules)}, exclude)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> Self:
        where = f"saved rules of {self.rules_package} (bytes)"
        util.from_bytes(data, {"rules": lambda b: self._use_rules(parse_rules(b, where), where)}, exclude)
        return self


def _no_rules(self: SavedRules, name: str) -> NoReturn:
    """`__getattr__` of a component waiting for its rules: reached only for an attribute that is not set, those
    built from the rules among them, whose absence it explains by the missing file."""
    missing = vars(self).get("_missing_rules")
    if missing is None:
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self)
    raise AttributeError(
        f"{type(self).__name__} has no rules: {missing}, and no saved pipeline gave it its own", name=name, obj=self
    )
