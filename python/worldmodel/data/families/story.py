"""The vocabulary and sentence machinery of everyday word problems: people, things, verbs, and questions
that can be asked directly ("How many apples does Sarah have now?"), indirectly ("how many apples Sarah has
now") or as a command ("Find how many apples Sarah has now.")."""

from __future__ import annotations

import random
from dataclasses import dataclass

from worldmodel.data.families.texts import texts
from worldmodel.data.phrasing import capitalized

# (name, subject pronoun, possessive); "I" tells the story in the first person.
PEOPLE = (
    ("Sarah", "she", "her"),
    ("Tom", "he", "his"),
    ("Maya", "she", "her"),
    ("Liam", "he", "his"),
    ("Aisha", "she", "her"),
    ("Carlos", "he", "his"),
    ("Mei", "she", "her"),
    ("Jamal", "he", "his"),
    ("Olivia", "she", "her"),
    ("Ravi", "he", "his"),
    ("Elena", "she", "her"),
    ("Noah", "he", "his"),
    ("Fatima", "she", "her"),
    ("Lucas", "he", "his"),
    ("Grace", "she", "her"),
    ("Kenji", "he", "his"),
)
FIRST_PERSON = ("I", "I", "my")
RELATIVES = ("brother", "sister", "friend", "cousin", "neighbor", "teacher", "mom", "dad", "classmate")

# Countable things: (plural, singular, edible).
THINGS = (
    ("apples", "apple", True),
    ("stickers", "sticker", False),
    ("marbles", "marble", False),
    ("cookies", "cookie", True),
    ("pencils", "pencil", False),
    ("books", "book", False),
    ("cards", "card", False),
    ("balloons", "balloon", False),
    ("candies", "candy", True),
    ("shells", "shell", False),
    ("coins", "coin", False),
    ("toy cars", "toy car", False),
    ("eggs", "egg", True),
    ("flowers", "flower", False),
    ("cupcakes", "cupcake", True),
    ("oranges", "orange", True),
    ("stamps", "stamp", False),
    ("beads", "bead", False),
)


def variable(noun: str) -> str:
    """A program name for a noun: "toy cars" -> toy_cars."""
    return noun.replace(" ", "_").replace("-", "_").lower()


@dataclass(frozen=True)
class Person:
    name: str
    pronoun: str
    possessive: str

    @property
    def first(self) -> bool:
        return self.name == "I"

    def third(self, base: str, third: str) -> str:
        """The verb agreeing with the person: "have"/"has"."""
        return base if self.first else third


def person(rng: random.Random, *, first_person: float = 0.2, exclude: tuple[str, ...] = ()) -> Person:
    if rng.random() < first_person and "I" not in exclude:
        return Person(*FIRST_PERSON)
    return Person(*rng.choice([p for p in PEOPLE if p[0] not in exclude]))


def people(rng: random.Random, count: int) -> list[Person]:
    return [Person(*p) for p in rng.sample(PEOPLE, count)]


@dataclass(frozen=True)
class Ask:
    """A question about a quantity, buildable in several forms.

    `wh` "how many apples", `subject` "Sarah", `base`/`third` "have"/"has", `tail` "now", `past` for "did".
    """

    wh: str
    subject: str
    base: str
    third: str
    tail: str = ""
    past: str = ""  # the past form ("had") for questions about the past

    def _plural_subject(self) -> bool:
        return self.subject in ("I", "you", "we", "they") or " and " in self.subject

    def direct(self) -> str:
        if self.base == "are":  # "How many blue marbles are left in the bag?"
            return capitalized(f"{self.wh} are {self.tail}") + "?"
        aux = "did" if self.past else "do" if self._plural_subject() else "does"
        return capitalized(f"{self.wh} {aux} {self.subject} {self.base} {self.tail}".strip()) + "?"

    def indirect(self) -> str:
        if self.base == "are":
            return f"{self.wh} are {self.tail}"
        verb = self.past or (self.base if self._plural_subject() else self.third)
        return f"{self.wh} {self.subject} {verb} {self.tail}".strip()


def slots_for(story: str, clause: str, ask: Ask, rng: random.Random) -> dict[str, str]:
    """The slots every story frame uses."""
    direct = ask.direct()
    return {
        "story": story,
        "clause": clause,
        "ask": direct,
        "ask_lc": direct[0].lower() + direct[1:],
        "ask_command": rng.choice(("Find", "Work out", "Figure out", "Calculate")) + f" {ask.indirect()}.",
        "ask_indirect": ask.indirect(),
    }


# The story families' answer sentences and question frames (texts/story.toml).
FINALS = texts("story")["FINALS"]
FRAMES = texts("story")["FRAMES"]


def join_clauses(parts: list[str]) -> str:
    """"a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
