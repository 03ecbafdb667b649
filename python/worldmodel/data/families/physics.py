"""Projectiles and free fall: the sampler picks what is asked (time of flight, maximum height, range; fall
time, impact speed, distance fallen), so each formula is learned with the question that needs it."""

from __future__ import annotations

import math
import random

from worldmodel.data import phrasing
from worldmodel.data.families.plan import Plan, planned
from worldmodel.data.families.texts import texts

G = 9.81
FINALS = texts("physics")["FINALS"]


def _nice(rng: random.Random, low: float, high: float) -> float | int:
    x = round(rng.uniform(low, high), rng.choice((0, 0, 1)))
    return int(x) if float(x).is_integer() else x


def _projectile_sample(rng: random.Random) -> dict:
    return {"ask": rng.choice(("time", "height", "range")), "speed": _nice(rng, 5, 60), "angle": rng.randint(15, 75),
            "straight_up": rng.random() < 0.25, "thing": rng.choice(("a ball", "a stone", "a rocket toy", "an arrow", "a football"))}


def _projectile_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    plan.given("speed", p["speed"], f"{phrasing.plain(p['speed'])} m/s")
    ask = "time" if p["straight_up"] and p["ask"] == "range" else p["ask"]
    if p["straight_up"]:
        expression = {"time": "2 * speed / 9.81", "height": "speed ** 2 / (2 * 9.81)"}[ask]
    else:
        plan.given("angle", p["angle"], f"{p['angle']}°")
        plan.step("theta", "math.radians(angle)")
        expression = {
            "time": "2 * speed * math.sin(theta) / 9.81",
            "height": "(speed * math.sin(theta)) ** 2 / (2 * 9.81)",
            "range": "speed ** 2 * math.sin(2 * theta) / 9.81",
        }[ask]
    return plan, plan.step({"time": "flight_time", "height": "max_height", "range": "distance"}[ask], expression)


def _projectile_truth(p: dict) -> float:
    # From the velocity components and the time to the top, not the closed forms of the plan.
    angle = math.radians(90 if p["straight_up"] else p["angle"])
    vx, vy = p["speed"] * math.cos(angle), p["speed"] * math.sin(angle)
    rise = vy / G
    ask = "time" if p["straight_up"] and p["ask"] == "range" else p["ask"]
    return {"time": 2 * rise, "height": vy * rise - G * rise * rise / 2, "range": vx * 2 * rise}[ask]


def _projectile_render(p: dict, rng: random.Random) -> dict:
    v = phrasing.say_quantity(p["speed"], "m/s", rng)
    if p["straight_up"]:
        launch = f"{p['thing']} is thrown straight up at {v}"
    else:
        launch = rng.choice((f"{p['thing']} is launched at {v} at {p['angle']} degrees above the ground",
                             f"{p['thing']} is thrown at {v} at an angle of {p['angle']}°"))
    ask = "time" if p["straight_up"] and p["ask"] == "range" else p["ask"]
    question = {
        "time": rng.choice(("how long is it in the air", "what is its time of flight", "how many seconds until it lands")),
        "height": rng.choice(("how high does it go", "what is its maximum height", "how high does it rise")),
        "range": rng.choice(("how far away does it land", "what is its horizontal range", "how far does it travel horizontally")),
    }[ask]
    return phrasing.with_capitals(launch=launch, question=question)


PROJECTILE = planned(
    name="projectile", stage="complex", **texts("projectile"), finals=FINALS, rel_tol=5e-3, digits=3,
    sample=_projectile_sample, plan=_projectile_plan, truth=_projectile_truth,
    units=lambda p: {"time": "s", "height": "m", "range": "m"}["time" if p["straight_up"] and p["ask"] == "range" else p["ask"]],
    render=lambda p, rng: {**_projectile_render(p, rng), "question_short": {
        "time": "its time of flight", "height": "its maximum height", "range": "its range"}[
        "time" if p["straight_up"] and p["ask"] == "range" else p["ask"]]},
)


def _fall_sample(rng: random.Random) -> dict:
    return {"ask": rng.choice(("time", "speed", "distance", "speed_after")), "height": _nice(rng, 5, 300),
            "seconds": _nice(rng, 1, 8), "thing": rng.choice(("a stone", "a ball", "my keys", "a coin", "an apple", "a rock"))}


def _fall_plan(p: dict) -> tuple[Plan, str]:
    plan = Plan()
    if p["ask"] in ("time", "speed"):
        plan.given("height", p["height"], f"{phrasing.plain(p['height'])} m")
        if p["ask"] == "time":
            return plan, plan.step("fall_time", "(2 * height / 9.81) ** 0.5")
        return plan, plan.step("impact_speed", "(2 * 9.81 * height) ** 0.5")
    plan.given("seconds", p["seconds"], f"{phrasing.plain(p['seconds'])} s")
    if p["ask"] == "distance":
        return plan, plan.step("fallen", "9.81 * seconds ** 2 / 2")
    return plan, plan.step("speed", "9.81 * seconds")


def _fall_render(p: dict, rng: random.Random) -> dict:
    h = phrasing.say_quantity(p["height"], "m", rng)
    t = phrasing.say_quantity(p["seconds"], "s", rng)
    scene, question = {
        "time": (f"{p['thing']} is dropped from {h}", rng.choice(("how long does it take to hit the ground", "how many seconds does the fall last"))),
        "speed": (f"{p['thing']} is dropped from {h}", rng.choice(("how fast is it going when it hits the ground", "what is its speed on impact"))),
        "distance": (f"{p['thing']} falls freely from rest for {t}", rng.choice(("how far does it fall", "what distance does it drop"))),
        "speed_after": (f"{p['thing']} falls freely from rest for {t}", rng.choice(("how fast is it falling then", "what speed does it reach"))),
    }[p["ask"]]
    return phrasing.with_capitals(scene=scene, question=question)


FREE_FALL = planned(
    name="free_fall", stage="complex", **texts("free_fall"), finals=FINALS, rel_tol=5e-3, digits=2,
    sample=_fall_sample, plan=_fall_plan, render=_fall_render,
    truth=lambda p: {"time": math.sqrt(2 * p["height"] / G), "speed": math.sqrt(2 * G * p["height"]),
                     "distance": G * p["seconds"] ** 2 / 2, "speed_after": G * p["seconds"]}[p["ask"]],
    units=lambda p: {"time": "s", "speed": "m/s", "distance": "m", "speed_after": "m/s"}[p["ask"]],
)

FAMILIES = [PROJECTILE, FREE_FALL]
