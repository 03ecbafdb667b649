"""Real human phrasing: GSM8K word problems turned into checked programs.

GSM8K's training split (shared/corpus/gsm8k-train.jsonl, MIT licence) has 7,473 grade-school problems written by
people, each with a worked solution whose calculations are annotated: `48/2 = <<48/2=24>>24 clips in May`. Each
annotation becomes one line of a program, named after the words around it (`clips_may = 48 / 2`); a later step
that uses a computed value refers to its variable, not the literal; steps the answer does not depend on are
dropped. The program is then checked like every curriculum solution (CPython, converter, runtime: data/execute.py)
and kept only when it prints the dataset's final answer. `convert_problem` explains each refusal with a reason.
"""

from __future__ import annotations

import ast
import builtins
import json
import keyword
import re
import zlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

FAMILY = "gsm8k"
STAGE = "gsm8k"
# The corpus lives in shared/ beside the checkout (tests/conftest.py and the peer corpus use the same place).
DEFAULT_CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "gsm8k-train.jsonl"
# A stable hash of the question picks the held-out slice: never trained on, evaluated as the `test` split.
TEST_PER_MILLE = 67  # ~500 of 7,473
VALIDATION_PER_MILLE = 30
REL_TOL = 1e-6  # answers are exact in the corpus; a program's float arithmetic may differ in the last bits

_ANNOTATION = re.compile(r"<<([^<>=]*)=([^<>]*)>>")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")
_WORD = re.compile(r"[A-Za-z]+")
_FINAL = re.compile(r"####\s*(.+)\s*$")
# Quantities people write as words ("two ounces", "a dozen eggs", "half of them"): given in the question like digits,
# so a step's literal 2 stays the question's 2 rather than becoming an earlier result that happens to equal 2.
_NUMBER_WORDS = {
    **{word: Fraction(value) for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split())},
    **{word: Fraction(10 * (i + 3)) for i, word in enumerate("thirty forty fifty sixty seventy eighty ninety".split())},
    "hundred": Fraction(100), "thousand": Fraction(1000), "million": Fraction(10**6), "dozen": Fraction(12),
    "twice": Fraction(2), "double": Fraction(2), "triple": Fraction(3), "thrice": Fraction(3),
    "half": Fraction(1, 2), "third": Fraction(1, 3), "quarter": Fraction(1, 4), "percent": Fraction(100),
    **{word: Fraction(1, value) for value, word in enumerate(
        "fourth fifth sixth seventh eighth ninth tenth".split(), start=4)},
}
# Numbers a worked solution may use without the question stating them: units of time, dozens, percent, thousands.
# Any other number a program needs must come from the question or from an earlier step; a literal from nowhere
# (a result the solution worked out in words, outside its annotations) would teach the model to write numbers it
# did not compute, so such a problem is left out ("ungrounded_number").
_COMMON_NUMBERS = frozenset(Fraction(value) for value in (1, 2, 7, 12, 24, 52, 60, 100, 365, 1000))
_SPELLED = re.compile(r"[a-z]+")
# Words that say nothing about what a quantity is; the name is built from the others.
_FILLER = frozenset(
    """a an the of in on at to for and or by from with into per each every that this these those it its his her
    their our your my he she they we you i him them is are was were be been will would can could has have had do does
    did so then there which who what how many much all after before since if now also get gets got
    make makes made need needs pay pays spend spends buy buys sell sells there's that's it's than as up out""".split()
)
_MAX_NAME_WORDS = 2
_RESERVED = frozenset(dir(builtins))  # a step named `round` or `sum` would shadow what the program calls


class Unconvertible(ValueError):
    """Why a problem did not become a program; the message starts with a short reason key."""


@dataclass(frozen=True)
class Step:
    name: str
    expression: str  # Python, with earlier results as names
    value: Fraction


@dataclass(frozen=True)
class Problem:
    question: str
    answer: Fraction
    steps: tuple[Step, ...]
    result: str  # the step whose value is the answer

    @property
    def source(self) -> str:
        """The program; a result that float arithmetic leaves ragged (0.30000000000000004) is rounded to cents."""
        lines = [f"{step.name} = {step.expression}" for step in self.steps]
        namespace: dict = {}
        exec("\n".join(lines), {"__builtins__": {}}, namespace)  # noqa: S102 - names and + - * / ** only (_evaluate)
        value = namespace[self.result]
        ragged = isinstance(value, float) and len(repr(value).partition(".")[2]) > 6
        return "\n".join(lines + [f"print(round({self.result}, 2))" if ragged else f"print({self.result})"]) + "\n"

    @property
    def plan(self) -> str:
        """The think step: each named quantity with the formula that gives it."""
        return "; ".join(f"{step.name} = {step.expression}" for step in self.steps) + "."


