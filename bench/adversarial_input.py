"""Work per note on inputs written to be slow: each shape at n and 2n characters, so a stage that is not linear
shows as a ratio well above 2.

    python bench/adversarial_input.py [--chars N] [--shape NAME ...]

Shapes: a run of commas (one long token whose suffixes spaCy strips one at a time), nested parentheses, a title
repeated on every line (the sections stage), a run of periods, one word repeated without spaces, and diagnoses
repeated in one sentence with no full stop (the mapper's questions per sentence); brackets in turn and other marks in
a row that are each an affix (spaCy strips them one per step, copying the rest of the token each time), a two-letter
suffix repeated, colons with at signs or periods (spaCy's URL match, in the tokenizer and in a word's LIKE_URL), and a
negated diagnosis repeated with no full stop (ConText compares every cue of a sentence with every target in it)."""

import argparse
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
    "()()()": lambda n: "()" * (n // 2),
    ")()()(": lambda n: ")(" * (n // 2),
    "[([([(": lambda n: "[(" * (n // 2),
    "([)]([)]": lambda n: "([)]" * (n // 4),
    "a word in brackets": lambda n: "[(a)]" * (n // 5),
    "periods and commas": lambda n: ".," * (n // 2),
    "'s's's": lambda n: "x" + "'s" * (n // 2),
    "colons and at signs": lambda n: ":@" * (n // 2),
    "periods and colons": lambda n: ".:" * (n // 2),
    "negations, no full stop": lambda n: "no neck pain " * (n // 13),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=192_000, help="n, the shorter note's length")
    parser.add_argument("--shape", action="append", choices=SHAPES, help="only this shape (repeatable)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import notecoder

    notecoder.extract("Warm-up: C5-6 facet syndrome.")
    n = args.chars
    print(f"{'shape':24}{'n':>8}{'s':>8}{'2n':>8}{'s':>8}{'ratio':>8}")
    for name in args.shape or SHAPES:
        timings = []
        for chars in (n, 2 * n):
            start = time.perf_counter()
            notecoder.extract(SHAPES[name](chars))
            timings.append(time.perf_counter() - start)
        ratio = timings[1] / timings[0]
        print(f"{name:24}{n:>8}{timings[0]:>8.2f}{2 * n:>8}{timings[1]:>8.2f}{ratio:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
