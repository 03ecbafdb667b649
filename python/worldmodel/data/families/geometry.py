"""Geometry as a catalogue: areas and perimeters of every common plane shape, volumes and surface areas of
solids, triangles (third angle, Pythagoras both ways, Heron) and polygons (angle sums, regular angles,
diagonals). The sampler picks the shape and the measure; the plan names each dimension.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan, planned
from worldmodel.data.families.texts import texts
from worldmodel.data.spec import Family

PI = Fraction("3.14159265358979323846")
FINALS = texts("geometry")["FINALS"]


@dataclass(frozen=True)
class Shape:
    name: str
    dims: tuple[str, ...]  # program names of the measurements the question gives
    measures: dict[str, tuple[str, object]]  # measure -> (Python expression, exact truth from dims)
    descriptions: tuple[str, ...]  # noun phrases with {dim} slots
    holders: tuple[str, ...]  # things of this shape: "a rectangular garden"


def _F(p: dict, name: str) -> Fraction:
    return Fraction(str(p[name]))


PLANE = (
    Shape("square", ("side",), {
        "area": ("side ** 2", lambda d: d["side"] ** 2),
        "perimeter": ("4 * side", lambda d: 4 * d["side"]),
    }, ("a square with sides of {side}", "a square of side {side}", "a square that is {side} on each side"),
        ("a square tile", "a square garden", "a square room", "a square photo")),
    Shape("rectangle", ("length", "width"), {
        "area": ("length * width", lambda d: d["length"] * d["width"]),
        "perimeter": ("2 * (length + width)", lambda d: 2 * d["length"] + 2 * d["width"]),
    }, ("a rectangle {length} long and {width} wide", "a rectangle with length {length} and width {width}",
        "a {length} by {width} rectangle"),
        ("a rectangular garden", "a rectangular room", "a rectangular field", "a poster", "a rectangular table top")),
    Shape("triangle", ("base", "height"), {
        "area": ("base * height / 2", lambda d: d["base"] * d["height"] / 2),
    }, ("a triangle with base {base} and height {height}", "a triangle whose base is {base} and height is {height}"),
        ("a triangular flag", "a triangular sail", "a triangular garden bed")),
    Shape("circle", ("radius",), {
        "area": ("math.pi * radius ** 2", lambda d: PI * d["radius"] ** 2),
        "circumference": ("2 * math.pi * radius", lambda d: 2 * PI * d["radius"]),
    }, ("a circle with radius {radius}", "a circle of radius {radius}", "a circle whose radius is {radius}"),
        ("a round table", "a circular pond", "a round rug", "a pizza", "a circular garden")),
    Shape("circle_by_diameter", ("diameter",), {
        "area": ("math.pi * (diameter / 2) ** 2", lambda d: PI * d["diameter"] ** 2 / 4),
        "circumference": ("math.pi * diameter", lambda d: PI * d["diameter"]),
    }, ("a circle with a diameter of {diameter}", "a circle {diameter} across", "a circle of diameter {diameter}"),
        ("a round table", "a circular pond", "a round window", "a wheel", "a round clock face")),
    Shape("trapezoid", ("top", "bottom", "height"), {
        "area": ("(top + bottom) / 2 * height", lambda d: (d["top"] + d["bottom"]) * d["height"] / 2),
    }, ("a trapezoid with parallel sides {top} and {bottom} and a height of {height}",
        "a trapezoid whose parallel sides are {top} and {bottom}, {height} apart"),
        ("a trapezoid-shaped garden", "a trapezoid-shaped plot")),
    Shape("parallelogram", ("base", "height"), {
        "area": ("base * height", lambda d: d["base"] * d["height"]),
    }, ("a parallelogram with base {base} and height {height}",), ("a parallelogram-shaped tile",)),
    Shape("rhombus", ("d1", "d2"), {
        "area": ("d1 * d2 / 2", lambda d: d["d1"] * d["d2"] / 2),
    }, ("a rhombus with diagonals of {d1} and {d2}",), ("a diamond-shaped kite",)),
    Shape("semicircle", ("radius",), {
        "area": ("math.pi * radius ** 2 / 2", lambda d: PI * d["radius"] ** 2 / 2),
        "perimeter": ("math.pi * radius + 2 * radius", lambda d: PI * d["radius"] + 2 * d["radius"]),
    }, ("a semicircle with radius {radius}", "a half circle of radius {radius}"), ("a semicircular window",)),
    Shape("hexagon", ("side",), {
        "perimeter": ("6 * side", lambda d: 6 * d["side"]),
    }, ("a regular hexagon with sides of {side}",), ("a hexagonal tile",)),
    Shape("pentagon", ("side",), {
        "perimeter": ("5 * side", lambda d: 5 * d["side"]),
    }, ("a regular pentagon with sides of {side}",), ("a pentagon-shaped sign",)),
)

SOLIDS = (
    Shape("cube", ("side",), {
        "volume": ("side ** 3", lambda d: d["side"] ** 3),
        "surface area": ("6 * side ** 2", lambda d: 6 * d["side"] ** 2),
    }, ("a cube with edges of {side}", "a cube of side {side}"), ("a cubic box", "a dice-shaped block", "an ice cube")),
    Shape("box", ("length", "width", "height"), {
        "volume": ("length * width * height", lambda d: d["length"] * d["width"] * d["height"]),
        "surface area": ("2 * (length * width + length * height + width * height)",
                         lambda d: 2 * (d["length"] * d["width"] + d["length"] * d["height"] + d["width"] * d["height"])),
    }, ("a box {length} long, {width} wide and {height} high", "a rectangular prism measuring {length} by {width} by {height}"),
        ("a fish tank", "a shipping box", "a room", "a shoebox")),
    Shape("sphere", ("radius",), {
        "volume": ("4 / 3 * math.pi * radius ** 3", lambda d: 4 * PI * d["radius"] ** 3 / 3),
        "surface area": ("4 * math.pi * radius ** 2", lambda d: 4 * PI * d["radius"] ** 2),
    }, ("a sphere with radius {radius}", "a sphere of radius {radius}", "a sphere whose radius is {radius}"),
        ("a ball", "a globe", "a spherical tank")),
    Shape("cylinder", ("radius", "height"), {
        "volume": ("math.pi * radius ** 2 * height", lambda d: PI * d["radius"] ** 2 * d["height"]),
        "surface area": ("2 * math.pi * radius * (radius + height)",
                         lambda d: 2 * PI * d["radius"] * (d["radius"] + d["height"])),
    }, ("a cylinder with radius {radius} and height {height}", "a cylinder {height} tall with a radius of {radius}"),
        ("a can", "a water tank", "a pipe section", "a round pillar")),
    Shape("cone", ("radius", "height"), {
        "volume": ("math.pi * radius ** 2 * height / 3", lambda d: PI * d["radius"] ** 2 * d["height"] / 3),
    }, ("a cone with base radius {radius} and height {height}", "a cone {height} tall with a base radius of {radius}"),
        ("a traffic cone", "an ice cream cone", "a funnel")),
    Shape("pyramid", ("side", "height"), {
        "volume": ("side ** 2 * height / 3", lambda d: d["side"] ** 2 * d["height"] / 3),
    }, ("a square pyramid with base side {side} and height {height}",), ("a pyramid-shaped tent", "a glass pyramid")),
    Shape("hemisphere", ("radius",), {
        "volume": ("2 / 3 * math.pi * radius ** 3", lambda d: 2 * PI * d["radius"] ** 3 / 3),
    }, ("a hemisphere with radius {radius}", "half a sphere of radius {radius}"), ("a bowl", "a dome")),
)

PLANE_FRAMES = texts("geometry")["PLANE_FRAMES"]


def _pick(rng: random.Random, low: float, high: float) -> float | int:
    x = round(rng.uniform(low, high), rng.choice((0, 0, 1)))
    return int(x) if float(x).is_integer() else x


def _shape_sampler(shapes: tuple[Shape, ...]):
    def sample(rng: random.Random) -> dict:
        shape = rng.choice(shapes)
        p = {"shape": shape.name, "measure": rng.choice(list(shape.measures)), "unit": rng.choice(("cm", "m", "ft"))}
        for dim in ("side", "length", "width", "height", "radius", "diameter", "base", "top", "bottom", "d1", "d2"):
            p[dim] = _pick(rng, 2, 40)  # every key in every sample: the program follows the shape, not the values
        return p

    return sample


def _shape(shapes: tuple[Shape, ...], p: dict) -> Shape:
    return next(s for s in shapes if s.name == p["shape"])


def _result_name(measure: str) -> str:
    return measure.replace(" ", "_")


def _shape_plan(shapes: tuple[Shape, ...], p: dict) -> tuple[Plan, str]:
    shape, plan = _shape(shapes, p), Plan()
    for dim in shape.dims:
        plan.given(dim, p[dim], f"{phrasing.plain(p[dim])} {p['unit']}")
    return plan, plan.step(_result_name(p["measure"]), shape.measures[p["measure"]][0])


def _unit(p: dict) -> str:
    if p["measure"] in ("perimeter", "circumference"):
        return p["unit"]
    return p["unit"] + ("^3" if p["measure"] == "volume" else "^2")


def _shape_render(shapes: tuple[Shape, ...]):
    def render(p: dict, rng: random.Random) -> dict:
        shape = _shape(shapes, p)
        said = {dim: phrasing.say_quantity(p[dim], p["unit"], rng) for dim in shape.dims}
        holder = rng.choice(shape.holders)
        return {
            "desc": rng.choice(shape.descriptions).format(**said),
            **phrasing.with_capitals(holder=holder, measure=p["measure"]),
            "unit_name": phrasing.UNITS[_unit(p)][1],
        }

    return render


def _shape_family(name: str, shapes: tuple[Shape, ...]) -> Family:
    return planned(
        name=name,
        stage="complex",
        templates=PLANE_FRAMES,
        sample=_shape_sampler(shapes),
        plan=lambda p: _shape_plan(shapes, p),
        digits=2,
        truth=lambda p: float(_shape(shapes, p).measures[p["measure"]][1]({d: _F(p, d) for d in _shape(shapes, p).dims})),
        finals=FINALS,
        units=_unit,
        render=_shape_render(shapes),
        rel_tol=5e-3,
        **texts(name),
    )


PLANE_SHAPES = _shape_family("plane_shapes", PLANE)
SOLID_SHAPES = _shape_family("solid_shapes", SOLIDS)


# Triangles: the third angle, Pythagoras both ways, and Heron's formula.
def _triangle_sample(rng: random.Random) -> dict:
    kind = rng.choice(("angle", "hypotenuse", "leg", "heron"))
    a, b = rng.randint(20, 100), rng.randint(20, 100)
    while a + b >= 175:
        a, b = rng.randint(20, 100), rng.randint(20, 100)
    x, y = rng.randint(2, 60), rng.randint(2, 60)
    hyp = max(x, y) + rng.randint(1, 40)
    sides = sorted(rng.randint(3, 50) for _ in range(3))
    while sides[0] + sides[1] <= sides[2] + 1:
        sides = sorted(rng.randint(3, 50) for _ in range(3))
    return {"kind": kind, "a": a, "b": b, "x": x, "y": y, "hyp": hyp, "s1": sides[0], "s2": sides[1], "s3": sides[2],
            "unit": rng.choice(("cm", "m", "ft"))}


def _triangle_plan(p: dict) -> tuple[Plan, str]:
    plan, u = Plan(), p["unit"]
    if p["kind"] == "angle":
        plan.given("angle_a", p["a"], f"{p['a']}°", whole=True)
        plan.given("angle_b", p["b"], f"{p['b']}°", whole=True)
        return plan, plan.step("angle_c", "180 - angle_a - angle_b")
    if p["kind"] == "hypotenuse":
        plan.given("leg_a", p["x"], f"{p['x']} {u}")
        plan.given("leg_b", p["y"], f"{p['y']} {u}")
        return plan, plan.step("hypotenuse", "(leg_a ** 2 + leg_b ** 2) ** 0.5")
    if p["kind"] == "leg":
        plan.given("hypotenuse", p["hyp"], f"{p['hyp']} {u}")
        plan.given("leg_a", p["x"], f"{p['x']} {u}")
        return plan, plan.step("leg_b", "(hypotenuse ** 2 - leg_a ** 2) ** 0.5")
    for name in ("a", "b", "c"):
        side = p[{"a": "s1", "b": "s2", "c": "s3"}[name]]
        plan.given(name, side, f"{side} {u}")
    plan.step("s", "(a + b + c) / 2")
    return plan, plan.step("area", "(s * (s - a) * (s - b) * (s - c)) ** 0.5")


def _triangle_truth(p: dict) -> float:
    if p["kind"] == "angle":
        return 180 - p["a"] - p["b"]
    if p["kind"] == "hypotenuse":
        return math.hypot(p["x"], p["y"])
    if p["kind"] == "leg":
        return math.sqrt((p["hyp"] - p["x"]) * (p["hyp"] + p["x"]))
    a, b, c = p["s1"], p["s2"], p["s3"]  # the area from two sides and the angle between them (law of cosines)
    cos_c = (a * a + b * b - c * c) / (2 * a * b)
    return a * b * math.sqrt(1 - cos_c * cos_c) / 2


def _triangle_render(p: dict, rng: random.Random) -> dict:
    q = {k: phrasing.say_quantity(p[k], p["unit"], rng) for k in ("x", "y", "hyp", "s1", "s2", "s3")}
    if p["kind"] == "angle":
        facts = rng.choice((f"two angles of a triangle are {p['a']}° and {p['b']}°",
                            f"a triangle has angles of {p['a']} degrees and {p['b']} degrees"))
        ask = "what is the third angle"
    elif p["kind"] == "hypotenuse":
        facts = rng.choice((f"a right triangle has legs of {q['x']} and {q['y']}",
                            f"the two shorter sides of a right triangle are {q['x']} and {q['y']}"))
        ask = rng.choice(("how long is the hypotenuse", "what is the length of the hypotenuse"))
    elif p["kind"] == "leg":
        facts = rng.choice((f"a right triangle has a hypotenuse of {q['hyp']} and one leg of {q['x']}",
                            f"a ladder {q['hyp']} long leans on a wall with its foot {q['x']} from the wall"))
        ask = "how long is the other leg" if "triangle" in facts else "how high up the wall does it reach"
    else:
        facts = f"a triangle has sides of {q['s1']}, {q['s2']} and {q['s3']}"
        ask = "what is its area"
    return {**phrasing.with_capitals(facts=facts), "ask_q": phrasing.capitalized(ask) + "?", "ask": ask}


TRIANGLES = planned(
    name="triangles", stage="complex", **texts("triangles"),
    finals=FINALS, rel_tol=5e-3, digits=lambda p: None if p["kind"] == "angle" else 2,
    sample=_triangle_sample, plan=_triangle_plan, truth=_triangle_truth,
    units=lambda p: "°" if p["kind"] == "angle" else p["unit"] + "^2" if p["kind"] == "heron" else p["unit"],
    render=lambda p, rng: {**_triangle_render(p, rng), "ask_short": {
        "angle": "the third angle", "hypotenuse": "the hypotenuse", "leg": "the missing side", "heron": "the area"}[p["kind"]]},
)


# Polygons: angle sums, regular angles, diagonals.
POLYGON_NAMES = {5: "pentagon", 6: "hexagon", 7: "heptagon", 8: "octagon", 9: "nonagon", 10: "decagon", 12: "dodecagon"}
_POLYGON_STEPS = {
    "sum": ("angle_sum", "(sides - 2) * 180"),
    "interior": ("angle", "(sides - 2) * 180 / sides"),
    "exterior": ("angle", "360 / sides"),
    "diagonals": ("diagonals", "sides * (sides - 3) // 2"),
}


def _polygon_sample(rng: random.Random) -> dict:
    sides = rng.choice((*POLYGON_NAMES, rng.randint(4, 30), rng.randint(4, 30)))
    return {"sides": sides, "kind": rng.choice(list(_POLYGON_STEPS)), "named": sides in POLYGON_NAMES and rng.random() < 0.7}


def _polygon_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    plan.given("sides", p["sides"], f"{p['sides']} sides", whole=True)
    return plan, plan.step(*_POLYGON_STEPS[p["kind"]])


def _polygon_render(p: dict, rng: random.Random) -> dict:
    shape = POLYGON_NAMES[p["sides"]] if p["named"] else f"{p['sides']}-sided polygon"
    regular = "regular " if p["kind"] in ("interior", "exterior") else ""
    what = {
        "sum": rng.choice(("the sum of the interior angles", "the total of the inside angles")),
        "interior": rng.choice(("each interior angle", "the size of each interior angle")),
        "exterior": rng.choice(("each exterior angle", "the size of each exterior angle")),
        "diagonals": "the number of diagonals",
    }[p["kind"]]
    article = "an" if f"{regular}{shape}"[0] in "aeiou8" or shape.startswith(("11-", "18-")) else "a"
    return {"shape": f"{article} {regular}{shape}", "what": what}


POLYGONS = planned(
    name="polygons", stage="complex", **texts("polygons"),
    finals=FINALS, rel_tol=1e-3, digits=lambda p: 2 if p["kind"] in ("interior", "exterior") else None,
    sample=_polygon_sample, plan=_polygon_plan, render=_polygon_render,
    truth=lambda p: {"sum": 180 * (p["sides"] - 2), "interior": 180 - 360 / p["sides"], "exterior": 360 / p["sides"],
                     "diagonals": math.comb(p["sides"], 2) - p["sides"]}[p["kind"]],
    units=lambda p: None if p["kind"] == "diagonals" else "°",
)

FAMILIES = [PLANE_SHAPES, SOLID_SHAPES, TRIANGLES, POLYGONS]