def split_of(question: str) -> str:
    """train / validation / test for a problem, by a stable hash of its text (the same on every machine)."""
    bucket = zlib.crc32(question.encode("utf-8")) % 1000
    if bucket < TEST_PER_MILLE:
        return "test"
    if bucket < TEST_PER_MILLE + VALIDATION_PER_MILLE:
        return "validation"
    return "train"


def load(path: Path = DEFAULT_CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def held_out_questions(problems: list[dict], split: str = "test") -> list[dict]:
    """Every problem of a held-out slice as an evaluation question, whether or not its solution converts to a
    program: an evaluation needs only the question and the dataset's answer, and leaving out the problems the
    converter cannot handle (a quarter of them) would make the slice easier than GSM8K is."""
    questions = []
    for problem in problems:
        if split_of(problem["question"]) != split:
            continue
        try:
            answer = _final_answer(problem["answer"])
        except Unconvertible:
            continue
        questions.append({"question": problem["question"].strip(), "category": FAMILY, "rel_tol": REL_TOL,
                          "answer": int(answer) if answer.denominator == 1 else float(answer)})
    return questions


def _number(text: str) -> Fraction:
    return Fraction(text.replace(",", ""))


def _python_expression(annotated: str) -> str:
    """The annotation's arithmetic as Python: `x`/`×` multiply, `÷` divides, `^` is a power, `$`, `%` and thousands
    commas go (a `%` after a number means /100)."""
    text = annotated.strip().replace("$", "").replace("×", "*").replace("÷", "/").replace("^", "**")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(\d(?:\.\d+)?)\s*%", r"(\1/100)", text)
    text = re.sub(r"(?<=[\d)\s])[xX](?=[\s\d(])", "*", text)
    return re.sub(r"\s+", "", text)


def _evaluate(node: ast.AST) -> Fraction:
    """Exact value of a +-*/ expression over numbers (no eval: the text comes from a data file)."""
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Fraction(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise Unconvertible("division_by_zero")
            return left / right
        if isinstance(node.op, ast.Pow) and right.denominator == 1 and 0 <= right <= 12:
            return left ** int(right)
    raise Unconvertible(f"unsupported_expression: {ast.dump(node)[:60]}")


def _identifier(words: list[str]) -> str:
    name = "_".join(word.lower() for word in words)
    return name if name.isidentifier() and not keyword.iskeyword(name) else ""


def _content_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text) if word.lower() not in _FILLER and len(word) > 1]


def _name_for(line: str, start: int, end: int, taken: set[str], index: int) -> str:
    """A variable name from the words after the result ("24 clips in May" → clips_may), else before the
    calculation ("Josh has $20 - $10" → josh); made unique with the words before, then a number."""
    after = re.sub(r"^\s*[\d.,]*\d", "", line[end:])  # the result's own digits after the annotation
    after = re.split(r"[.,;:!?\n]", after, maxsplit=1)[0]
    before = _content_words(re.split(r"[.;:!?\n]", line[:start])[-1])
    candidates = [
        _identifier(_content_words(after)[:_MAX_NAME_WORDS]),
        _identifier(before[-_MAX_NAME_WORDS:]),
        _identifier(before[-1:] + _content_words(after)[:1]),
    ]
    for name in candidates:
        if name and name not in taken and name not in _RESERVED:
            return name
    base = next((name for name in candidates if name and name not in _RESERVED), "step")
    suffix = 2 if base != "step" else index
    while f"{base}_{suffix}" in taken:
        suffix += 1
    return f"{base}_{suffix}"


