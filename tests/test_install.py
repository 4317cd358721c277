"""What `pip install` is told: every package the code imports is declared, and the oldest supported set that CI
installs (tests/oldest-constraints.txt) pins exactly the floors pyproject.toml declares."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OLDEST = ROOT / "tests" / "oldest-constraints.txt"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement(text: str) -> tuple[str, str, str]:
    """(name, version specifiers, marker) of a PEP 508 line as pyproject.toml writes them."""
    spec, _, marker = text.partition(";")
    match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*(.*?)\s*", spec)
    assert match, text
    return canonical(match.group(1)), match.group(3), marker.strip()


def declared(*extras: str) -> list[tuple[str, str, str]]:
    project = PYPROJECT["project"]
    lines = list(project["dependencies"])
    for extra in extras or tuple(project["optional-dependencies"]):
        lines += project["optional-dependencies"][extra]
    return [requirement(line) for line in lines]


def imported_packages() -> dict[str, Path]:
    """Top-level modules that src/notecoder imports, stdlib and notecoder itself left out, with a file importing each."""
    found: dict[str, Path] = {}
    for path in sorted((ROOT / "src" / "notecoder").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("notecoder", "__future__"):
                    found.setdefault(top, path.relative_to(ROOT))
    return found


def test_every_package_the_code_imports_is_declared():
    names = {name for name, _, _ in declared()} - {"notecoder"}
    distributions = packages_distributions()
    undeclared = {
        module: str(path)
        for module, path in imported_packages().items()
        if not {canonical(d) for d in distributions.get(module, [module])} & names
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_rich_is_a_dependency_of_its_own():  # imported by the CLI and `notecoder review`, not only through typer
    assert "rich" in {requirement(line)[0] for line in PYPROJECT["project"]["dependencies"]}


def floor(specifiers: str) -> str | None:
    match = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", specifiers)
    return match.group(1) if match else None


def same_version(a: str, b: str) -> bool:
    def parts(v: str) -> list[str]:
        items = v.split(".")
        while len(items) > 1 and items[-1] == "0":
            items.pop()
        return items

    return parts(a) == parts(b)


def test_the_oldest_supported_set_pins_the_declared_floors():
    pins = {}
    for line in OLDEST.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonical(name)] = version.strip()
    floors: dict[str, str] = {}
    for name, specifiers, marker in declared("spark", "worklist", "postgresql"):
        lowest = floor(specifiers)
        if lowest is not None and "python_version >= '3.12'" not in marker:  # the set is installed on Python 3.11
            floors[name] = lowest
    assert set(pins) == set(floors), f"pinned {sorted(pins)}, floors declared {sorted(floors)}"
    differ = {name: (pins[name], floors[name]) for name in pins if not same_version(pins[name], floors[name])}
    assert not differ, f"pin and declared floor differ: {differ}"


def test_python_3_12_and_3_13_with_spacy_3_8_and_numpy_2_are_admitted():
    # medSpaCy 1.3.1 takes spaCy < 3.8 on Python 3.11 and 3.8 from 3.12 on; spaCy 3.7 is built against numpy 1
    assert PYPROJECT["project"]["requires-python"] == ">=3.11,<3.14"
    core = {(name, marker): specifiers for name, specifiers, marker in declared("spark")}
    assert core[("spacy", "")] == ">=3.7.5,<3.9"
    assert core[("numpy", "python_version < '3.12'")] == ">=1.26,<2"
    assert core[("numpy", "python_version >= '3.12'")] == ">=1.26"
    assert core[("pyarrow", "python_version >= '3.12'")] == ">=14"
