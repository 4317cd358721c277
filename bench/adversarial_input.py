"""Work per note on inputs written to be slow: each shape at n and 2n characters, so a stage that is not linear
shows as a ratio well above 2.

    python bench/adversarial_input.py

Shapes: a run of commas (one long token whose suffixes spaCy strips one at a time), nested parentheses, a title
repeated on every line (the sections stage), a run of periods, one word repeated without spaces, and diagnoses
repeated in one sentence with no full stop (the mapper's questions per sentence)."""

import time
import warnings

SHAPES = {
    "commas": lambda n: "a" + "," * n,
    "nested parentheses": lambda n: "(" * (n // 2) + ")" * (n // 2),
    "a title on every line": lambda n: "ASSESSMENT:\n" * (n // 12),
    "periods": lambda n: "." * n,
    "one long word": lambda n: "x" * n,
    "a diagnosis, no full stop": lambda n: "neck pain " * (n // 10),
    "diagnoses and headaches": lambda n: "cervicocranial syndrome with occipital headache and L4-5 MRI " * (n // 61),
}


def main() -> None:
    warnings.filterwarnings("ignore")
    import notecoder

    notecoder.extract("Warm-up: C5-6 facet syndrome.")
    print(f"{'shape':24}{'n':>8}{'s':>8}{'2n':>8}{'s':>8}{'ratio':>8}")
    for name, make in SHAPES.items():
        timings = []
        for n in (192_000, 384_000):
            start = time.perf_counter()
            notecoder.extract(make(n))
            timings.append(time.perf_counter() - start)
        print(f"{name:24}{192_000:>8}{timings[0]:>8.2f}{384_000:>8}{timings[1]:>8.2f}{timings[1] / timings[0]:>8.2f}")


if __name__ == "__main__":
    main()