class _Substitute(ast.NodeTransformer):
    """Numbers that equal an earlier result become that result's name.

    Two results can share a value (6 birds left, 6 puppies left): one expression uses each name once, in the order
    they were computed, so `6 + 6 + 8` reads `birds + puppies + spiders`. A number the question also gives (as
    digits or words) stays a literal unless it equals a result nothing has used yet: a result is computed to be
    used, so `batches * 2` after `batches = 20 / 10` reads the 2 ounces of the question, not `batches * batches`.
    """

    def __init__(self, results: dict[Fraction, list[str]], given: set[Fraction], referenced: set[str]):
        self.unused = {value: list(names) for value, names in results.items()}
        self.given = given
        self.referenced = referenced  # names earlier steps (and this one, as it is rewritten) already use

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            value = Fraction(str(node.value))
            names = self.unused.get(value)
            if names and value in self.given:
                fresh = [name for name in names if name not in self.referenced]
                if not fresh:
                    return node
                names.remove(fresh[0])
                self.referenced.add(fresh[0])
                return ast.Name(id=fresh[0], ctx=ast.Load())
            if names:
                name = names.pop(0) if len(names) > 1 else names[0]
                self.referenced.add(name)
                return ast.Name(id=name, ctx=ast.Load())
        return node


def _used_names(expression: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}


def convert_problem(question: str, solution: str) -> Problem:
    """The problem as named steps, or Unconvertible with the reason."""
    answer = _final_answer(solution)
    given = _given_numbers(question)

    steps: list[Step] = []
    results: dict[Fraction, list[str]] = {}
    taken: set[str] = set()
    referenced: set[str] = set()
    for line in solution.splitlines():
        for match in _ANNOTATION.finditer(line):
            source = _python_expression(match.group(1))
            try:
                tree = ast.parse(source, mode="eval")
            except SyntaxError:
                raise Unconvertible(f"unparsable: {match.group(1)[:40]}") from None
            value = _evaluate(tree)
            try:
                stated = _number(re.sub(r"[^\d.,\-/]", "", match.group(2)) or "x")
            except (ValueError, ZeroDivisionError):
                raise Unconvertible(f"result_not_a_number: {match.group(2)[:30]}") from None
            if abs(value - stated) > max(abs(stated) * Fraction(1, 1000), Fraction(1, 100)):
                raise Unconvertible(f"arithmetic_mismatch: {match.group(1)} = {match.group(2)}")
            expression = ast.unparse(_Substitute(results, given, referenced).visit(tree))
            name = _name_for(line, match.start(), match.end(), taken, len(steps) + 1)
            taken.add(name)
            steps.append(Step(name, expression, value))
            results.setdefault(value, []).append(name)
    if not steps:
        raise Unconvertible("no_calculation")
    final = next((step for step in reversed(steps) if step.value == answer), None)
    if final is None:
        raise Unconvertible("answer_not_computed")
    needed = _needed(steps, final)
    grounded = given | _COMMON_NUMBERS
    for step in needed:
        for node in ast.walk(ast.parse(step.expression, mode="eval")):
            if isinstance(node, ast.Constant) and not isinstance(node.value, bool) and \
                    Fraction(str(node.value)) not in grounded:
                raise Unconvertible(f"ungrounded_number: {node.value} in {step.name} = {step.expression}"[:80])
    return Problem(question.strip(), answer, needed, final.name)


def _final_answer(solution: str) -> Fraction:
    """The number after the solution's `####`."""
    final_match = _FINAL.search(solution)
    if not final_match:
        raise Unconvertible("no_final_answer")
    try:
        return _number(final_match.group(1).strip().rstrip("."))
    except (ValueError, ZeroDivisionError):
        raise Unconvertible(f"final_not_a_number: {final_match.group(1)[:30]}") from None


def _given_numbers(question: str) -> set[Fraction]:
    """The numbers a question states: digits, number words, the denominator of "a third", and a percentage as the
    fraction it stands for (20% → 0.2, and 0.01 to scale by)."""
    given = {_number(text) for text in _NUMBER.findall(question)}
    given |= {_NUMBER_WORDS[word] for word in _SPELLED.findall(question.lower()) if word in _NUMBER_WORDS}
    given |= {1 / value for value in list(given) if value and value.numerator == 1}
    if "%" in question or "percent" in question.lower():
        given |= {value / 100 for value in list(given)} | {Fraction(1, 100)}
    return given


def _needed(steps: list[Step], final: Step) -> tuple[Step, ...]:
    """The steps the final one depends on, in order (worked solutions often compute things they never use)."""
    needed = {final.name}
    kept: list[Step] = []
    for step in reversed(steps[: steps.index(final) + 1]):
        if step.name in needed:
            kept.append(step)
            needed |= _used_names(step.expression)
    return tuple(reversed(kept))
