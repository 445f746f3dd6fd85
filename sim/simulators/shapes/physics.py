"""Physics: the physics family's problem shapes (g = 10 m/s² unless a problem says otherwise).

Registered when ``simulators.shapes`` first needs the family.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .base import (
    Problem,
    R,
    a_,
    as_frac,
    as_over_pi,
    as_pi,
    as_surd,
    cosd,
    facts_from_data,
    fmt,
    num,
    ordinal,
    poly,
    shape,
    sind,
    tex_frac,
)

P = "physics"


@shape(P, "kinematics", "easy")
def _car_from_rest(r: R) -> Problem:
    a, t = r.choice([1.5, 2, 2.5, 3, 4]), r.randint(4, 12)
    v = a * t * t / 2
    return Problem(
        f"A car starts from rest at a traffic signal and accelerates uniformly at {fmt(a)} m/s² for {t} s. "
        "How far does it travel in this time?",
        f"$s = \\frac{{1}}{{2}}at^2 = \\frac{{1}}{{2}} \\cdot {fmt(a)} \\cdot {t}^2 = {fmt(v)}$ m.",
        v, "m", wrong=(a * t * t, a * t, a * t * t / 4),
    )


@shape(P, "kinematics")
def _runway_length(r: R) -> Problem:
    v0, a = r.choice([60, 70, 80, 90, 100]), r.choice([2, 2.5, 4, 5])
    v = v0 * v0 / (2 * a)
    return Problem(
        f"An aircraft needs a speed of {v0} m/s to take off, and its engines give it a uniform acceleration of "
        f"{fmt(a)} m/s² along the runway. What is the minimum length of runway it needs?",
        f"From $v^2 = u^2 + 2as$ with $u = 0$: $s = \\frac{{v^2}}{{2a}} = \\frac{{{v0}^2}}{{2 \\cdot {fmt(a)}}} = {fmt(v)}$ m.",
        v, "m", wrong=(v0 * v0 / a, v0 / a, v0 * v0 / (4 * a)),
    )


@shape(P, "kinematics", "easy")
def _truck_braking(r: R) -> Problem:
    kmh, dec = r.choice([36, 54, 72, 90, 108]), r.choice([2, 2.5, 4, 5])
    u = kmh / 3.6
    v = u * u / (2 * dec)
    return Problem(
        f"A truck moving at {kmh} km/h brakes with a uniform retardation of {fmt(dec)} m/s². How far does it go "
        "before coming to rest?",
        f"$u = {kmh} \\times \\frac{{5}}{{18}} = {fmt(u)}$ m/s; $s = \\frac{{u^2}}{{2a}} = \\frac{{{fmt(u)}^2}}{{2 \\cdot "
        f"{fmt(dec)}}} "
        f"= {fmt(v)}$ m.",
        v, "m", wrong=(kmh * kmh / (2 * dec), u * u / dec, u / dec),
        shortcut="Convert km/h to m/s first (× 5/18).",
    )


@shape(P, "kinematics", "easy")
def _scooter_speeding_up(r: R) -> Problem:
    u, a, t = r.choice([8, 10, 12, 15]), r.choice([1, 2, 3]), r.randint(3, 8)
    v = u * t + a * t * t / 2
    return Problem(
        f"A scooter moving at {u} m/s speeds up with a constant acceleration of {a} m/s² for {t} s. What distance "
        "does it cover during these seconds?",
        f"$s = ut + \\frac{{1}}{{2}}at^2 = {u} \\cdot {t} + \\frac{{1}}{{2}} \\cdot {a} \\cdot {t}^2 = {fmt(v)}$ m.",
        v, "m", wrong=(u * t + a * t * t, u * t, a * t * t / 2),
    )


@shape(P, "kinematics", "easy")
def _stone_from_tower(r: R) -> Problem:
    h = r.choice([20, 45, 80, 125, 180, 245])
    v = math.sqrt(2 * h / 10)
    return Problem(
        f"A stone is dropped from the top of a tower {h} m high. Taking g = 10 m/s², how long does it take to reach "
        "the ground?",
        f"$h = \\frac{{1}}{{2}}gt^2$ gives $t = \\sqrt{{2h/g}} = \\sqrt{{2 \\cdot {h}/10}} = {fmt(v)}$ s.",
        v, "s", wrong=(2 * h / 10, math.sqrt(h / 10), h / 10),
    )


@shape(P, "kinematics", "easy")
def _coconut_fall_height(r: R) -> Problem:
    t = r.choice([1, 1.2, 1.5, 2, 2.5])
    v = 5 * t * t
    return Problem(
        f"A coconut breaks off a tall palm and lands {fmt(t)} s later. Ignoring air resistance and taking "
        "g = 10 m/s², from what height did it fall?",
        f"$h = \\frac{{1}}{{2}}gt^2 = 5 \\cdot {fmt(t)}^2 = {fmt(v)}$ m.",
        v, "m", wrong=(10 * t * t, 10 * t, 5 * t),
    )


@shape(P, "kinematics")
def _packet_from_helicopter(r: R) -> Problem:
    u, h, t = r.choice([(5, 30, 3), (10, 40, 4), (5, 60, 4), (15, 20, 4), (20, 105, 7), (10, 15, 3)])
    return Problem(
        f"A helicopter rising vertically at {u} m/s releases a relief packet when it is {h} m above the ground. "
        "With g = 10 m/s², after how many seconds does the packet land?",
        f"The packet starts with {u} m/s upwards: $-{h} = {u}t - 5t^2$, i.e. $5t^2 - {u}t - {h} = 0$, whose positive "
        f"root is $t = {t}$ s.",
        t, "s", wrong=(math.sqrt(2 * h / 10), t - 1, t + 1),
        shortcut="Released objects keep the carrier's velocity.",
    )


@shape(P, "kinematics", "easy")
def _vertical_throw_height(r: R) -> Problem:
    u = r.choice([10, 15, 20, 25, 30, 40])
    v = u * u / 20
    return Problem(
        f"A ball is thrown vertically upwards with a speed of {u} m/s. What maximum height does it reach? "
        "(g = 10 m/s²)",
        f"At the top $v = 0$: $H = \\frac{{u^2}}{{2g}} = \\frac{{{u}^2}}{{20}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u / 10, u / 10, u * u / 40),
    )


@shape(P, "kinematics", "easy")
def _catch_after_time(r: R) -> Problem:
    t = r.choice([2, 3, 4, 5, 6])
    v = 10 * t / 2
    return Problem(
        f"A fielder tosses a cricket ball straight up and catches it at the same height {t} s later. With what "
        "speed did the ball leave his hand? (g = 10 m/s²)",
        f"Time up = time down = {fmt(t / 2)} s, so $u = g \\cdot \\frac{{T}}{{2}} = 10 \\cdot {fmt(t / 2)} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(10 * t, 5 * t * t, 10 * t / 4),
    )


@shape(P, "kinematics")
def _nth_second_distance(r: R) -> Problem:
    u, a, n = r.randint(0, 10), r.choice([2, 3, 4, 6]), r.randint(3, 10)
    v = u + a * (n - 0.5)
    return Problem(
        f"A body starts with velocity {u} m/s and has a uniform acceleration of {a} m/s². What distance does it "
        f"cover during the {ordinal(n)} second of its motion?",
        f"$s_n = u + \\frac{{a}}{{2}}(2n - 1) = {u} + \\frac{{{a}}}{{2}}({2 * n - 1}) = {fmt(v)}$ m.",
        v, "m", wrong=(u * n + a * n * n / 2, u + a * n, u + a * (n - 1)),
        shortcut="Distance in the nth second: u + a(2n − 1)/2.",
    )


@shape(P, "kinematics", "hard")
def _initial_speed_from_two_seconds(r: R) -> Problem:
    u, a = r.randint(1, 12), r.choice([2, 4, 6])
    p, q = r.choice([(3, 5), (2, 6), (4, 7), (3, 8)])
    sp, sq = u + a * (p - 0.5), u + a * (q - 0.5)
    return Problem(
        f"A uniformly accelerated body covers {fmt(sp)} m in the {ordinal(p)} second and {fmt(sq)} m in the {ordinal(q)} second "
        "of its motion. What was its initial velocity?",
        f"$s_n = u + a(n - \\tfrac12)$: subtracting, ${q - p}a = {fmt(sq - sp)}$ so $a = {a}$ m/s²; then "
        f"$u = {fmt(sp)} - {a}({p} - 0.5) = {u}$ m/s.",
        u, "m/s", wrong=(u + a, sp - a * p, u + a / 2),
    )


@shape(P, "kinematics")
def _acceleration_from_position(r: R) -> Problem:
    p, q, t = r.randint(1, 4), r.randint(-6, 6), r.randint(1, 4)
    v = 6 * p * t + 2 * q
    return Problem(
        f"The position of a particle moving along the x-axis is $x = {poly([p, q, r.randint(-5, 5), r.randint(0, 9)], 't')}$ "
        f"(x in metres, t in seconds). What is its acceleration at t = {t} s?",
        f"$a = \\frac{{d^2x}}{{dt^2}} = {6 * p}t + {2 * q}$; at $t = {t}$ s, $a = {v}$ m/s².".replace("+ -", "- "),
        v, "m/s²", wrong=(3 * p * t * t + 2 * q * t, 6 * p * t, 6 * p + 2 * q if 6 * p + 2 * q != v else v + 2),
    )


@shape(P, "kinematics")
def _displacement_from_velocity(r: R) -> Problem:
    a, b, t = r.randint(1, 4), r.randint(1, 6), r.randint(2, 5)
    v = a * t**3 / 3 + b * t
    return Problem(
        f"The velocity of a particle is $v = {a if a > 1 else ''}t^2 + {b}$ m/s. How far does it move between t = 0 "
        f"and t = {t} s?",
        f"$s = \\int_0^{{{t}}} ({a if a > 1 else ''}t^2 + {b})\\,dt = \\frac{{{a} \\cdot {t}^3}}{{3}} + {b} \\cdot {t} = "
        f"{fmt(v)}$ m.",
        v, "m", wrong=(a * t * t + b, 2 * a * t, a * t**3 + b * t),
    )


@shape(P, "kinematics")
def _projectile_range(r: R) -> Problem:
    u, th = r.choice([20, 30, 40, 50]), r.choice([15, 30, 45])
    v = u * u * sind(2 * th) / 10
    return Problem(
        f"A football is kicked at {u} m/s at {th}° above the horizontal. How far away does it land on level ground? "
        "(g = 10 m/s²)",
        f"$R = \\frac{{u^2 \\sin 2\\theta}}{{g}} = \\frac{{{u}^2 \\sin {2 * th}°}}{{10}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u / 10, v / 2, u * u * sind(th) / 10),
    )


@shape(P, "kinematics")
def _projectile_max_height(r: R) -> Problem:
    u, th = r.choice([20, 30, 40, 60]), r.choice([30, 45, 60])
    s = sind(th)
    v = u * u * s * s / 20
    return Problem(
        f"A shell is fired from a mortar at {u} m/s, {th}° above the horizontal. To what greatest height does it "
        "rise? (g = 10 m/s²)",
        f"$H = \\frac{{u^2 \\sin^2\\theta}}{{2g}} = \\frac{{{u}^2 \\sin^2 {th}°}}{{20}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u * s / 20, u * u / 20, u * u * s * s / 10),
    )


@shape(P, "kinematics", "easy")
def _time_of_flight(r: R) -> Problem:
    u, th = r.choice([10, 20, 30, 40, 50]), r.choice([30, 60])
    s = sind(th)
    v = 2 * u * s / 10
    return Problem(
        f"A javelin is launched at {u} m/s at an angle of {th}° to the ground. For how long is it in the air before "
        "it returns to the launch height? (g = 10 m/s²)",
        f"$T = \\frac{{2u\\sin\\theta}}{{g}} = \\frac{{2 \\cdot {u} \\cdot \\sin {th}°}}{{10}} = {fmt(v)}$ s.",
        v, "s", wrong=(u * s / 10, 2 * u / 10, 2 * u * cosd(th) / 10),
    )


@shape(P, "kinematics")
def _ball_off_table(r: R) -> Problem:
    h, u = r.choice([0.8, 1.25, 1.8, 3.2, 5]), r.choice([2, 3, 4, 5])
    v = u * math.sqrt(2 * h / 10)
    return Problem(
        f"A marble rolls off the edge of a table {fmt(h)} m high with a horizontal speed of {u} m/s. How far from "
        "the foot of the table does it hit the floor? (g = 10 m/s²)",
        f"Fall time $t = \\sqrt{{2h/g}} = {fmt(math.sqrt(2 * h / 10))}$ s; horizontal distance $= ut = {fmt(v)}$ m.",
        v, "m", wrong=(u * 2 * h / 10, u * math.sqrt(h / 10), u * h),
    )


@shape(P, "kinematics")
def _cliff_throw_impact_speed(r: R) -> Problem:
    h, u = r.choice([(20, 15), (45, 40), (80, 30), (5, 10), (125, 0)])
    if u == 0:
        u = 20
    v = math.sqrt(u * u + 20 * h)
    return Problem(
        f"A stone is thrown horizontally at {u} m/s from the top of a cliff {h} m high. With what speed does it "
        "strike the sea below? (g = 10 m/s²)",
        f"Vertical speed at impact $v_y = \\sqrt{{2gh}} = {fmt(math.sqrt(20 * h))}$ m/s; "
        f"$v = \\sqrt{{{u}^2 + {fmt(20 * h)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(u + math.sqrt(20 * h), math.sqrt(20 * h), u * u / 10 + h),
        shortcut="Energy: v² = u² + 2gh, whatever the direction of throw.",
    )


@shape(P, "kinematics", "easy")
def _complementary_angles(r: R) -> Problem:
    th = r.choice([15, 20, 25, 35, 40, 10])
    v = 90 - th
    return Problem(
        f"A gardener's hose throws water to the same horizontal distance at two different angles of projection. "
        f"If one angle is {th}°, what is the other?",
        f"$R \\propto \\sin 2\\theta$ and $\\sin 2\\theta = \\sin(180° - 2\\theta)$, so the other angle is "
        f"$90° - {th}° = {v}°$.",
        v, "degrees", wrong=(180 - th, 2 * th, 45 + th / 2),
    )


@shape(P, "kinematics")
def _max_throw_distance(r: R) -> Problem:
    hmax = r.choice([10, 15, 20, 25, 30])
    v = 2 * hmax
    return Problem(
        f"A boy can throw a ball vertically up to a height of {hmax} m. What is the greatest horizontal distance "
        "he can throw the same ball, with the same speed?",
        f"$u^2 = 2gH$ and the largest range is $\\frac{{u^2}}{{g}} = 2H = {v}$ m (at 45°).",
        v, "m", wrong=(hmax, 4 * hmax, hmax * math.sqrt(2)),
    )


@shape(P, "kinematics")
def _trains_crossing(r: R) -> Problem:
    l1, l2 = r.choice([(120, 80), (150, 100), (200, 160), (90, 110)])
    v1, v2 = r.choice([(54, 36), (72, 36), (90, 54), (45, 63)])
    t = (l1 + l2) / ((v1 + v2) / 3.6)
    return Problem(
        f"Two trains, {l1} m and {l2} m long, run on parallel tracks in opposite directions at {v1} km/h and {v2} km/h. "
        "How long do they take to cross each other completely?",
        f"Relative speed $= ({v1} + {v2})$ km/h $= {fmt((v1 + v2) / 3.6)}$ m/s; the distance to clear is "
        f"${l1} + {l2} = {l1 + l2}$ m, so $t = {fmt(t)}$ s.",
        t, "s", wrong=((l1 + l2) / ((v1 - v2) / 3.6) if v1 != v2 else 2 * t, l1 / ((v1 + v2) / 3.6), (l1 + l2) / (v1 + v2)),
    )


@shape(P, "kinematics")
def _overtaking_time(r: R) -> Problem:
    l1, l2 = r.choice([(100, 150), (200, 100), (120, 180)])
    v1, v2 = r.choice([(72, 54), (90, 72), (108, 72)])
    t = (l1 + l2) / ((v1 - v2) / 3.6)
    return Problem(
        f"An express train {l1} m long overtakes a goods train {l2} m long on a parallel track. Their speeds are "
        f"{v1} km/h and {v2} km/h in the same direction. How long does the overtaking take?",
        f"Relative speed $= {v1} - {v2} = {v1 - v2}$ km/h $= {fmt((v1 - v2) / 3.6)}$ m/s; "
        f"$t = \\frac{{{l1 + l2}}}{{{fmt((v1 - v2) / 3.6)}}} = {fmt(t)}$ s.",
        t, "s", wrong=((l1 + l2) / ((v1 + v2) / 3.6), l1 / ((v1 - v2) / 3.6), (l1 + l2) / (v1 - v2)),
    )


@shape(P, "kinematics")
def _river_drift(r: R) -> Problem:
    w, vb, vr = r.choice([(400, 4, 3), (200, 5, 2), (300, 3, 1.5), (500, 5, 4), (240, 4, 1)])
    v = w * vr / vb
    return Problem(
        f"A swimmer who swims at {vb} m/s in still water heads straight across a river {w} m wide flowing at "
        f"{fmt(vr)} m/s. How far downstream of the starting point does she land?",
        f"Crossing time $= {w}/{vb} = {fmt(w / vb)}$ s; drift $= {fmt(vr)} \\times {fmt(w / vb)} = {fmt(v)}$ m.",
        v, "m", wrong=(w * vb / vr, w / vr, w * vr / math.sqrt(vb * vb + vr * vr)),
    )


@shape(P, "kinematics", "hard")
def _river_shortest_path(r: R) -> Problem:
    w, vb, vr = r.choice([(300, 5, 3), (400, 5, 4), (600, 10, 6), (120, 5, 3), (260, 13, 5)])
    v = w / math.sqrt(vb * vb - vr * vr)
    return Problem(
        f"A ferry that moves at {vb} m/s relative to the water must reach the point directly opposite on the other "
        f"bank of a {w} m wide river whose current is {vr} m/s. How long does the crossing take?",
        f"Heading upstream so that the drift cancels, the cross-stream speed is $\\sqrt{{{vb}^2 - {vr}^2}} = "
        f"{fmt(math.sqrt(vb * vb - vr * vr))}$ m/s, so $t = {w}/{fmt(math.sqrt(vb * vb - vr * vr))} = {fmt(v)}$ s.",
        v, "s", wrong=(w / vb, w / (vb - vr), w / math.hypot(vb, vr)),
    )


@shape(P, "kinematics")
def _rain_umbrella(r: R) -> Problem:
    vr, vm = r.choice([(12, 5), (8, 6), (15, 8), (4, 3), (24, 7)])
    v = vm / vr
    return Problem(
        f"Rain falls vertically at {vr} m/s. A cyclist rides at {vm} m/s. At what angle θ to the vertical should he "
        "hold his umbrella? Give tan θ.",
        f"Relative to him the rain has a horizontal component {vm} m/s (towards him) and a vertical one {vr} m/s, "
        f"so $\\tan\\theta = {vm}/{vr} = {tex_frac(v)}$, tilted forwards.",
        v, wrong=(vr / vm, vm / math.hypot(vr, vm), (vr - vm) / vr), show=as_frac,
    )


@shape(P, "kinematics", "easy")
def _average_speed_halves(r: R) -> Problem:
    v1, v2 = r.choice([(30, 60), (40, 60), (20, 30), (60, 90), (36, 54), (10, 15)])
    v = 2 * v1 * v2 / (v1 + v2)
    return Problem(
        f"A bus covers the first half of a journey at {v1} km/h and the second half of the same distance at "
        f"{v2} km/h. What is its average speed for the whole journey?",
        f"$v_{{av}} = \\frac{{2v_1v_2}}{{v_1 + v_2}} = \\frac{{2 \\cdot {v1} \\cdot {v2}}}{{{v1 + v2}}} = {fmt(v)}$ km/h.",
        v, "km/h", wrong=((v1 + v2) / 2, math.sqrt(v1 * v2), v2 - v1),
        shortcut="Equal distances: harmonic mean, not the plain average.",
    )


@shape(P, "kinematics")
def _police_chase(r: R) -> Problem:
    vt, a = r.choice([(20, 2), (15, 3), (25, 5), (30, 4), (12, 2)])
    v = 2 * vt * vt / a
    return Problem(
        f"A speeding motorist passes a parked police jeep at a steady {vt} m/s. At that instant the jeep starts "
        f"from rest and accelerates at {a} m/s². How far does the jeep travel before it catches the motorist?",
        f"Equal distances: $\\frac{{1}}{{2}} \\cdot {a} t^2 = {vt}t$ gives $t = {fmt(2 * vt / a)}$ s, and the distance "
        f"is ${vt} \\times {fmt(2 * vt / a)} = {fmt(v)}$ m.",
        v, "m", wrong=(vt * vt / a, 4 * vt * vt / a, vt * vt / (2 * a)),
    )


@shape(P, "kinematics")
def _velocity_time_trapezium(r: R) -> Problem:
    vmax, t1, t2, t3 = r.choice([10, 15, 20, 25]), r.randint(4, 10), r.randint(10, 30), r.randint(4, 10)
    v = vmax * (t1 / 2 + t2 + t3 / 2)
    return Problem(
        f"A metro train accelerates uniformly from rest to {vmax} m/s in {t1} s, runs at that speed for {t2} s, and "
        f"then slows uniformly to rest in {t3} s. How far apart are the two stations?",
        f"The distance is the area under the v–t graph (a trapezium): ${vmax}\\left(\\frac{{{t1}}}{{2}} + {t2} + "
        f"\\frac{{{t3}}}{{2}}\\right) = {fmt(v)}$ m.",
        v, "m", wrong=(vmax * (t1 + t2 + t3), vmax * t2, vmax * (t1 + t2 + t3) / 2),
    )


@shape(P, "kinematics", "easy")
def _centripetal_acceleration(r: R) -> Problem:
    kmh, rad = r.choice([36, 54, 72, 90]), r.choice([25, 50, 100, 125, 200])
    u = kmh / 3.6
    v = u * u / rad
    return Problem(
        f"A car takes a flat circular turn of radius {rad} m at a steady {kmh} km/h. What is the magnitude of its "
        "acceleration?",
        f"Speed $= {fmt(u)}$ m/s; centripetal acceleration $\\frac{{v^2}}{{r}} = \\frac{{{fmt(u)}^2}}{{{rad}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(u / rad, kmh * kmh / rad, u * u / (2 * rad)),
    )


@shape(P, "kinematics", "easy")
def _revolutions_to_speed(r: R) -> Problem:
    rpm, rad = r.choice([30, 60, 120, 300]), r.choice([0.1, 0.2, 0.5, 0.7])
    v = 2 * math.pi * rad * rpm / 60
    return Problem(
        f"A stone tied to a string is whirled in a horizontal circle of radius {fmt(rad)} m, making {rpm} revolutions "
        "per minute. What is its linear speed?",
        f"$\\omega = 2\\pi \\cdot \\frac{{{rpm}}}{{60}}$ rad/s and $v = \\omega r = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(rad * rpm / 60, 2 * math.pi * rad * rpm, math.pi * rad * rpm / 60),
    )


@shape(P, "kinematics")
def _two_balls_meet(r: R) -> Problem:
    h, u = r.choice([(100, 25), (60, 20), (80, 40), (90, 30), (120, 40)])
    t = h / u
    return Problem(
        f"A ball is dropped from the top of a {h} m building at the same instant that another is thrown straight up "
        f"from the ground below it at {u} m/s. After how long do they meet?",
        f"Relative to each other the balls do not accelerate (both fall at g), and they close at {u} m/s, so "
        f"$t = {h}/{u} = {fmt(t)}$ s.",
        t, "s", wrong=(h / (2 * u), 2 * h / u, math.sqrt(2 * h / 10)),
        shortcut="In the falling frame both move uniformly.",
    )


@shape(P, "kinematics")
def _landing_speed_from_roof(r: R) -> Problem:
    u, t = r.choice([(10, 4), (20, 6), (15, 5), (5, 3), (25, 7)])
    v = 10 * t - u
    return Problem(
        f"A boy on a third-floor balcony tosses a ball straight up at {u} m/s. It rises, falls past him and strikes the "
        f"courtyard below {t} s after the toss. How fast is it travelling at impact? (g = 10 m/s²)",
        f"Taking up as positive, $v = u - gt = {u} - 10 \\cdot {t} = {u - 10 * t}$ m/s: it lands at {v} m/s, moving downwards.",
        v, "m/s", wrong=(float(10 * t + u), 10.0 * t, float(u)),
    )


@shape(P, "kinematics")
def _stopping_retardation(r: R) -> Problem:
    kmh, s = r.choice([(54, 45), (72, 40), (36, 25), (90, 125), (108, 90)])
    u = kmh / 3.6
    v = u * u / (2 * s)
    return Problem(
        f"The driver of a train entering a station at {kmh} km/h must bring it to a halt at the platform's end, "
        f"{s} m ahead. What minimum uniform deceleration is needed?",
        f"$u = {fmt(u)}$ m/s; $a = \\frac{{u^2}}{{2s}} = \\frac{{{fmt(u)}^2}}{{{2 * s}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(u * u / s, u / s, kmh * kmh / (2 * s)),
    )


@shape(P, "laws_of_motion")
def _atwood_acceleration(r: R) -> Problem:
    m1, m2 = r.choice([(3, 2), (5, 3), (4, 1), (6, 4), (7, 3)])
    v = (m1 - m2) * 10 / (m1 + m2)
    return Problem(
        f"Blocks of {m1} kg and {m2} kg hang from the two ends of a light string over a frictionless pulley. What "
        "is the acceleration of the blocks once released? (g = 10 m/s²)",
        f"$a = \\frac{{(m_1 - m_2)g}}{{m_1 + m_2}} = \\frac{{{m1 - m2} \\cdot 10}}{{{m1 + m2}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=((m1 - m2) * 10 / m1, (m1 + m2) * 10 / (m1 - m2), m2 * 10 / (m1 + m2)),
    )


@shape(P, "laws_of_motion")
def _atwood_tension(r: R) -> Problem:
    m1, m2 = r.choice([(3, 2), (4, 1), (6, 3), (5, 1), (8, 2)])
    v = 2 * m1 * m2 * 10 / (m1 + m2)
    return Problem(
        f"In an Atwood machine, masses of {m1} kg and {m2} kg are connected by a light inextensible string over "
        "a smooth pulley. What is the tension in the string while they move? (g = 10 m/s²)",
        f"$T = \\frac{{2m_1m_2 g}}{{m_1 + m_2}} = \\frac{{2 \\cdot {m1} \\cdot {m2} \\cdot 10}}{{{m1 + m2}}} = {fmt(v)}$ N.",
        v, "N", wrong=(m1 * m2 * 10 / (m1 + m2), (m1 + m2) * 10, abs(m1 - m2) * 10 or 5),
    )


@shape(P, "laws_of_motion")
def _rough_incline_acceleration(r: R) -> Problem:
    mu = r.choice([0.1, 0.2, 0.25, 0.5])
    v = 10 * (0.6 - 0.8 * mu)
    return Problem(
        f"A crate slides down a ramp inclined at 37° to the horizontal; the coefficient of kinetic friction is "
        f"{fmt(mu)}. What is its acceleration? (sin 37° = 0.6, g = 10 m/s²)",
        f"$a = g(\\sin\\theta - \\mu\\cos\\theta) = 10(0.6 - {fmt(mu)} \\times 0.8) = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(6.0, 10 * (0.6 + 0.8 * mu), 10 * (0.8 - 0.6 * mu)),
    )


@shape(P, "laws_of_motion", "easy")
def _lift_apparent_weight(r: R) -> Problem:
    m, a = r.choice([50, 60, 70, 80]), r.choice([1, 2, 2.5, 3])
    up = r.random() < 0.5
    v = m * (10 + a) if up else m * (10 - a)
    return Problem(
        f"{a_(m).capitalize()} {m} kg student stands on a weighing scale in a lift that is accelerating "
        f"{'upwards' if up else 'downwards'} "
        f"at {fmt(a)} m/s². What force does the scale read? (g = 10 m/s²)",
        f"$N = m(g {'+' if up else '-'} a) = {m}(10 {'+' if up else '-'} {fmt(a)}) = {fmt(v)}$ N.",
        v, "N", wrong=(m * 10, m * (10 - a) if up else m * (10 + a), m * a),
    )


@shape(P, "laws_of_motion", "easy")
def _push_on_rough_floor(r: R) -> Problem:
    m, f, mu = r.choice([5, 10, 20]), r.choice([40, 60, 80, 100]), r.choice([0.2, 0.25, 0.3])
    v = (f - mu * m * 10) / m
    if v <= 0:
        f = int(mu * m * 10) + 30
        v = (f - mu * m * 10) / m
    return Problem(
        f"A horizontal push of {f} N acts on {a_(m)} {m} kg box resting on a floor with coefficient of kinetic friction "
        f"{fmt(mu)}. What acceleration does the box get? (g = 10 m/s²)",
        f"Friction $= \\mu mg = {fmt(mu * m * 10)}$ N; $a = \\frac{{{f} - {fmt(mu * m * 10)}}}{{{m}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(f / m, (f + mu * m * 10) / m, (f - mu * m) / m),
    )


@shape(P, "laws_of_motion")
def _contact_force(r: R) -> Problem:
    m1, m2, f = r.choice([2, 3, 4]), r.choice([1, 2, 6]), r.choice([12, 18, 24, 30])
    v = m2 * f / (m1 + m2)
    return Problem(
        f"Two blocks of {m1} kg and {m2} kg are in contact on a smooth table. A horizontal force of {f} N pushes "
        f"the {m1} kg block. What force does the {m1} kg block exert on the {m2} kg block?",
        f"Common acceleration $a = \\frac{{{f}}}{{{m1 + m2}}}$; the front block needs $m_2 a = {fmt(v)}$ N.",
        v, "N", wrong=(m1 * f / (m1 + m2), f, f / 2 if f / 2 != v else f / 3),
    )


@shape(P, "laws_of_motion")
def _average_force_rebound(r: R) -> Problem:
    m, v1, v2, ms = r.choice([0.15, 0.2, 0.4, 0.5]), r.choice([10, 12, 20]), r.choice([5, 8, 10]), r.choice([10, 20, 50])
    v = m * (v1 + v2) / (ms / 1000)
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg ball hits a wall at {v1} m/s and rebounds along the same line at {v2} m/s. The "
        "contact lasts "
        f"{ms} ms. What average force does the wall exert?",
        f"$\\Delta p = m(v_1 + v_2) = {fmt(m * (v1 + v2))}$ kg m/s; $F = \\Delta p/\\Delta t = "
        f"{fmt(m * (v1 + v2))}/{fmt(ms / 1000)} = "
        f"{fmt(v)}$ N.",
        v, "N", wrong=(m * abs(v1 - v2) / (ms / 1000), m * (v1 + v2) / ms, m * v1 / (ms / 1000)),
        shortcut="A rebound adds the speeds in Δp.",
    )


@shape(P, "laws_of_motion")
def _machine_gun_force(r: R) -> Problem:
    n, m, u = r.choice([5, 10, 20]), r.choice([20, 40, 50]), r.choice([400, 500, 800])
    v = n * m / 1000 * u
    return Problem(
        f"A machine gun fires {n} bullets per second, each of mass {m} g, at {u} m/s. What average force must the "
        "gunner apply to hold the gun in place?",
        f"Momentum delivered per second: $F = n m v = {n} \\times {fmt(m / 1000)} \\times {u} = {fmt(v)}$ N.",
        v, "N", wrong=(m / 1000 * u, n * m * u, v / 2),
    )


@shape(P, "laws_of_motion")
def _banking_angle(r: R) -> Problem:
    rad, kmh = r.choice([(100, 72), (200, 72), (50, 36), (400, 108), (250, 90)])
    u = kmh / 3.6
    v = u * u / (rad * 10)
    return Problem(
        f"A railway line curves with radius {rad} m, and trains run round it at {kmh} km/h. For the track to need no "
        "side thrust from the rails, what should the tangent of its banking angle be? (g = 10 m/s²)",
        f"$\\tan\\theta = \\frac{{v^2}}{{rg}}$ with $v = {fmt(u)}$ m/s: $\\tan\\theta = \\frac{{{fmt(u * u)}}}{{{rad * 10}}} = "
        f"{fmt(v)}$.",
        v, wrong=(u / (rad * 10) * 10, kmh * kmh / (rad * 10), v * 2),
    )


@shape(P, "laws_of_motion")
def _flat_curve_friction(r: R) -> Problem:
    mu, rad = r.choice([(0.4, 40), (0.5, 50), (0.25, 100), (0.6, 60), (0.9, 90)])
    v = math.sqrt(mu * rad * 10)
    return Problem(
        f"The coefficient of static friction between a motorcycle's tyres and a flat road is {fmt(mu)}. What is "
        f"the greatest speed at which it can round a curve of radius {rad} m without skidding? (g = 10 m/s²)",
        f"Friction supplies the centripetal force: $\\frac{{mv^2}}{{r}} \\le \\mu mg$, so "
        f"$v_{{max}} = \\sqrt{{\\mu r g}} = \\sqrt{{{fmt(mu * rad * 10)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(mu * rad * 10, math.sqrt(rad * 10), math.sqrt(mu * rad)),
    )


@shape(P, "laws_of_motion", "easy")
def _angle_of_repose(r: R) -> Problem:
    th, mu = r.choice([(37, 0.75), (53, 4 / 3), (45, 1.0), (30, 1 / math.sqrt(3))])
    return Problem(
        f"A wooden block just begins to slide when the plank it rests on is tilted to {th}° with the horizontal. "
        "What is the coefficient of static friction?",
        f"At the limit $mg\\sin\\theta = \\mu mg\\cos\\theta$, so $\\mu = \\tan {th}° = {fmt(mu)}$.",
        mu, wrong=(sind(th), cosd(th), 1 / mu if mu != 1 else 0.5),
        show=lambda x: fmt(x) if abs(x - 1 / math.sqrt(3)) > 1e-6 else "$\\frac{1}{\\sqrt{3}}$",
    )


@shape(P, "laws_of_motion")
def _vertical_circle_tension(r: R) -> Problem:
    m, rad, u = r.choice([0.5, 1, 2]), r.choice([0.5, 1, 2]), r.choice([4, 5, 6, 8])
    v = m * 10 + m * u * u / rad
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg bucket of water is swung in a vertical circle of radius {fmt(rad)} m. At the "
        "lowest point its "
        f"speed is {u} m/s. What is the tension in the rope there? (g = 10 m/s²)",
        f"$T - mg = \\frac{{mv^2}}{{r}}$: $T = {fmt(m * 10)} + \\frac{{{fmt(m)} \\cdot {u}^2}}{{{fmt(rad)}}} = {fmt(v)}$ N.",
        v, "N", wrong=(m * u * u / rad, m * u * u / rad - m * 10 if m * u * u / rad > m * 10 else v + m * 10, m * 10),
    )


@shape(P, "laws_of_motion")
def _loop_minimum_speed(r: R) -> Problem:
    rad = r.choice([1.6, 2.5, 4.9, 6.4, 10])
    v = math.sqrt(5 * 10 * rad)
    return Problem(
        f"A toy car runs on a vertical loop-the-loop track of radius {fmt(rad)} m. What is the least speed it must "
        "have at the bottom of the loop to go round without losing contact? (g = 10 m/s²)",
        f"At the top it needs $v_t^2 \\ge gr$; energy conservation then gives $v_b^2 = v_t^2 + 4gr = 5gr$, so "
        f"$v_b = \\sqrt{{5 \\cdot 10 \\cdot {fmt(rad)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(math.sqrt(10 * rad), math.sqrt(4 * 10 * rad), math.sqrt(2 * 10 * rad)),
    )


@shape(P, "laws_of_motion")
def _trolley_and_hanger(r: R) -> Problem:
    (m1, m2), d = r.choice([(4, 1), (3, 2), (8, 2), (7, 3)]), r.choice([0.5, 1, 1.6])
    a = m2 * 10 / (m1 + m2)
    v = math.sqrt(2 * d / a)
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg trolley rests on a smooth laboratory bench, {fmt(d)} m from a pulley clamped at the "
        "edge. A string "
        f"from the trolley runs over the pulley to {a_(m2)} {m2} kg hanger. Released from rest, how long does the trolley take "
        "to reach the pulley? (g = 10 m/s²)",
        f"The hanger's weight accelerates both bodies: $a = \\frac{{{m2} \\cdot 10}}{{{m1 + m2}}} = {fmt(a)}$ m/s²; then "
        f"$t = \\sqrt{{2d/a}} = {fmt(v)}$ s.",
        v, "s", wrong=(math.sqrt(2 * d / 10), math.sqrt(d / a), math.sqrt(2 * d / (m2 * 10 / m1))),
    )


@shape(P, "laws_of_motion", "easy")
def _gun_recoil(r: R) -> Problem:
    mg, mb, u = r.choice([2, 4, 5]), r.choice([10, 20, 50]), r.choice([200, 400, 500])
    v = mb / 1000 * u / mg
    return Problem(
        f"A rifle of mass {mg} kg fires a {mb} g bullet with a muzzle speed of {u} m/s. With what speed does the "
        "rifle recoil?",
        f"Total momentum stays zero: $V = \\frac{{m v}}{{M}} = \\frac{{{fmt(mb / 1000)} \\times {u}}}{{{mg}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(mb * u / mg, mg * u / mb, v * 2),
    )


@shape(P, "work_energy", "easy")
def _variable_force_work(r: R) -> Problem:
    a, b, x = r.randint(2, 10), r.randint(1, 6), r.randint(2, 6)
    v = a * x + b * x * x / 2
    return Problem(
        f"A force $F = ({a} + {b}x)$ N acts on a body along the x-axis. How much work does it do as the body "
        f"moves from x = 0 to x = {x} m?",
        f"$W = \\int_0^{{{x}}} ({a} + {b}x)\\,dx = {a} \\cdot {x} + \\frac{{{b}}}{{2}} \\cdot {x}^2 = {fmt(v)}$ J.",
        v, "J", wrong=((a + b * x) * x, a * x + b * x * x, a + b * x),
    )


@shape(P, "work_energy")
def _pump_power(r: R) -> Problem:
    vol, h, t = r.choice([500, 1000, 2000]), r.choice([10, 15, 20, 30]), r.choice([50, 100, 200])
    v = vol * 10 * h / t
    return Problem(
        f"A motor lifts {vol} litres of water into an overhead tank {h} m above the ground in {t} s. What useful "
        "power does it deliver? (g = 10 m/s², 1 litre of water has a mass of 1 kg)",
        f"$P = \\frac{{mgh}}{{t}} = \\frac{{{vol} \\cdot 10 \\cdot {h}}}{{{t}}} = {fmt(v)}$ W.",
        v, "W", wrong=(vol * h / t, vol * 10 * h, vol * 10 * h / (2 * t)),
    )


@shape(P, "work_energy")
def _elastic_collision(r: R) -> Problem:
    (m1, m2), u = r.choice([(1, 2), (2, 3), (3, 1), (1, 4), (2, 1)]), r.choice([6, 9, 12])
    v = 2 * m1 * u / (m1 + m2)
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg ball moving at {u} m/s collides head-on and elastically with {a_(m2)} {m2} kg ball at "
        "rest. With what "
        "speed does the second ball move off?",
        f"Momentum and kinetic energy are both conserved: $v_2 = \\frac{{2m_1 u}}{{m_1 + m_2}} = "
        f"\\frac{{2 \\cdot {m1} \\cdot {u}}}{{{m1 + m2}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(m1 * u / (m1 + m2), abs(m1 - m2) * u / (m1 + m2) or u / 2, u),
    )


@shape(P, "work_energy")
def _inelastic_energy_loss(r: R) -> Problem:
    m1, m2, u = r.choice([1, 2, 3]), r.choice([1, 2, 3]), r.choice([4, 6, 10])
    vc = m1 * u / (m1 + m2)
    v = 0.5 * m1 * u * u - 0.5 * (m1 + m2) * vc * vc
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg trolley moving at {u} m/s runs into a stationary {m2} kg trolley and the two couple "
        "together. "
        "How much kinetic energy is lost in the collision?",
        f"Common velocity $= \\frac{{{m1} \\cdot {u}}}{{{m1 + m2}}} = {fmt(vc)}$ m/s; loss $= \\frac{{1}}{{2}}{m1}({u})^2 - "
        f"\\frac{{1}}{{2}}{m1 + m2}({fmt(vc)})^2 = {fmt(v)}$ J.",
        v, "J", wrong=(0.5 * m1 * u * u, 0.5 * (m1 + m2) * vc * vc, v / 2),
    )


@shape(P, "work_energy")
def _spring_compression(r: R) -> Problem:
    m, u, k = r.choice([0.5, 1, 2]), r.choice([2, 3, 4, 5]), r.choice([50, 200, 800])
    v = u * math.sqrt(m / k)
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg block sliding at {u} m/s on a smooth floor runs into a light spring of force "
        "constant "
        f"{k} N/m. What is the maximum compression of the spring?",
        f"$\\frac{{1}}{{2}}mu^2 = \\frac{{1}}{{2}}kx^2$, so $x = u\\sqrt{{m/k}} = {u}\\sqrt{{{fmt(m)}/{k}}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * m / k, m * u * u / k, v * math.sqrt(2)),
    )


@shape(P, "work_energy", "easy")
def _pendulum_bob_speed(r: R) -> Problem:
    length = r.choice([0.4, 0.9, 1.6, 2.5, 3.6])
    v = math.sqrt(10 * length)
    return Problem(
        f"A simple pendulum of length {fmt(length)} m is pulled aside until the string makes 60° with the vertical "
        "and released. How fast is the bob moving at the lowest point? (g = 10 m/s²)",
        f"The bob falls $h = L(1 - \\cos 60°) = {fmt(length / 2)}$ m, so $v = \\sqrt{{2gh}} = \\sqrt{{gL}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(math.sqrt(20 * length), math.sqrt(5 * length), 10 * length / 2),
    )


@shape(P, "work_energy", "easy")
def _engine_power_speed(r: R) -> Problem:
    f, kmh = r.choice([500, 800, 1200, 2000]), r.choice([36, 54, 72, 90])
    v = f * kmh / 3.6 / 1000
    return Problem(
        f"Air drag and road friction on a car add up to {f} N when it cruises at a steady {kmh} km/h. What power "
        "must the engine deliver?",
        f"At constant speed the engine force balances the resistance: $P = Fv = {f} \\times {fmt(kmh / 3.6)} = "
        f"{fmt(v * 1000)}$ W $= {fmt(v)}$ kW.",
        v, "kW", wrong=(f * kmh / 1000, v / 2, f / (kmh / 3.6) / 1000 * 100),
    )


@shape(P, "work_energy", "easy")
def _stopping_on_rough_floor(r: R) -> Problem:
    u, mu = r.choice([4, 5, 6, 8, 10]), r.choice([0.1, 0.2, 0.25, 0.4, 0.5])
    v = u * u / (2 * mu * 10)
    return Problem(
        f"A hockey puck is given a speed of {u} m/s on a rough surface where the coefficient of friction is "
        f"{fmt(mu)}. How far does it slide before stopping? (g = 10 m/s²)",
        "Work–energy: $\\mu m g d = \\frac{1}{2}mu^2$, so $d = \\frac{u^2}{2\\mu g} = "
        f"\\frac{{{u * u}}}{{{fmt(2 * mu * 10)}}} = {fmt(v)}$ m.",
        v, "m", wrong=(u * u / (mu * 10), u / (mu * 10), u * u * mu / 20),
    )


@shape(P, "work_energy", "hard")
def _bullet_in_plank(r: R) -> Problem:
    d, n = r.choice([2, 3, 4, 6]), r.choice([2, 3])
    left = (1 - 1 / n) ** 2
    v = d * left / (1 - left)
    return Problem(
        f"A bullet loses 1/{n} of its speed in passing through {d} cm of a thick plank. Assuming a constant "
        "resisting force, how much further will it penetrate before stopping?",
        f"Kinetic energy falls to ${tex_frac(left)}$ of its value over {d} cm, using up ${tex_frac(1 - left)}$ of it; "
        f"the remaining ${tex_frac(left)}$ needs $x = {d} \\cdot \\frac{{{tex_frac(left)}}}{{{tex_frac(1 - left)}}} = {fmt(v)}$ "
        "cm.",
        v, "cm", wrong=(d / n, d * (1 - 1 / n), d * 1.0),
    )


@shape(P, "work_energy", "easy")
def _bounce_height(r: R) -> Problem:
    h, e = r.choice([5, 10, 20, 40]), r.choice([0.5, 0.6, 0.8, 0.9])
    v = h * e**4
    return Problem(
        f"A ball dropped from {h} m bounces on a hard floor with coefficient of restitution {fmt(e)}. How high does "
        "it rise after the second bounce?",
        f"Each bounce multiplies the height by $e^2$: $h_2 = {h} \\cdot {fmt(e)}^4 = {fmt(v)}$ m.",
        v, "m", wrong=(h * e * e, h * e * e / 2, h * e**3),
    )


@shape(P, "work_energy")
def _hanging_chain_work(r: R) -> Problem:
    m, length, n = r.choice([2, 3, 4, 6]), r.choice([1, 2, 3]), r.choice([2, 3, 4])
    v = m * 10 * length / (2 * n * n)
    return Problem(
        f"A uniform chain of mass {m} kg and length {length} m lies on a smooth table with 1/{n} of its length "
        "hanging over the edge. How much work is needed to pull the hanging part back onto the table? (g = 10 m/s²)",
        f"The hanging mass is $m/{n}$ with its centre $L/{2 * n}$ below the edge: "
        f"$W = \\frac{{m}}{{{n}}} g \\frac{{L}}{{{2 * n}}} = {fmt(v)}$ J.",
        v, "J", wrong=(m * 10 * length / n, m * 10 * length / (2 * n), m * 10 * length / (n * n)),
    )


@shape(P, "work_energy", "easy")
def _equal_momenta_energy_ratio(r: R) -> Problem:
    m1, m2 = r.choice([(2, 8), (1, 4), (3, 12), (5, 20), (1, 9)])
    v = m2 / m1
    return Problem(
        f"{a_(m1).capitalize()} {m1} kg ball and {a_(m2)} {m2} kg ball move with equal momenta. What is the ratio of the kinetic "
        "energy of the "
        "lighter ball to that of the heavier one?",
        f"$K = \\frac{{p^2}}{{2m}}$, so at equal $p$ the energies go inversely as the masses: ${m2}/{m1} = {fmt(v)}$.",
        v, wrong=(m1 / m2, math.sqrt(m2 / m1), (m2 / m1) ** 2),
    )


@shape(P, "rotation", "easy")
def _rod_about_end(r: R) -> Problem:
    m, length = r.choice([0.6, 1.2, 2, 3, 4.5]), r.choice([0.5, 1, 1.5, 2])
    v = m * length * length / 3
    return Problem(
        f"What is the moment of inertia of a thin uniform rod of mass {fmt(m)} kg and length {fmt(length)} m about "
        "an axis through one end, perpendicular to the rod?",
        f"$I = \\frac{{ML^2}}{{12}} + M\\left(\\frac{{L}}{{2}}\\right)^2 = \\frac{{ML^2}}{{3}} = \\frac{{{fmt(m)} \\cdot "
        f"{fmt(length)}^2}}{{3}} "
        f"= {fmt(v)}$ kg m².",
        v, "kg m²", wrong=(m * length * length / 12, m * length * length / 2, m * length * length),
        shortcut="Parallel-axis theorem from ML²/12.",
    )


@shape(P, "rotation")
def _hoop_on_nail(r: R) -> Problem:
    m, rad = r.choice([0.5, 1, 2, 4]), r.choice([0.1, 0.2, 0.5])
    v = 2 * m * rad * rad
    return Problem(
        f"A thin metal hoop of mass {fmt(m)} kg and radius {fmt(rad)} m hangs on a nail driven into a wall and swings in "
        "its own plane. What is its moment of inertia about the nail?",
        f"The axis is perpendicular to the hoop through a point of its rim: $I = MR^2 + MR^2 = 2MR^2 = {fmt(v)}$ kg m².",
        v, "kg m²", wrong=(m * rad * rad, 1.5 * m * rad * rad, 0.5 * m * rad * rad),
    )


@shape(P, "rotation")
def _disc_tangent(r: R) -> Problem:
    m, rad = r.choice([2, 4, 5, 8]), r.choice([0.1, 0.2, 0.4, 0.5])
    v = 1.25 * m * rad * rad
    return Problem(
        f"A flat circular steel plate (a uniform disc) of mass {m} kg and radius {fmt(rad)} m is mounted to swing about an "
        "axis that touches its rim and lies in the plate's own plane. Find its moment of inertia about that axis.",
        f"About a diameter $I = \\frac{{MR^2}}{{4}}$; shifting by $R$: $I = \\frac{{MR^2}}{{4}} + MR^2 = \\frac{{5}}{{4}}MR^2 "
        f"= {fmt(v)}$ kg m².",
        v, "kg m²", wrong=(1.5 * m * rad * rad, 0.25 * m * rad * rad, 0.5 * m * rad * rad),
    )


@shape(P, "rotation")
def _rolling_rotational_fraction(r: R) -> Problem:
    body, k2, ans = r.choice([("solid sphere", 0.4, 2 / 7), ("hollow sphere", 2 / 3, 2 / 5), ("disc", 0.5, 1 / 3),
                              ("ring", 1.0, 1 / 2)])
    return Problem(
        f"A {body} rolls without slipping on a level floor. What fraction of its total kinetic energy is rotational?",
        "Rolling without slipping, $K = \\frac{1}{2}mv^2(1 + k^2/R^2)$ and $K_{rot}/K = \\frac{k^2/R^2}{1 + "
        "k^2/R^2}$; "
        f"for a {body} $k^2/R^2 = {tex_frac(k2)}$, so the fraction is ${tex_frac(ans)}$.",
        ans, wrong=tuple(x for x in (2 / 7, 2 / 5, 1 / 3, 1 / 2, 2 / 3) if not math.isclose(x, ans))[:3], show=as_frac,
    )


@shape(P, "rotation", "easy")
def _beads_rotational_energy(r: R) -> Problem:
    ms = r.sample([1, 2, 3, 4, 5], 3)
    w = r.choice([2, 4, 5, 10])
    inertia = ms[1] * 0.25 + ms[2] * 1.0
    v = 0.5 * inertia * w * w
    return Problem(
        f"Three beads of {ms[0]} kg, {ms[1]} kg and {ms[2]} kg are fixed at 0 m, 0.5 m and 1 m along a light wire, which "
        f"spins at {w} rad/s about a perpendicular axis through the first bead. How much rotational kinetic energy does "
        "the system have?",
        f"$I = \\sum m r^2 = {ms[1]}(0.5)^2 + {ms[2]}(1)^2 = {fmt(inertia)}$ kg m²; $K = \\frac{{1}}{{2}}I\\omega^2 = {fmt(v)}$ "
        "J.",
        v, "J", wrong=(inertia * w * w, 0.5 * inertia * w, 0.5 * (ms[1] * 0.5 + ms[2]) * w * w),
    )


@shape(P, "rotation")
def _radius_of_gyration(r: R) -> Problem:
    rad = r.choice([10, 20, 30, 40])
    v = rad / math.sqrt(2)
    return Problem(
        f"What is the radius of gyration of a uniform disc of radius {rad} cm about its central axis, "
        "perpendicular to its plane?",
        f"$I = \\frac{{MR^2}}{{2}} = Mk^2$ gives $k = \\frac{{R}}{{\\sqrt{{2}}}} = {fmt(v)}$ cm.",
        v, "cm", wrong=(rad / 2, rad * 1.0, rad * math.sqrt(2)), show=as_surd,
    )


@shape(P, "rotation", "easy")
def _flywheel_spin_up(r: R) -> Problem:
    inertia, tau, t = r.choice([2, 4, 5, 10]), r.choice([10, 20, 40]), r.choice([3, 5, 10])
    v = tau / inertia * t
    return Problem(
        f"A flywheel with moment of inertia {inertia} kg m² starts from rest under a constant torque of {tau} N m. "
        f"What angular velocity does it reach after {t} s?",
        f"$\\alpha = \\tau/I = {fmt(tau / inertia)}$ rad/s², so $\\omega = \\alpha t = {fmt(v)}$ rad/s.",
        v, "rad/s", wrong=(tau * inertia * t, tau / inertia, tau * t),
    )


@shape(P, "rotation")
def _rolling_wheel_point_speed(r: R) -> Problem:
    u = r.choice([3, 4, 5, 6, 8])
    top = r.random() < 0.5
    v = 2 * u if top else u * math.sqrt(2)
    where = "the topmost point of a wheel" if top else "a point on the rim of a wheel level with the axle"
    return Problem(
        f"A cyclist rides at a steady {u} m/s and the wheels roll without slipping. How fast is {where} moving "
        "relative to the road?",
        "Rolling = translation at $v$ plus rotation with rim speed $v$: "
        + ("at the top the two add, $2v$" if top else "at the axle's level they are perpendicular, $\\sqrt{2}v$")
        + f" $= {fmt(v)}$ m/s.",
        v, "m/s", wrong=(float(u), 2 * u if not top else u * math.sqrt(2), 0.5 * u),
    )


@shape(P, "rotation")
def _rolling_down_incline(r: R) -> Problem:
    body, k2 = r.choice([("solid sphere", 0.4), ("ring", 1.0), ("disc", 0.5), ("solid cylinder", 0.5)])
    h = r.choice([1.4, 2.8, 4.2, 7])
    v = math.sqrt(2 * 10 * h / (1 + k2))
    return Problem(
        f"A {body} rolls without slipping from rest down a slope, descending a vertical height of {fmt(h)} m. What "
        "is its speed at the bottom? (g = 10 m/s²)",
        f"$mgh = \\frac{{1}}{{2}}mv^2(1 + k^2/R^2)$ with $k^2/R^2 = {fmt(k2)}$: $v = \\sqrt{{\\frac{{2gh}}{{{fmt(1 + k2)}}}}} = "
        f"{fmt(v)}$ m/s.",
        v, "m/s", wrong=(math.sqrt(2 * 10 * h), math.sqrt(10 * h), math.sqrt(2 * 10 * h / (1 + 2 * k2))),
    )


@shape(P, "rotation")
def _skater_pulls_arms(r: R) -> Problem:
    (i1, i2), w1 = r.choice([(6, 2), (5, 2), (4, 1), (9, 3), (8, 5)]), r.choice([2, 3, 4])
    v = i1 * w1 / i2
    return Problem(
        f"An ice dancer spins at {w1} rev/s with her arms outstretched, when her moment of inertia is {i1} kg m². "
        f"She pulls her arms in, reducing it to {i2} kg m². How fast does she spin now?",
        f"No external torque, so $I_1\\omega_1 = I_2\\omega_2$: $\\omega_2 = \\frac{{{i1} \\times {w1}}}{{{i2}}} = {fmt(v)}$ "
        "rev/s.",
        v, "rev/s", wrong=(i2 * w1 / i1, w1 * math.sqrt(i1 / i2), w1 * (i1 / i2) ** 2),
    )


@shape(P, "rotation")
def _flywheel_energy(r: R) -> Problem:
    inertia, rpm = r.choice([0.5, 1, 2, 4]), r.choice([60, 120, 300, 600])
    w = 2 * math.pi * rpm / 60
    v = 0.5 * inertia * w * w
    return Problem(
        f"A potter's wheel of moment of inertia {fmt(inertia)} kg m² turns at {rpm} revolutions per minute. How much "
        "rotational kinetic energy does it store?",
        f"$\\omega = 2\\pi \\cdot {rpm}/60 = {fmt(w)}$ rad/s; $K = \\frac{{1}}{{2}}I\\omega^2 = {fmt(v)}$ J.",
        v, "J", wrong=(0.5 * inertia * rpm * rpm, inertia * w * w, 0.5 * inertia * (rpm / 60) ** 2),
    )


@shape(P, "rotation", "hard")
def _pulley_with_mass(r: R) -> Problem:
    m, big = r.choice([1, 2, 3]), r.choice([2, 4, 6])
    v = m * 10 / (m + big / 2)
    return Problem(
        f"A rope wound on a uniform solid cylinder of mass {big} kg, free to turn about its fixed horizontal axis, "
        f"carries {a_(m)} {m} kg bucket. With what acceleration does the bucket descend? (g = 10 m/s²)",
        f"$mg - T = ma$ and $TR = \\frac{{MR^2}}{{2}}\\cdot\\frac{{a}}{{R}}$ give $a = \\frac{{mg}}{{m + M/2}} = "
        f"\\frac{{{m * 10}}}{{{fmt(m + big / 2)}}} = {fmt(v)}$ m/s².",
        v, "m/s²", wrong=(m * 10 / (m + big), 10.0, m * 10 / (m + big / 4)),
    )


@shape(P, "rotation", "easy")
def _centre_of_mass_two(r: R) -> Problem:
    m1, m2, d = r.choice([2, 3, 4]), r.choice([1, 5, 6]), r.choice([0.6, 0.9, 1.2, 1.5])
    v = m2 * d / (m1 + m2)
    return Problem(
        f"A dumb-bell has {a_(m1)} {m1} kg sphere and {a_(m2)} {m2} kg sphere whose centres are {fmt(d)} m apart on a light bar. "
        "How "
        f"far from the centre of the {m1} kg sphere is the centre of mass?",
        f"$x = \\frac{{m_2 d}}{{m_1 + m_2}} = \\frac{{{m2} \\times {fmt(d)}}}{{{m1 + m2}}} = {fmt(v)}$ m.",
        v, "m", wrong=(m1 * d / (m1 + m2), d / 2, m2 * d / m1),
    )


@shape(P, "rotation")
def _torque_cross_product(r: R) -> Problem:
    x, y, fx, fy = r.randint(1, 5), r.randint(-3, 4), r.randint(-4, 5), r.randint(1, 6)
    v = x * fy - y * fx
    if v == 0:
        fy += 1
        v = x * fy - y * fx
    return Problem(
        f"A force $\\vec F = ({fx}\\hat i + {fy}\\hat j)$ N acts at the point $\\vec r = ({x}\\hat i + {y}\\hat j)$ m. "
        "What is the z-component of its torque about the origin?".replace("+ -", "- "),
        f"$\\tau_z = xF_y - yF_x = {x}({fy}) - ({y})({fx}) = {v}$ N m.",
        v, "N m", wrong=(x * fx + y * fy, y * fx - x * fy, x * fy + y * fx),
    )


@shape(P, "rotation")
def _wheel_revolutions(r: R) -> Problem:
    alpha, t = r.choice([2, 4, 2 * math.pi, math.pi]), r.choice([5, 10, 12])
    theta = alpha * t * t / 2
    v = theta / (2 * math.pi)
    a_txt = "2\\pi" if alpha == 2 * math.pi else ("\\pi" if alpha == math.pi else fmt(alpha))
    return Problem(
        f"A grinding wheel starts from rest with a constant angular acceleration of ${a_txt}$ rad/s². How many "
        f"revolutions does it make in the first {t} s?",
        f"$\\theta = \\frac{{1}}{{2}}\\alpha t^2 = {fmt(theta)}$ rad, i.e. $\\theta/2\\pi = {fmt(v)}$ revolutions.",
        v, wrong=(theta, v * 2, alpha * t / (2 * math.pi)),
    )


@shape(P, "gravitation")
def _g_at_height(r: R) -> Problem:
    frac, label = r.choice([(1, "R"), (0.5, "R/2"), (2, "2R"), (3, "3R")])
    v = 9.8 / (1 + frac) ** 2
    return Problem(
        f"At what value does the acceleration due to gravity stand at a height {label} above the Earth's surface, R "
        "being the Earth's radius? (g = 9.8 m/s² at the surface)",
        f"$g_h = g\\left(\\frac{{R}}{{R + h}}\\right)^2 = \\frac{{9.8}}{{{fmt((1 + frac) ** 2)}}} = {fmt(v)}$ m/s².",
        v, "m/s²",
        wrong=(9.8 / (1 + frac), 9.8 * (1 - 2 * frac) if frac < 0.5 else 9.8 / (2 + frac),
               9.8 / frac**2 if frac != 1 else 9.8 / 2),
    )


@shape(P, "gravitation", "easy")
def _depth_for_reduced_g(r: R) -> Problem:
    pct = r.choice([75, 80, 90, 50])
    v = 6400 * (1 - pct / 100)
    return Problem(
        f"How far below the Earth's surface must a miner go for the acceleration due to gravity to fall to {pct}% of its "
        "surface value? (Earth's radius 6400 km)",
        f"$g_d = g(1 - d/R)$, so $1 - d/R = {fmt(pct / 100)}$ and $d = {fmt(1 - pct / 100)} \\times 6400 = {fmt(v)}$ km.",
        v, "km", wrong=(6400 * pct / 100, 6400 * (1 - math.sqrt(pct / 100)), v / 2),
    )


@shape(P, "gravitation")
def _escape_velocity_planet(r: R) -> Problem:
    km, kr = r.choice([(8, 2), (4, 4), (9, 1), (2, 8), (16, 4)])
    v = 11.2 * math.sqrt(km / kr)
    return Problem(
        f"A planet has {km} times the mass and {kr} times the radius of the Earth. What is the escape speed from its "
        "surface? (11.2 km/s for the Earth)",
        f"$v_e = \\sqrt{{2GM/R}} \\propto \\sqrt{{M/R}}$: $11.2 \\times \\sqrt{{{km}/{kr}}} = {fmt(v)}$ km/s.",
        v, "km/s", wrong=(11.2 * km / kr, 11.2 * math.sqrt(km * kr), 11.2 * math.sqrt(kr / km)),
    )


@shape(P, "gravitation")
def _kepler_period(r: R) -> Problem:
    ratio, t1 = r.choice([4, 9, 16, 0.25]), r.choice([1, 2, 5, 8])
    v = t1 * ratio**1.5
    return Problem(
        f"A satellite takes {t1} days to orbit a planet. Another satellite orbits the same planet at {fmt(ratio)} "
        "times the orbital radius. What is its orbital period?",
        f"Kepler's third law, $T^2 \\propto r^3$: $T = {t1} \\times {fmt(ratio)}^{{3/2}} = {fmt(v)}$ days.",
        v, "days", wrong=(t1 * ratio, t1 * ratio * ratio, t1 * math.sqrt(ratio)),
    )


@shape(P, "gravitation")
def _orbital_speed_height(r: R) -> Problem:
    frac = r.choice([1, 3, 0.5])
    v = 7.9 / math.sqrt(1 + frac)
    label = {1: "equal to the Earth's radius", 3: "three times the Earth's radius", 0.5: "half the Earth's radius"}[frac]
    return Problem(
        f"A satellite circles the Earth at a height {label} above the surface. What is its orbital speed, if a "
        "satellite skimming the surface would move at 7.9 km/s?",
        f"$v = \\sqrt{{GM/r}} \\propto 1/\\sqrt{{r}}$: $7.9/\\sqrt{{{fmt(1 + frac)}}} = {fmt(v)}$ km/s.",
        v, "km/s", wrong=(7.9 / (1 + frac), 7.9 * math.sqrt(1 + frac), 11.2 / math.sqrt(1 + frac)),
    )


@shape(P, "gravitation", "easy")
def _weight_on_planet(r: R) -> Problem:
    w, km, kr = r.choice([600, 500, 700]), r.choice([2, 4, 0.5]), r.choice([2, 0.5, 1])
    v = w * km / kr**2
    return Problem(
        f"An astronaut weighs {w} N on Earth. What would she weigh on a planet with {fmt(km)} times the Earth's mass "
        f"and {fmt(kr)} times its radius?",
        f"$g \\propto M/R^2$: $W' = {w} \\times \\frac{{{fmt(km)}}}{{{fmt(kr)}^2}} = {fmt(v)}$ N.",
        v, "N", wrong=(w * km / kr, w * km * kr**2, w / km),
    )


@shape(P, "gravitation", "easy")
def _gravitational_force(r: R) -> Problem:
    m1, m2, d = r.choice([50, 100, 200]), r.choice([50, 60, 80]), r.choice([0.5, 1, 2])
    v = 6.67e-11 * m1 * m2 / d**2
    return Problem(
        f"Two lead spheres of masses {m1} kg and {m2} kg have their centres {fmt(d)} m apart. What gravitational force "
        "does each exert on the other? (G = 6.67 × 10⁻¹¹ N m² kg⁻²)",
        f"$F = \\frac{{Gm_1m_2}}{{d^2}} = \\frac{{6.67 \\times 10^{{-11}} \\cdot {m1} \\cdot {m2}}}{{{fmt(d)}^2}} = {fmt(v)}$ N.",
        v, "N", wrong=(6.67e-11 * m1 * m2 / d, v * 10, v / 4),
    )


@shape(P, "gravitation", "hard")
def _orbit_raising_energy(r: R) -> Problem:
    a, b = r.choice([(2, 3), (2, 4), (3, 4), (3, 6), (4, 5)])
    v = 0.5 * (1 / a - 1 / b)
    return Problem(
        f"How much energy is needed to move a satellite of mass m from a circular orbit of radius {a}R to one of "
        f"radius {b}R around the Earth (radius R, mass M)? Give it as a multiple of GMm/R.",
        f"Orbital energy is $-\\frac{{GMm}}{{2r}}$: $\\Delta E = \\frac{{GMm}}{{2R}}\\left(\\frac{{1}}{{{a}}} - "
        f"\\frac{{1}}{{{b}}}\\right) = "
        f"{tex_frac(v)}\\frac{{GMm}}{{R}}$.",
        v, wrong=(2 * v, 1 / a - 1 / b + 0.5 / b, v / 2), show=lambda x: f"${tex_frac(x)}\\,\\frac{{GMm}}{{R}}$",
    )


@shape(P, "shm_waves", "easy")
def _pendulum_period(r: R) -> Problem:
    length = r.choice([0.25, 1, 2.25, 4, 6.25])
    v = 2 * math.sqrt(length)
    return Problem(
        f"What is the time period of a simple pendulum {fmt(length)} m long at a place where g = π² m/s²?",
        f"$T = 2\\pi\\sqrt{{L/g}} = 2\\pi\\sqrt{{{fmt(length)}/\\pi^2}} = 2\\sqrt{{{fmt(length)}}} = {fmt(v)}$ s.",
        v, "s", wrong=(math.sqrt(length), 4 * math.sqrt(length), 2 * length),
    )


@shape(P, "shm_waves", "easy")
def _spring_mass_frequency(r: R) -> Problem:
    m, k = r.choice([(1, 100), (0.5, 200), (2, 50), (0.25, 400), (4, 400)])
    w = math.sqrt(k / m)
    v = w / (2 * math.pi)
    return Problem(
        f"{a_(fmt(m)).capitalize()} {fmt(m)} kg mass on a spring of force constant {k} N/m oscillates horizontally on a smooth "
        "surface. What "
        "is its frequency of oscillation?",
        f"$\\omega = \\sqrt{{k/m}} = {fmt(w)}$ rad/s, so $f = \\frac{{\\omega}}{{2\\pi}} = {as_over_pi(v).strip('$')} "
        f"\\approx {fmt(v)}$ Hz.",
        v, "Hz", wrong=(w / math.pi, w / (4 * math.pi), 2 * w / math.pi),
        show=as_over_pi,
    )


@shape(P, "shm_waves")
def _shm_max_speed(r: R) -> Problem:
    amp, period = r.choice([2, 4, 5, 10]), r.choice([0.2, 0.5, 1, 2])
    v = amp * 2 * math.pi / period
    return Problem(
        f"A particle executes simple harmonic motion with amplitude {amp} cm and period {fmt(period)} s. What is its "
        "greatest speed?",
        f"$v_{{max}} = A\\omega = {amp} \\cdot \\frac{{2\\pi}}{{{fmt(period)}}} = {as_pi(v).strip('$')}$ cm/s.",
        v, "cm/s", wrong=(amp * math.pi / period, 4 * amp * math.pi / period, 2 * math.pi * amp * period),
        show=as_pi,
    )


@shape(P, "shm_waves")
def _shm_speed_at_displacement(r: R) -> Problem:
    (amp, x), w = r.choice([(5, 3), (5, 4), (10, 6), (13, 5), (10, 8)]), r.choice([2, 3, 4])
    v = w * math.sqrt(amp * amp - x * x)
    return Problem(
        f"A body oscillates in SHM with amplitude {amp} cm and angular frequency {w} rad/s. How fast is it moving "
        f"when it is {x} cm from the mean position?",
        f"$v = \\omega\\sqrt{{A^2 - x^2}} = {w}\\sqrt{{{amp * amp} - {x * x}}} = {fmt(v)}$ cm/s.",
        v, "cm/s", wrong=(w * (amp - x), w * amp, w * x),
    )


@shape(P, "shm_waves")
def _springs_series_period(r: R) -> Problem:
    k = r.choice([100, 200, 400])
    series = r.random() < 0.5
    v = math.sqrt(2) if series else 1 / math.sqrt(2)
    how = "in series" if series else "side by side (in parallel)"
    return Problem(
        f"A block hangs from a spring of constant {k} N/m. The spring is replaced by two such springs joined {how}. "
        "By what factor does the period of oscillation change?",
        f"{'Series' if series else 'Parallel'}: $k_{{eff}} = {'k/2' if series else '2k'}$, and $T \\propto 1/\\sqrt{{k}}$, so "
        "the "
        f"period is multiplied by {as_surd(v)}.",
        v, wrong=(2.0, 0.5, 1 / v if not math.isclose(1 / v, v) else 1.0), show=as_surd,
    )


@shape(P, "shm_waves")
def _string_fundamental(r: R) -> Problem:
    length, tension, mu = r.choice([0.5, 1, 2]), r.choice([100, 400, 900]), r.choice([0.01, 0.04, 0.001])
    v = math.sqrt(tension / mu) / (2 * length)
    return Problem(
        f"A sitar string {fmt(length)} m long has a mass of {fmt(mu * 1000)} g per metre and is stretched with a tension "
        f"of {tension} N. What is its fundamental frequency?",
        f"Wave speed $\\sqrt{{T/\\mu}} = {fmt(math.sqrt(tension / mu))}$ m/s; $f = \\frac{{v}}{{2L}} = {fmt(v)}$ Hz.",
        v, "Hz", wrong=(math.sqrt(tension / mu) / length, math.sqrt(tension / mu) / (4 * length), tension / mu / (2 * length)),
    )


@shape(P, "shm_waves", "easy")
def _closed_pipe(r: R) -> Problem:
    length, c = r.choice([0.25, 0.5, 0.85, 0.17]), r.choice([340, 330])
    v = c / (4 * length)
    return Problem(
        f"An organ pipe {fmt(length)} m long is closed at one end. What is its fundamental frequency if sound travels "
        f"at {c} m/s?",
        f"A closed pipe has a node at the closed end and an antinode at the open end: $f = \\frac{{v}}{{4L}} = "
        f"\\frac{{{c}}}{{{fmt(4 * length)}}} = {fmt(v)}$ Hz.",
        v, "Hz", wrong=(c / (2 * length), c / length, 3 * c / (4 * length)),
    )


@shape(P, "shm_waves")
def _beats_unknown_fork(r: R) -> Problem:
    f, b = r.choice([256, 288, 320, 384, 512]), r.choice([4, 5, 6, 8])
    v = f + b
    return Problem(
        f"A tuning fork of unknown frequency gives {b} beats per second with {a_(f)} {f} Hz fork. When the unknown fork is "
        "loaded with a little wax, the beat frequency decreases. What was its original frequency?",
        f"It is {f} ± {b} Hz. Wax lowers its frequency; the beats drop only if it was above {f} Hz, so it is {v} Hz.",
        v, "Hz", wrong=(f - b, f + 2 * b, f),
    )


@shape(P, "shm_waves")
def _doppler_approaching(r: R) -> Problem:
    f, vs = r.choice([500, 640, 800, 1000]), r.choice([20, 34, 40, 68])
    v = f * 340 / (340 - vs)
    return Problem(
        f"An ambulance siren emits {f} Hz while the ambulance drives straight towards a stationary listener at "
        f"{vs} m/s. What frequency does the listener hear? (speed of sound 340 m/s)",
        f"$f' = f\\frac{{v}}{{v - v_s}} = {f} \\times \\frac{{340}}{{{340 - vs}}} = {fmt(v)}$ Hz.",
        v, "Hz", wrong=(f * 340 / (340 + vs), f * (340 + vs) / 340, f * (340 - vs) / 340),
    )


@shape(P, "shm_waves")
def _decibel_change(r: R) -> Problem:
    k = r.choice([10, 100, 1000, 2, 4])
    v = 10 * math.log10(k)
    return Problem(
        f"By how many decibels does the sound level rise when the intensity of a sound becomes {k} times larger?",
        f"$\\Delta L = 10\\log_{{10}}\\frac{{I_2}}{{I_1}} = 10\\log_{{10}} {k} = {fmt(v)}$ dB.",
        v, "dB", wrong=(10.0 * k, math.log10(k), 20 * math.log10(k)),
    )


@shape(P, "shm_waves", "easy")
def _wave_speed_from_equation(r: R) -> Problem:
    a, w, k = r.choice([0.02, 0.05, 0.1]), r.choice([100, 200, 314, 600]), r.choice([0.5, 2, 4, 5])
    v = w / k
    return Problem(
        f"A transverse wave on a rope is described by $y = {fmt(a)}\\sin({w}t - {fmt(k)}x)$ in SI units. With what "
        "speed does the wave travel?",
        f"Comparing with $y = A\\sin(\\omega t - kx)$: $v = \\omega/k = {w}/{fmt(k)} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(w * k, k / w, w / (2 * math.pi * k)),
    )


@shape(P, "shm_waves")
def _shm_kinetic_fraction(r: R) -> Problem:
    amp, x = r.choice([(10, 5), (4, 2), (6, 3), (8, 4), (10, 6)])
    v = 1 - (x / amp) ** 2
    return Problem(
        f"A mass on a spring oscillates with amplitude {amp} cm. What fraction of its total energy is kinetic when "
        f"its displacement is {x} cm?",
        f"$\\frac{{K}}{{E}} = \\frac{{A^2 - x^2}}{{A^2}} = 1 - \\left(\\frac{{{x}}}{{{amp}}}\\right)^2 = {tex_frac(v)}$.",
        v, wrong=(1 - x / amp, (x / amp) ** 2, x / amp), show=as_frac,
    )


@shape(P, "shm_waves")
def _resonance_tube(r: R) -> Problem:
    (f, gap), l1 = r.choice([(500, 34), (512, 33), (480, 35), (340, 50)]), r.choice([16, 17, 18])
    l2 = l1 + gap
    v = 2 * f * (l2 - l1) / 100
    return Problem(
        f"In a resonance-tube experiment with {a_(f)} {f} Hz tuning fork, the first two resonances occur at air-column "
        f"lengths of {l1} cm and {l2} cm. What speed of sound does this give?",
        f"Successive resonances are half a wavelength apart: $\\lambda = 2({l2} - {l1})$ cm, so "
        f"$v = f\\lambda = {f} \\times {fmt(2 * (l2 - l1) / 100)} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(4 * f * l1 / 100, f * (l2 - l1) / 100, 4 * f * (l2 - l1) / 100),
        shortcut="The end correction cancels in the difference.",
    )


@shape(P, "fluids", "easy")
def _hydraulic_lift(r: R) -> Problem:
    f, d1, d2 = r.choice([50, 100, 200]), r.choice([2, 4, 5]), r.choice([20, 40, 50])
    v = f * (d2 / d1) ** 2
    return Problem(
        f"In a hydraulic car lift the small piston is {d1} cm across and the large one {d2} cm across. What load can "
        f"a {f} N push on the small piston support?",
        f"Equal pressure: $F_2 = F_1\\left(\\frac{{d_2}}{{d_1}}\\right)^2 = {f} \\times {fmt((d2 / d1) ** 2)} = {fmt(v)}$ N.",
        v, "N", wrong=(f * d2 / d1, f * (d1 / d2) ** 2, f * (d2 / d1) ** 3),
        shortcut="Areas go as diameter squared.",
    )


@shape(P, "fluids", "easy")
def _pressure_at_depth(r: R) -> Problem:
    h = r.choice([5, 10, 20, 30, 50])
    v = 100 + 1000 * 10 * h / 1000
    return Problem(
        f"A diver is {h} m below the surface of a freshwater lake. What is the total pressure on her? "
        "(atmospheric pressure 100 kPa, water density 1000 kg/m³, g = 10 m/s²)",
        f"$P = P_0 + \\rho g h = 100 + \\frac{{1000 \\cdot 10 \\cdot {h}}}{{1000}} = {fmt(v)}$ kPa.",
        v, "kPa", wrong=(v - 100, 100 + h, 100 + 1000 * 10 * h / 100),
    )


@shape(P, "fluids", "easy")
def _floating_fraction(r: R) -> Problem:
    body, rho, liquid, rl = r.choice([("An iceberg", 900, "sea water", 1030), ("A wooden log", 600, "fresh water", 1000),
                                      ("A block of wax", 800, "fresh water", 1000), ("A cork", 250, "fresh water", 1000)])
    v = 100 * rho / rl
    return Problem(
        f"{body} of density {rho} kg/m³ floats in {liquid} of density {rl} kg/m³. What percentage of its volume lies "
        "below the surface?",
        f"Weight = buoyancy: $\\rho V g = \\rho_l V_{{in}} g$, so $V_{{in}}/V = {rho}/{rl} = {fmt(v)}\\%$.",
        v, "%", wrong=(100 - v, 100 * rl / rho if rl / rho < 1 else 100 * (1 - rho / rl) / 2, v / 2),
    )


@shape(P, "fluids")
def _relative_density(r: R) -> Problem:
    w_air, w_water = r.choice([(60, 40), (50, 45), (27, 17), (80, 70), (33, 30)])
    v = w_air / (w_air - w_water)
    return Problem(
        f"A metal ornament weighs {w_air} g-wt in air and {w_water} g-wt when fully immersed in water. What is the "
        "relative density of the metal?",
        f"Loss of weight = weight of water displaced $= {w_air - w_water}$ g-wt; relative density "
        f"$= \\frac{{{w_air}}}{{{w_air - w_water}}} = {fmt(v)}$.",
        v, wrong=(w_water / (w_air - w_water), w_air / w_water, (w_air - w_water) / w_air),
    )


@shape(P, "fluids")
def _continuity_narrow_pipe(r: R) -> Problem:
    v1, d1, d2 = r.choice([1, 2, 0.5]), r.choice([4, 6, 10]), r.choice([2, 3, 5])
    v = v1 * (d1 / d2) ** 2
    return Problem(
        f"Water flows at {fmt(v1)} m/s through a hose of internal diameter {d1} cm that narrows to a nozzle of "
        f"diameter {d2} cm. How fast does the water leave the nozzle?",
        f"$A_1v_1 = A_2v_2$: $v_2 = {fmt(v1)}\\left(\\frac{{{d1}}}{{{d2}}}\\right)^2 = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(v1 * d1 / d2, v1 * (d2 / d1) ** 2, v1 * (d1 / d2) ** 3),
    )


@shape(P, "fluids", "hard")
def _terminal_velocity(r: R) -> Problem:
    rad_mm, eta = r.choice([0.1, 0.2, 0.5]), r.choice([0.5, 1, 2])
    rad = rad_mm / 1000
    v = 2 * rad * rad * (8000 - 1000) * 10 / (9 * eta)
    return Problem(
        f"A steel ball bearing of radius {fmt(rad_mm)} mm (density 8000 kg/m³) falls through glycerine-like oil of "
        f"density 1000 kg/m³ and viscosity {fmt(eta)} Pa s. What is its terminal velocity? (g = 10 m/s²)",
        f"Stokes' law: $v_t = \\frac{{2r^2(\\rho - \\sigma)g}}{{9\\eta}} = \\frac{{2 ({fmt(rad)})^2 \\cdot 7000 \\cdot 10}}"
        f"{{9 \\cdot {fmt(eta)}}} = {fmt(v)}$ m/s.",
        v, "m/s", wrong=(2 * rad * rad * 8000 * 10 / (9 * eta), v * 2, 2 * rad * (8000 - 1000) * 10 / (9 * eta) / 1000),
    )


@shape(P, "fluids")
def _capillary_rise(r: R) -> Problem:
    rad_mm = r.choice([0.1, 0.2, 0.25, 0.5])
    v = 2 * 0.07 / (rad_mm / 1000 * 1000 * 10) * 100
    return Problem(
        f"To what height does water rise in a clean glass capillary of radius {fmt(rad_mm)} mm? (surface tension "
        "0.07 N/m, contact angle 0°, density 1000 kg/m³, g = 10 m/s²)",
        f"$h = \\frac{{2T\\cos\\theta}}{{r\\rho g}} = \\frac{{2 \\cdot 0.07}}{{{fmt(rad_mm / 1000)} \\cdot 1000 \\cdot 10}} = "
        f"{fmt(v / 100)}$ m "
        f"$= {fmt(v)}$ cm.",
        v, "cm", wrong=(v / 2, v * 2, v / 10),
    )


@shape(P, "fluids")
def _wire_extension(r: R) -> Problem:
    f, length, area_mm2, y = r.choice([100, 200, 500]), r.choice([1, 2, 3]), r.choice([1, 2, 0.5]), r.choice([2, 1])
    v = f * length / (area_mm2 * 1e-6 * y * 1e11) * 1000
    return Problem(
        f"A wire {length} m long with cross-section {fmt(area_mm2)} mm² is made of a metal with Young's modulus "
        f"${y} \\times 10^{{11}}$ N/m². By how much does it stretch under a load of {f} N?",
        f"$\\Delta L = \\frac{{FL}}{{AY}} = \\frac{{{f} \\cdot {length}}}{{{fmt(area_mm2 * 1e-6)} \\cdot {y} \\times 10^{{11}}}} "
        "= "
        f"{fmt(v / 1000)}$ m $= {fmt(v)}$ mm.",
        v, "mm", wrong=(v * 10, v / 10, v * 2),
    )


@shape(P, "fluids")
def _jet_from_tank(r: R) -> Problem:
    hh, h = r.choice([(10, 5), (8, 2), (9, 5), (12, 3), (20, 4)])
    v = 2 * math.sqrt(h * (hh - h))
    return Problem(
        f"A tall water tank stands on the ground, filled to a height of {hh} m. A small hole is made in its side "
        f"{h} m below the water surface. How far from the base of the tank does the jet strike the ground?",
        f"Efflux speed $\\sqrt{{2gh}}$ from height ${hh - h}$ m: range $= 2\\sqrt{{h(H - h)}} = 2\\sqrt{{{h} \\cdot {hh - h}}} = "
        f"{fmt(v)}$ m.",
        v, "m", wrong=(math.sqrt(h * (hh - h)), 2 * math.sqrt(h * hh), math.sqrt(2 * 10 * h)),
        shortcut="Torricelli: v = √(2gh).",
    )


@shape(P, "fluids")
def _soap_bubble_pressure(r: R) -> Problem:
    rad_cm, t = r.choice([0.5, 1, 2, 4]), r.choice([0.025, 0.03, 0.04])
    v = 4 * t / (rad_cm / 100)
    return Problem(
        f"What is the excess pressure inside a soap bubble of radius {fmt(rad_cm)} cm, if the soap solution has "
        f"surface tension {fmt(t)} N/m?",
        f"A bubble has two surfaces: $\\Delta P = \\frac{{4T}}{{r}} = \\frac{{4 \\cdot {fmt(t)}}}{{{fmt(rad_cm / 100)}}} = "
        f"{fmt(v)}$ Pa.",
        v, "Pa", wrong=(v / 2, v / 4, v * 2),
    )


@shape(P, "thermal", "easy")
def _mixing_water(r: R) -> Problem:
    m1, t1, m2, t2 = r.choice([100, 200, 300]), r.choice([20, 25, 30]), r.choice([100, 200, 400]), r.choice([80, 90, 60])
    v = (m1 * t1 + m2 * t2) / (m1 + m2)
    return Problem(
        f"{m1} g of water at {t1} °C is mixed with {m2} g of water at {t2} °C in a perfectly insulated flask. What "
        "is the final temperature of the mixture?",
        f"Heat lost = heat gained: $T = \\frac{{{m1} \\cdot {t1} + {m2} \\cdot {t2}}}{{{m1 + m2}}} = {fmt(v)}$ °C.",
        v, "°C", wrong=((t1 + t2) / 2 if (t1 + t2) / 2 != v else v + 5, (m1 * t2 + m2 * t1) / (m1 + m2), t2 - t1),
    )


@shape(P, "thermal", "easy")
def _melting_ice(r: R) -> Problem:
    m, t = r.choice([10, 20, 50, 100]), r.choice([10, 20, 40])
    v = m * (80 + t)
    return Problem(
        f"How much heat turns {m} g of ice at 0 °C into water at {t} °C? (latent heat of fusion 80 cal/g, specific "
        "heat of water 1 cal/(g °C))",
        f"Melting: ${m} \\times 80 = {80 * m}$ cal; warming: ${m} \\times 1 \\times {t} = {m * t}$ cal; total {v} cal.",
        v, "cal", wrong=(m * 80, m * t, m * (80 - t)),
    )


@shape(P, "thermal")
def _isothermal_work(r: R) -> Problem:
    n, t, k = r.choice([1, 2]), r.choice([300, 400, 500]), r.choice([2, 4, 8])
    v = n * 8.314 * t * math.log(k)
    return Problem(
        f"{n} mol of an ideal gas at {t} K expands isothermally and reversibly to {k} times its volume. How much work "
        "does the gas do? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$W = nRT\\ln\\frac{{V_2}}{{V_1}} = {n} \\cdot 8.314 \\cdot {t} \\cdot \\ln {k} = {fmt(v)}$ J.",
        v, "J", wrong=(n * 8.314 * t * k, n * 8.314 * t * math.log10(k), n * 8.314 * t * (k - 1)),
    )


@shape(P, "thermal", "hard")
def _adiabatic_pressure(r: R) -> Problem:
    gas, gamma, c = r.choice([("monatomic", Fraction(5, 3), 8), ("monatomic", Fraction(5, 3), 27),
                              ("diatomic", Fraction(7, 5), 32), ("polyatomic", Fraction(4, 3), 8),
                              ("polyatomic", Fraction(4, 3), 27)])
    v = c ** float(gamma)
    return Problem(
        f"A {gas} ideal gas (γ = {gamma.numerator}/{gamma.denominator}) is compressed "
        f"adiabatically to 1/{c} of its volume. By what factor does its pressure increase?",
        f"$PV^\\gamma$ is constant, so $\\frac{{P_2}}{{P_1}} = {c}^{{{tex_frac(float(gamma))}}} = {fmt(v)}$.",
        v, wrong=(float(c), c * float(gamma), c ** (float(gamma) - 1)),
    )


@shape(P, "thermal", "easy")
def _carnot_efficiency(r: R) -> Problem:
    t1, t2 = r.choice([(500, 300), (600, 300), (400, 300), (800, 400), (1000, 300)])
    v = 100 * (1 - t2 / t1)
    return Problem(
        f"A heat engine works between a boiler at {t1} K and a condenser at {t2} K. What is the highest efficiency "
        "it could possibly have?",
        f"Carnot: $\\eta = 1 - \\frac{{T_2}}{{T_1}} = 1 - \\frac{{{t2}}}{{{t1}}} = {fmt(v)}\\%$.",
        v, "%", wrong=(100 * t2 / t1, 100 * (t1 - t2) / t2 if t1 - t2 < t2 else 100 * t2 / (t1 + t2), v / 2),
    )


@shape(P, "thermal")
def _refrigerator_cop(r: R) -> Problem:
    tc, th = r.choice([(-23, 27), (-3, 27), (7, 47), (-13, 27)])
    v = (tc + 273) / (th - tc)
    return Problem(
        f"An ideal refrigerator keeps its freezer at {tc} °C in a kitchen at {th} °C. What is its coefficient of "
        "performance?",
        f"In kelvin: $T_c = {tc + 273}$ K, $T_h = {th + 273}$ K; $COP = \\frac{{T_c}}{{T_h - T_c}} = "
        f"\\frac{{{tc + 273}}}{{{th - tc}}} = {fmt(v)}$.",
        v, wrong=((th + 273) / (th - tc), abs(tc) / (th - tc) if tc else 1.0, (tc + 273) / (th + 273)),
    )


@shape(P, "thermal", "easy")
def _first_law(r: R) -> Problem:
    q, w = r.choice([500, 800, 1200, 2000]), r.choice([200, 300, 450, 700])
    v = q - w
    return Problem(
        f"A gas in a cylinder absorbs {q} J of heat and pushes the piston out, doing {w} J of work. What is the change "
        "in its internal energy?",
        f"First law: $\\Delta U = Q - W = {q} - {w} = {v}$ J.",
        v, "J", wrong=(q + w, w - q if w != q else 1, q),
    )


@shape(P, "thermal")
def _rms_speed_temperature(r: R) -> Problem:
    t1, t2, c = r.choice([(27, 927, 400), (-73, 527, 300), (27, 1227, 500), (127, 1327, 600)])
    v = c * math.sqrt((t2 + 273) / (t1 + 273))
    return Problem(
        f"The rms speed of nitrogen molecules at {t1} °C is {c} m/s. What is it at {t2} °C?",
        f"$v_{{rms}} \\propto \\sqrt{{T}}$: ${c}\\sqrt{{\\frac{{{t2 + 273}}}{{{t1 + 273}}}}} = {fmt(v)}$ m/s.",
        v, "m/s",
        wrong=(c * (t2 + 273) / (t1 + 273), c * math.sqrt(t2 / t1) if t1 > 0 else c * 3, c * 2 if v != c * 2 else c * 4),
    )


@shape(P, "thermal")
def _stefan_power(r: R) -> Problem:
    k = r.choice([2, 3, 1.5])
    v = k**4
    return Problem(
        f"The absolute temperature of a blackbody radiator is raised to {fmt(k)} times its value. By what factor does "
        "the power it radiates increase?",
        f"Stefan–Boltzmann: $P \\propto T^4$, so the factor is ${fmt(k)}^4 = {fmt(v)}$.",
        v, wrong=(k * k, k, k**3),
    )


@shape(P, "thermal")
def _wien_wavelength(r: R) -> Problem:
    t = r.choice([2900, 5800, 6000, 3000, 10000])
    v = 2.9e-3 / t * 1e9
    return Problem(
        f"The surface of a star is at about {t} K. At what wavelength does its emission peak? "
        "(Wien's constant 2.9 × 10⁻³ m K)",
        f"$\\lambda_m = b/T = 2.9 \\times 10^{{-3}}/{t} = {fmt(v)}$ nm.",
        v, "nm", wrong=(v * 2, v / 2, 2.9e-3 * t),
    )


@shape(P, "thermal", "hard")
def _newton_cooling(r: R) -> Problem:
    t0, a, b, c, t1 = r.choice([(25, 65, 55, 45, 10), (20, 80, 70, 60, 5), (30, 70, 60, 50, 6), (20, 60, 50, 40, 8)])
    # rate ∝ (mean temperature - surroundings)
    v = t1 * ((a + b) / 2 - t0) / ((b + c) / 2 - t0)
    return Problem(
        f"A cup of tea cools from {a} °C to {b} °C in {t1} minutes in a room at {t0} °C. Using Newton's law of cooling "
        f"with average temperatures, how long will it take to cool from {b} °C to {c} °C?",
        f"Rate $\\propto (\\bar T - T_0)$: first interval mean {fmt((a + b) / 2)} °C, second {fmt((b + c) / 2)} °C; "
        f"$t = {t1} \\times \\frac{{{fmt((a + b) / 2 - t0)}}}{{{fmt((b + c) / 2 - t0)}}} = {fmt(v)}$ min.",
        v, "min", wrong=(float(t1), t1 * ((b + c) / 2 - t0) / ((a + b) / 2 - t0), 2.0 * t1),
    )


@shape(P, "thermal")
def _slabs_in_series(r: R) -> Problem:
    k1, k2, th, tc = r.choice([(1, 2), (2, 3), (1, 4), (3, 1)]) + r.choice([(100, 0), (80, 20), (90, 30)])
    # equal thickness: interface temperature
    v = (k1 * th + k2 * tc) / (k1 + k2)
    return Problem(
        f"Two slabs of equal thickness, with thermal conductivities in the ratio {k1} : {k2}, are pressed together. "
        f"The free face of the first is at {th} °C and that of the second at {tc} °C. What is the temperature of the "
        "junction in the steady state?",
        f"Equal heat current: ${k1}(T_1 - T) = {k2}(T - T_2)$, so $T = \\frac{{{k1} \\cdot {th} + {k2} \\cdot "
        f"{tc}}}{{{k1 + k2}}} = "
        f"{fmt(v)}$ °C.",
        v, "°C",
        wrong=((th + tc) / 2 if (th + tc) / 2 != v else v + 10, (k2 * th + k1 * tc) / (k1 + k2), th - (th - tc) / (k1 + k2)),
    )


@shape(P, "thermal", "easy")
def _rail_expansion(r: R) -> Problem:
    length, dt = r.choice([10, 12, 25, 50]), r.choice([20, 30, 40, 50])
    v = 1.2e-5 * length * dt * 1000
    return Problem(
        f"A steel rail is {length} m long on a winter morning. By how much does it lengthen when its temperature rises "
        f"by {dt} °C? (α = 1.2 × 10⁻⁵ per °C)",
        f"$\\Delta L = \\alpha L\\Delta T = 1.2 \\times 10^{{-5}} \\cdot {length} \\cdot {dt} = {fmt(v / 1000)}$ m $= {fmt(v)}$ "
        "mm.",
        v, "mm", wrong=(v * 10, v / 10, v * 3),
    )


@shape(P, "thermal")
def _isobaric_heat(r: R) -> Problem:
    n, dt = r.choice([1, 2, 3]), r.choice([50, 100, 200])
    gas, cp = r.choice([("helium", 2.5), ("argon", 2.5), ("nitrogen", 3.5), ("oxygen", 3.5)])
    v = n * cp * 8.314 * dt
    return Problem(
        f"How much heat must be supplied to {n} mol of {gas} to warm it by {dt} K while it expands freely at constant "
        "pressure? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"$Q = nC_p\\Delta T$ with $C_p = {tex_frac(cp)}R$ for {gas}: $Q = {n} \\times {fmt(cp)} \\times 8.314 \\times {dt} = "
        f"{fmt(v)}$ J.",
        v, "J", wrong=(n * (cp - 1) * 8.314 * dt, n * 8.314 * dt, n * (cp + 1) * 8.314 * dt),
    )


@shape(P, "thermal")
def _internal_energy_diatomic(r: R) -> Problem:
    n, t = r.choice([1, 2, 0.5]), r.choice([300, 400, 600])
    gas, f = r.choice([("helium", 3), ("oxygen", 5), ("nitrogen", 5)])
    v = f / 2 * n * 8.314 * t
    return Problem(
        f"What is the internal energy of {fmt(n)} mol of {gas} gas at {t} K, treating it as ideal and ignoring "
        "vibration? (R = 8.314 J mol⁻¹ K⁻¹)",
        f"{gas.capitalize()} has {f} degrees of freedom: $U = \\frac{{{f}}}{{2}}nRT = {fmt(v)}$ J.",
        v, "J", wrong=(1.5 * n * 8.314 * t if f == 5 else 2.5 * n * 8.314 * t, n * 8.314 * t, 3 * n * 8.314 * t),
    )


@shape(P, "electrostatics", "easy")
def _coulomb_force(r: R) -> Problem:
    q1, q2, d = r.choice([1, 2, 3, 5]), r.choice([2, 4, 6]), r.choice([0.1, 0.2, 0.3, 0.5])
    v = 9e9 * q1 * 1e-6 * q2 * 1e-6 / d**2
    return Problem(
        f"Point charges of {q1} μC and {q2} μC are held {fmt(d * 100)} cm apart in air. What force does each exert on "
        "the other? (k = 9 × 10⁹ N m² C⁻²)",
        f"$F = \\frac{{kq_1q_2}}{{r^2}} = \\frac{{9 \\times 10^9 \\cdot {q1} \\times 10^{{-6}} \\cdot {q2} \\times "
        f"10^{{-6}}}}{{{fmt(d)}^2}} "
        f"= {fmt(v)}$ N.",
        v, "N", wrong=(9e9 * q1 * q2 * 1e-12 / d, v * 100, v / 2),
    )


@shape(P, "electrostatics")
def _touch_and_separate(r: R) -> Problem:
    q1, q2 = r.choice([(6, -2), (5, 1), (8, -4), (3, 1), (10, -2)])
    v = ((q1 + q2) / 2) ** 2 / (q1 * abs(q2))
    return Problem(
        f"Two identical small metal spheres carry charges of {q1} μC and {q2} μC and attract or repel each other with "
        "a force F. The spheres are touched together and put back at the same separation. What is the new force, as "
        "a multiple of F?",
        f"Touching shares the total charge equally between identical spheres: each ends with "
        f"$\\frac{{{q1} + ({q2})}}{{2}} = {fmt((q1 + q2) / 2)}$ μC; $F'/F = \\frac{{{fmt((q1 + q2) / 2)}^2}}{{{q1} \\cdot "
        f"{abs(q2)}}} = "
        f"{tex_frac(v)}$.",
        v, wrong=(1.0, ((q1 - q2) / 2) ** 2 / (q1 * abs(q2)), v * 2), show=as_frac,
    )


@shape(P, "electrostatics")
def _field_midpoint(r: R) -> Problem:
    q1, q2, d = r.choice([2, 4, 5]), r.choice([1, 3, 8]), r.choice([0.2, 0.4, 0.6])
    e = 9e9 * 1e-6 / (d / 2) ** 2
    v = e * abs(q1 - q2)
    return Problem(
        f"Charges of +{q1} μC and +{q2} μC are placed {fmt(d * 100)} cm apart. What is the magnitude of the electric "
        "field at the midpoint between them?",
        "The two fields point in opposite directions: $E = \\frac{k|q_1 - q_2|}{(d/2)^2} = \\frac{9 \\times 10^9 \\cdot "
        f"{abs(q1 - q2)} "
        f"\\times 10^{{-6}}}}{{{fmt(d / 2)}^2}} = {fmt(v)}$ N/C.",
        v, "N/C", wrong=(e * (q1 + q2), v / 4, e * abs(q1 - q2) * 2) if q1 != q2 else (e * 2, e, e / 2),
    )


@shape(P, "electrostatics")
def _potential_square_centre(r: R) -> Problem:
    q, a = r.choice([1, 2, 5]), r.choice([0.1, 0.2, 0.3])
    v = 4 * 9e9 * q * 1e-6 / (a / math.sqrt(2))
    return Problem(
        f"Equal charges of {q} μC sit at the four corners of a square of side {fmt(a * 100)} cm. What is the electric "
        "potential at the centre of the square?",
        f"Each corner is $a/\\sqrt{{2}}$ from the centre, and potentials add as scalars: "
        f"$V = 4 \\cdot \\frac{{kq}}{{a/\\sqrt{{2}}}} = {fmt(v)}$ V.",
        v, "V", wrong=(4 * 9e9 * q * 1e-6 / a, v / 4, 0.0 + v * math.sqrt(2)),
    )


@shape(P, "electrostatics", "easy")
def _parallel_plate_dielectric(r: R) -> Problem:
    area, d_mm, k = r.choice([0.01, 0.02, 0.05]), r.choice([1, 2, 5]), r.choice([2, 4, 5])
    v = k * 8.85e-12 * area / (d_mm / 1000) * 1e12
    return Problem(
        f"A parallel-plate capacitor has plates of area {fmt(area * 1e4)} cm² separated by {d_mm} mm, and the gap is "
        f"filled with a dielectric of constant {k}. What is its capacitance? (ε₀ = 8.85 × 10⁻¹² F/m)",
        f"$C = \\frac{{K\\varepsilon_0 A}}{{d}} = \\frac{{{k} \\cdot 8.85 \\times 10^{{-12}} \\cdot "
        f"{fmt(area)}}}{{{fmt(d_mm / 1000)}}} = "
        f"{fmt(v)}$ pF.",
        v, "pF", wrong=(v / k, v * 10, v / 2),
    )


@shape(P, "electrostatics", "easy")
def _capacitor_network(r: R) -> Problem:
    c1, c2, c3 = r.choice([(2, 3, 6), (3, 6, 4), (4, 4, 2), (6, 3, 1), (2, 2, 5)])
    ser = 1 / (1 / c1 + 1 / c2)
    v = ser + c3
    return Problem(
        f"Capacitors of {c1} μF and {c2} μF are joined in series, and the pair is connected in parallel with a "
        f"{c3} μF capacitor. What is the equivalent capacitance?",
        f"Series: $\\frac{{{c1} \\cdot {c2}}}{{{c1 + c2}}} = {fmt(ser)}$ μF; adding the parallel {c3} μF gives {fmt(v)} μF.",
        v, "μF", wrong=(c1 + c2 + c3, 1 / (1 / c1 + 1 / c2 + 1 / c3), (c1 + c2) * c3 / (c1 + c2 + c3)),
    )


@shape(P, "electrostatics", "easy")
def _capacitor_energy(r: R) -> Problem:
    c, volts = r.choice([2, 5, 10, 20]), r.choice([50, 100, 200])
    v = 0.5 * c * 1e-6 * volts * volts * 1000
    return Problem(
        f"A camera flash unit charges its {c} μF capacitor to {volts} V. How much energy does the capacitor store?",
        f"$U = \\frac{{1}}{{2}}CV^2 = \\frac{{1}}{{2}} \\cdot {c} \\times 10^{{-6}} \\cdot {volts}^2 = {fmt(v / 1000)}$ J "
        f"$= {fmt(v)}$ mJ.",
        v, "mJ", wrong=(2 * v, c * volts / 1000, v / 2),
    )


@shape(P, "electrostatics")
def _charge_sharing_loss(r: R) -> Problem:
    c1, v1, c2 = r.choice([2, 4, 6]), r.choice([100, 200, 300]), r.choice([2, 4, 3])
    loss = c1 * c2 * v1 * v1 / (2 * (c1 + c2)) * 1e-6 * 1000
    return Problem(
        f"{a_(c1).capitalize()} {c1} μF capacitor charged to {v1} V is connected across an uncharged {c2} μF capacitor. How much "
        "energy "
        "is lost as heat when the charge redistributes?",
        f"$\\Delta U = \\frac{{C_1C_2}}{{2(C_1 + C_2)}}V^2 = \\frac{{{c1} \\cdot {c2}}}{{2 \\cdot {c1 + c2}}} \\times 10^{{-6}} "
        f"\\cdot {v1}^2 "
        f"= {fmt(loss)}$ mJ.",
        loss, "mJ", wrong=(0.5 * c1 * v1 * v1 * 1e-3, loss * 2, 0.5 * (c1 + c2) * (c1 * v1 / (c1 + c2)) ** 2 * 1e-3),
    )


@shape(P, "electrostatics", "easy")
def _work_moving_charge(r: R) -> Problem:
    q, va, vb = r.choice([2, 5, 10]), r.choice([100, 50, -20]), r.choice([300, 250, 80])
    v = q * 1e-6 * (vb - va) * 1e6
    return Problem(
        f"How much work must an external agent do to carry a {q} μC charge slowly from a point at potential {va} V to "
        f"a point at {vb} V?",
        f"$W = q(V_B - V_A) = {q} \\times 10^{{-6}} \\times ({vb} - ({va})) = {fmt(v)}$ μJ.",
        v, "μJ", wrong=(q * (vb + va), q * vb, q * (vb - va) / 2),
    )


@shape(P, "electrostatics")
def _flux_through_cube_face(r: R) -> Problem:
    q = r.choice([3, 6, 12, 18])
    v = q / 6
    return Problem(
        f"A point charge of {q} μC sits at the centre of a closed cubical box. What electric flux passes through one "
        "face of the box, in units of μC/ε₀?",
        f"Gauss's law gives a total of $q/\\varepsilon_0$ through the closed surface, shared equally by 6 faces: "
        f"${q}/6 = {fmt(v)}$ μC/ε₀.",
        v, "μC/ε₀", wrong=(float(q), q / 3, q / 8),
    )


@shape(P, "electrostatics")
def _dipole_torque(r: R) -> Problem:
    q, d, e, th = r.choice([1, 2, 5]), r.choice([1, 2, 4]), r.choice([1e4, 2e4, 5e4]), r.choice([30, 90, 60])
    p = q * 1e-6 * d * 1e-2
    v = p * e * sind(th) * 1000
    return Problem(
        f"An electric dipole made of charges ±{q} μC, {d} cm apart, is placed in a uniform field of {fmt(e)} N/C at "
        f"{th}° to the field. What torque acts on it?",
        f"$p = qd = {fmt(p)}$ C m; $\\tau = pE\\sin\\theta = {fmt(p)} \\cdot {fmt(e)} \\cdot \\sin {th}° = {fmt(v)}$ mN m.",
        v, "mN m", wrong=(p * e * 1000, p * e * cosd(th) * 1000 or v * 2, v * 2),
    )


@shape(P, "electrostatics")
def _electron_accelerated(r: R) -> Problem:
    volts = r.choice([100, 400, 900, 2500])
    v = math.sqrt(2 * 1.6e-19 * volts / 9.1e-31)
    return Problem(
        f"An electron starts from rest and is accelerated through a potential difference of {volts} V in a cathode-ray "
        "tube. What speed does it reach? (e = 1.6 × 10⁻¹⁹ C, m = 9.1 × 10⁻³¹ kg)",
        "$eV = \\frac{1}{2}mv^2$: $v = \\sqrt{2eV/m} = \\sqrt{\\frac{2 \\cdot 1.6 \\times 10^{-19} \\cdot "
        f"{volts}}}{{9.1 \\times 10^{{-31}}}}}} "
        f"= {fmt(v)}$ m/s.",
        v, "m/s", wrong=(v * math.sqrt(2), v / math.sqrt(2), 2 * 1.6e-19 * volts / 9.1e-31 / 1e7),
    )


@shape(P, "electrostatics", "hard")
def _triangle_charges_energy(r: R) -> Problem:
    q, a = r.choice([1, 2, 3]), r.choice([0.1, 0.3, 0.9])
    v = 3 * 9e9 * (q * 1e-6) ** 2 / a
    return Problem(
        f"Three equal charges of {q} μC are brought from far apart to the corners of an equilateral triangle of "
        f"side {fmt(a * 100)} cm. How much work is needed?",
        f"Three pairs, each $\\frac{{kq^2}}{{a}}$: $U = 3 \\cdot \\frac{{9 \\times 10^9 ({q} \\times 10^{{-6}})^2}}{{{fmt(a)}}} "
        f"= {fmt(v)}$ J.",
        v, "J", wrong=(v / 3, 2 * v / 3, v * 2),
    )


@shape(P, "electrostatics")
def _line_charge_field(r: R) -> Problem:
    lam, d = r.choice([1, 2, 5]), r.choice([0.1, 0.2, 0.5])
    v = 2 * 9e9 * lam * 1e-6 / d
    return Problem(
        f"A long straight wire carries a uniform charge of {lam} μC per metre. What is the electric field {fmt(d * 100)} cm "
        "from it?",
        f"Gauss's law with a cylinder: $E = \\frac{{\\lambda}}{{2\\pi\\varepsilon_0 r}} = \\frac{{2k\\lambda}}{{r}} = {fmt(v)}$ "
        "N/C.",
        v, "N/C", wrong=(v / 2, 9e9 * lam * 1e-6 / d**2, v * 2),
    )


@shape(P, "current", "easy")
def _resistor_network(r: R) -> Problem:
    a, b, c = r.choice([(6, 3, 4), (12, 6, 2), (4, 4, 3), (10, 15, 4), (20, 5, 6)])
    par = a * b / (a + b)
    v = par + c
    return Problem(
        f"Resistors of {a} Ω and {b} Ω are connected in parallel, and the combination is in series with {a_(c)} {c} Ω "
        "resistor. What is the total resistance?",
        f"Parallel: $\\frac{{{a} \\cdot {b}}}{{{a + b}}} = {fmt(par)}$ Ω; plus {c} Ω in series: {fmt(v)} Ω.",
        v, "Ω", wrong=(a + b + c, 1 / (1 / a + 1 / b + 1 / c), (a + c) * b / (a + b + c)),
    )


@shape(P, "current", "hard")
def _drift_velocity(r: R) -> Problem:
    i, area_mm2 = r.choice([1, 2, 3, 5]), r.choice([1, 2, 2.5])
    n = 8.5e28
    v = i / (n * 1.6e-19 * area_mm2 * 1e-6) * 1000
    return Problem(
        f"A copper wire of cross-section {fmt(area_mm2)} mm² carries a current of {i} A. Copper has "
        "8.5 × 10²⁸ free electrons per m³. What is the drift speed of the electrons?",
        f"$v_d = \\frac{{I}}{{neA}} = \\frac{{{i}}}{{8.5 \\times 10^{{28}} \\cdot 1.6 \\times 10^{{-19}} \\cdot "
        f"{fmt(area_mm2 * 1e-6)}}} = "
        f"{fmt(v / 1000)}$ m/s $= {fmt(v)}$ mm/s.",
        v, "mm/s", wrong=(v * 10, v / 10, v * 1000),
    )


@shape(P, "current", "easy")
def _stretched_wire(r: R) -> Problem:
    res, n = r.choice([2, 4, 5, 10]), r.choice([2, 3, 4])
    v = res * n * n
    return Problem(
        f"A wire of resistance {res} Ω is drawn out uniformly to {n} times its original length. What is its new "
        "resistance?",
        f"Volume stays the same, so the area falls by {n}: $R' = R \\cdot {n} \\cdot {n} = {v}$ Ω.",
        v, "Ω", wrong=(res * n, res * n**3, res / n),
        shortcut="Stretching n times multiplies R by n².",
    )


@shape(P, "current", "easy")
def _terminal_voltage(r: R) -> Problem:
    e, rin, rext = r.choice([1.5, 2, 6, 12]), r.choice([0.5, 1, 2]), r.choice([2, 4, 5, 10])
    i = e / (rext + rin)
    v = i * rext
    return Problem(
        f"A cell of emf {fmt(e)} V and internal resistance {fmt(rin)} Ω drives current through a {rext} Ω lamp. What "
        "is the potential difference across the cell's terminals?",
        f"$I = \\frac{{E}}{{R + r}} = {fmt(i)}$ A; terminal voltage $= IR = {fmt(v)}$ V (or $E - Ir$).",
        v, "V", wrong=(e, i * rin, e - i * rext if e - i * rext > 0 else e / 2),
    )


@shape(P, "current", "easy")
def _meter_bridge(r: R) -> Problem:
    res, null = r.choice([2, 4, 5, 10]), r.choice([20, 25, 40, 60, 75])
    v = res * (100 - null) / null
    return Problem(
        f"In a metre-bridge experiment a {res} Ω standard resistor is in the left gap and the unknown in the right. "
        f"The null point is {null} cm from the left end. What is the unknown resistance?",
        f"$\\frac{{R}}{{X}} = \\frac{{l}}{{100 - l}}$: $X = {res} \\times \\frac{{{100 - null}}}{{{null}}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(res * null / (100 - null), res * (100 - null) / 100, res * 100 / null),
    )


@shape(P, "current")
def _potentiometer_internal_resistance(r: R) -> Problem:
    (l1, l2), res = r.choice([(80, 60), (75, 60), (90, 72), (100, 80)]), r.choice([2, 5, 10])
    v = res * (l1 - l2) / l2
    return Problem(
        f"With a potentiometer, a cell balances at {l1} cm on open circuit and at {l2} cm when shunted by a {res} Ω "
        "resistor. What is the cell's internal resistance?",
        f"$r = R\\frac{{l_1 - l_2}}{{l_2}} = {res} \\times \\frac{{{l1 - l2}}}{{{l2}}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(res * (l1 - l2) / l1, res * l2 / l1, res * l1 / l2),
    )


@shape(P, "current")
def _bulbs_in_series(r: R) -> Problem:
    (p1, p2), volts = r.choice([(100, 60), (100, 25), (60, 40), (100, 40)]), 220
    r1, r2 = volts**2 / p1, volts**2 / p2
    v = volts**2 / (r1 + r2)
    return Problem(
        f"{a_(p1).capitalize()} {p1} W and {a_(p2)} {p2} W bulb, both rated for {volts} V, are connected in series across the "
        f"{volts} V mains. "
        "What total power do they draw?",
        f"$R = V^2/P$: {fmt(r1)} Ω and {fmt(r2)} Ω; in series $P = \\frac{{{volts}^2}}{{{fmt(r1 + r2)}}} = {fmt(v)}$ W.",
        v, "W", wrong=(float(p1 + p2), (p1 + p2) / 2, float(min(p1, p2))),
        shortcut="Series: 1/P = 1/P₁ + 1/P₂.",
    )


@shape(P, "current", "easy")
def _electricity_bill(r: R) -> Problem:
    power, hours, days, rate = r.choice([1000, 1500, 2000]), r.choice([1, 2, 3]), 30, r.choice([5, 6, 8])
    v = power / 1000 * hours * days * rate
    return Problem(
        f"An electric geyser rated {power} W runs for {hours} h every day. What does it cost to run for {days} days at "
        f"₹{rate} per kWh?",
        f"Energy $= {fmt(power / 1000)} \\text{{ kW}} \\times {hours * days} \\text{{ h}} = {fmt(power / 1000 * hours * days)}$ "
        "kWh; "
        f"cost $= {fmt(power / 1000 * hours * days)} \\times {rate} = {fmt(v)}$ rupees.",
        v, "rupees", wrong=(v / days, v * 2, power * hours * days * rate / 100),
    )


@shape(P, "current")
def _ammeter_shunt(r: R) -> Problem:
    g, ig_ma, i = r.choice([20, 50, 100]), r.choice([1, 5, 10]), r.choice([1, 2, 5])
    ig = ig_ma / 1000
    v = ig * g / (i - ig)
    return Problem(
        f"A galvanometer of resistance {g} Ω gives full-scale deflection at {ig_ma} mA. What shunt converts it into an "
        f"ammeter reading up to {i} A?",
        f"$S = \\frac{{I_g G}}{{I - I_g}} = \\frac{{{fmt(ig)} \\cdot {g}}}{{{fmt(i - ig)}}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(ig * g / i * 10, g * (i - ig) / ig, i / ig),
    )


@shape(P, "current")
def _voltmeter_series(r: R) -> Problem:
    g, ig_ma, volts = r.choice([20, 50, 100]), r.choice([1, 2, 5]), r.choice([5, 10, 50])
    v = volts / (ig_ma / 1000) - g
    return Problem(
        f"A moving-coil galvanometer of resistance {g} Ω reads full scale at {ig_ma} mA. What resistance must be put "
        f"in series with it to make a voltmeter of range {volts} V?",
        f"$R = \\frac{{V}}{{I_g}} - G = \\frac{{{volts}}}{{{fmt(ig_ma / 1000)}}} - {g} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(volts / (ig_ma / 1000), v + 2 * g, volts / (ig_ma / 1000) / 10),
    )


@shape(P, "current")
def _resistance_temperature(r: R) -> Problem:
    r0, alpha, t = r.choice([10, 20, 50]), r.choice([0.004, 0.0039, 0.005]), r.choice([50, 100, 150])
    v = r0 * (1 + alpha * t)
    return Problem(
        f"A platinum resistance thermometer reads {r0} Ω at 0 °C. The metal's temperature coefficient of resistance "
        f"is {fmt(alpha)} per °C. What is its resistance at {t} °C?",
        f"$R_t = R_0(1 + \\alpha t) = {r0}(1 + {fmt(alpha)} \\cdot {t}) = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(r0 * alpha * t, r0 * (1 - alpha * t), r0 + alpha * t),
    )


@shape(P, "current", "hard")
def _parallel_cells(r: R) -> Problem:
    e1, r1, e2, r2, rl = r.choice([(2, 1, 2, 1, 1), (6, 2, 3, 1, 4), (12, 2, 6, 2, 2), (4, 1, 2, 1, 1.5)])
    eeq = (e1 / r1 + e2 / r2) / (1 / r1 + 1 / r2)
    req = 1 / (1 / r1 + 1 / r2)
    v = eeq / (req + rl)
    return Problem(
        f"Two cells, of emf {e1} V (internal resistance {r1} Ω) and {e2} V (internal resistance {r2} Ω), are connected in "
        f"parallel with like terminals together and supply {a_(fmt(rl))} {fmt(rl)} Ω resistor. What current flows in the "
        "resistor?",
        f"Equivalent cell: $E = \\frac{{E_1/r_1 + E_2/r_2}}{{1/r_1 + 1/r_2}} = {fmt(eeq)}$ V, $r = {fmt(req)}$ Ω; "
        f"$I = \\frac{{{fmt(eeq)}}}{{{fmt(req)} + {fmt(rl)}}} = {fmt(v)}$ A.",
        v, "A", wrong=((e1 + e2) / (r1 + r2 + rl), e1 / (r1 + rl), (e1 + e2) / rl),
    )


@shape(P, "current")
def _rc_half_charge(r: R) -> Problem:
    res_k, c = r.choice([10, 20, 50, 100]), r.choice([10, 20, 50])
    tau = res_k * 1e3 * c * 1e-6
    v = tau * math.log(2)
    return Problem(
        f"{a_(c).capitalize()} {c} μF capacitor is charged through a {res_k} kΩ resistor from a battery. How long does it take "
        "to reach half "
        "of its final charge?",
        f"$q = q_0(1 - e^{{-t/RC}})$; $q = q_0/2$ at $t = RC\\ln 2 = {fmt(tau)} \\times 0.693 = {fmt(v)}$ s.",
        v, "s", wrong=(tau, tau / 2, 2 * tau),
    )


@shape(P, "magnetism")
def _loop_centre_field(r: R) -> Problem:
    n, i, rad = r.choice([1, 10, 50, 100]), r.choice([1, 2, 5]), r.choice([0.05, 0.1, 0.2])
    v = 4 * math.pi * 1e-7 * n * i / (2 * rad)
    return Problem(
        f"A flat circular coil of {n} turn{'s' if n > 1 else ''} and radius {fmt(rad * 100)} cm carries {i} A. What is the "
        "magnetic field at its centre? (μ₀ = 4π × 10⁻⁷ T m/A)",
        f"$B = \\frac{{\\mu_0 N I}}{{2R}} = \\frac{{4\\pi \\times 10^{{-7}} \\cdot {n} \\cdot {i}}}{{{fmt(2 * rad)}}} = "
        f"{fmt(v)}$ T.",
        v, "T", wrong=(v * 2, v / math.pi, v / 2),
    )


@shape(P, "magnetism", "easy")
def _straight_wire_field(r: R) -> Problem:
    i, d = r.choice([5, 10, 20, 50]), r.choice([0.02, 0.05, 0.1, 0.2])
    v = 2e-7 * i / d
    return Problem(
        f"A long straight power cable carries {i} A. What magnetic field does it produce at a point {fmt(d * 100)} cm away? "
        "(μ₀ = 4π × 10⁻⁷ T m/A)",
        f"$B = \\frac{{\\mu_0 I}}{{2\\pi r}} = \\frac{{2 \\times 10^{{-7}} \\cdot {i}}}{{{fmt(d)}}} = {fmt(v)}$ T.",
        v, "T", wrong=(v * 2 * math.pi, 2e-7 * i / d**2, v / 2),
    )


@shape(P, "magnetism", "easy")
def _solenoid_field(r: R) -> Problem:
    n_per_cm, i = r.choice([5, 10, 20]), r.choice([1, 2, 4])
    v = 4 * math.pi * 1e-7 * n_per_cm * 100 * i * 1000
    return Problem(
        f"A long solenoid is wound with {n_per_cm} turns per centimetre and carries {i} A. What is the magnetic field "
        "inside it, well away from the ends?",
        f"$B = \\mu_0 n I = 4\\pi \\times 10^{{-7}} \\cdot {n_per_cm * 100} \\cdot {i} = {fmt(v / 1000)}$ T $= {fmt(v)}$ mT.",
        v, "mT", wrong=(v / 2, v / 100, v * 2),
    )


@shape(P, "magnetism")
def _proton_circle_radius(r: R) -> Problem:
    speed, b = r.choice([1e5, 2e6, 4e6]), r.choice([0.1, 0.2, 0.5])
    v = 1.67e-27 * speed / (1.6e-19 * b) * 100
    return Problem(
        f"A proton moving at {num(speed)} m/s enters a uniform magnetic field of {fmt(b)} T at right angles. What is the "
        "radius of its circular path? (m = 1.67 × 10⁻²⁷ kg, e = 1.6 × 10⁻¹⁹ C)",
        f"$r = \\frac{{mv}}{{qB}} = \\frac{{1.67 \\times 10^{{-27}} \\cdot {fmt(speed)}}}{{1.6 \\times 10^{{-19}} \\cdot "
        f"{fmt(b)}}} = {fmt(v / 100)}$ m "
        f"$= {fmt(v)}$ cm.",
        v, "cm", wrong=(v * 2, v / 2, v * 10),
    )


@shape(P, "magnetism")
def _parallel_wires_force(r: R) -> Problem:
    i1, i2, d = r.choice([5, 10, 20]), r.choice([5, 10, 15]), r.choice([0.05, 0.1, 0.2])
    v = 2e-7 * i1 * i2 / d * 1e6
    return Problem(
        f"Two long parallel wires {fmt(d * 100)} cm apart carry currents of {i1} A and {i2} A in the same direction. "
        "What force acts on each metre of either wire?",
        f"$\\frac{{F}}{{L}} = \\frac{{\\mu_0 I_1 I_2}}{{2\\pi d}} = \\frac{{2 \\times 10^{{-7}} \\cdot {i1} \\cdot "
        f"{i2}}}{{{fmt(d)}}} = "
        f"{fmt(v)}$ μN/m (attractive).",
        v, "μN/m", wrong=(v * 2, v / 2, v * math.pi),
    )


@shape(P, "magnetism", "easy")
def _force_on_wire(r: R) -> Problem:
    b, i, length, th = r.choice([0.2, 0.5, 1.5]), r.choice([2, 4, 10]), r.choice([0.1, 0.2, 0.5]), r.choice([30, 90, 60])
    v = b * i * length * sind(th)
    return Problem(
        f"{a_(fmt(length * 100)).capitalize()} {fmt(length * 100)} cm straight conductor carrying {i} A lies at {th}° to a "
        f"uniform magnetic field of {fmt(b)} T. "
        "What force does the field exert on it?",
        f"$F = BIL\\sin\\theta = {fmt(b)} \\cdot {i} \\cdot {fmt(length)} \\cdot \\sin {th}° = {fmt(v)}$ N.",
        v, "N", wrong=(b * i * length, b * i * length * cosd(th) or v * 2, v / 2),
    )


@shape(P, "magnetism", "easy")
def _motional_emf(r: R) -> Problem:
    b, length, speed = r.choice([0.2, 0.5, 1]), r.choice([0.5, 1, 2]), r.choice([2, 5, 10])
    v = b * length * speed
    return Problem(
        f"A metal rod {fmt(length)} m long slides at {speed} m/s along a pair of rails, at right angles to a {fmt(b)} T "
        "magnetic field. What emf is induced between its ends?",
        f"$\\varepsilon = BLv = {fmt(b)} \\cdot {fmt(length)} \\cdot {speed} = {fmt(v)}$ V.",
        v, "V", wrong=(b * speed / length, v / 2, b * length * speed * speed),
    )


@shape(P, "magnetism")
def _coil_flux_change(r: R) -> Problem:
    n, phi1, phi2, t = r.choice([50, 100, 200]), r.choice([0.02, 0.05]), 0.0, r.choice([0.1, 0.2, 0.5])
    v = n * (phi1 - phi2) / t
    return Problem(
        f"The magnetic flux through each turn of a {n}-turn coil falls steadily from {fmt(phi1)} Wb to zero in {fmt(t)} s. "
        "What average emf is induced in the coil?",
        f"Faraday: $\\varepsilon = N\\frac{{\\Delta\\Phi}}{{\\Delta t}} = {n} \\cdot \\frac{{{fmt(phi1)}}}{{{fmt(t)}}} = "
        f"{fmt(v)}$ V.",
        v, "V", wrong=(phi1 / t, n * phi1 * t, v / 2),
    )


@shape(P, "magnetism", "easy")
def _inductor_energy(r: R) -> Problem:
    ind, i = r.choice([0.1, 0.5, 2, 5]), r.choice([2, 4, 10])
    v = 0.5 * ind * i * i
    return Problem(
        f"{a_(fmt(ind)).capitalize()} {fmt(ind)} H inductor carries a steady current of {i} A. How much energy is stored in its "
        "magnetic field?",
        f"$U = \\frac{{1}}{{2}}LI^2 = \\frac{{1}}{{2}} \\cdot {fmt(ind)} \\cdot {i}^2 = {fmt(v)}$ J.",
        v, "J", wrong=(ind * i * i, ind * i / 2, ind * i),
    )


@shape(P, "magnetism", "easy")
def _transformer(r: R) -> Problem:
    vp, np_, ns = r.choice([220, 230, 110]), r.choice([500, 1000, 2000]), r.choice([50, 100, 4000])
    v = vp * ns / np_
    return Problem(
        f"An ideal transformer has {np_} turns on its primary and {ns} on its secondary. The primary is connected to "
        f"{vp} V AC mains. What is the secondary voltage?",
        f"$\\frac{{V_s}}{{V_p}} = \\frac{{N_s}}{{N_p}}$: $V_s = {vp} \\times \\frac{{{ns}}}{{{np_}}} = {fmt(v)}$ V.",
        v, "V", wrong=(vp * np_ / ns, vp * (ns / np_) ** 2, float(vp)),
    )


@shape(P, "magnetism")
def _lc_resonance(r: R) -> Problem:
    ind_mh, c_uf = r.choice([(10, 100), (100, 10), (40, 25), (10, 25), (25, 10), (100, 40)])
    w = 1 / math.sqrt(ind_mh * 1e-3 * c_uf * 1e-6)
    v = w / (2 * math.pi)
    return Problem(
        f"An LC circuit has a {ind_mh} mH inductor and a {c_uf} μF capacitor. At what frequency does it resonate?",
        f"$\\omega_0 = \\frac{{1}}{{\\sqrt{{LC}}}} = {fmt(w)}$ rad/s, so $f_0 = \\frac{{\\omega_0}}{{2\\pi}} = "
        f"{as_over_pi(v).strip('$')} \\approx "
        f"{fmt(v)}$ Hz.",
        v, "Hz", wrong=(w / math.pi, w / (4 * math.pi), w / (8 * math.pi)), show=as_over_pi,
    )


@shape(P, "magnetism")
def _lcr_impedance(r: R) -> Problem:
    res, xl, xc = r.choice([(30, 60, 20), (40, 50, 80), (60, 100, 20), (80, 20, 80), (5, 24, 12)])
    v = math.hypot(res, xl - xc)
    return Problem(
        f"A series LCR circuit has resistance {res} Ω, inductive reactance {xl} Ω and capacitive reactance {xc} Ω at "
        "the supply frequency. What is its impedance?",
        f"$Z = \\sqrt{{R^2 + (X_L - X_C)^2}} = \\sqrt{{{res}^2 + ({xl - xc})^2}} = {fmt(v)}$ Ω.",
        v, "Ω", wrong=(float(res + xl + xc), math.hypot(res, xl + xc), float(res + abs(xl - xc))),
    )


@shape(P, "magnetism")
def _generator_peak_emf(r: R) -> Problem:
    n, area = r.choice([50, 100, 200]), r.choice([0.01, 0.02, 0.05])
    b, rpm = r.choice([0.1, 0.2, 0.5]), r.choice([300, 600, 3000])
    w = 2 * math.pi * rpm / 60
    v = n * b * area * w
    return Problem(
        f"A rectangular coil of {n} turns, each of area {fmt(area * 1e4)} cm², spins at {rpm} rpm in a uniform {fmt(b)} T "
        "magnetic field about an axis perpendicular to the field. What is the peak emf?",
        f"$\\omega = 2\\pi \\cdot {rpm}/60 = {fmt(w)}$ rad/s; $\\varepsilon_0 = NBA\\omega = {fmt(v)}$ V.",
        v, "V", wrong=(n * b * area * rpm / 60, v / math.sqrt(2), n * b * area * rpm),
    )


@shape(P, "magnetism", "easy")
def _rms_from_peak(r: R) -> Problem:
    peak = r.choice([100, 141.4, 311, 200])
    v = peak / math.sqrt(2)
    return Problem(
        f"An AC supply has a peak voltage of {fmt(peak)} V. What reading would an AC voltmeter (which shows rms "
        "values) give?",
        f"$V_{{rms}} = V_0/\\sqrt{{2}} = {fmt(peak)}/1.414 = {fmt(v)}$ V.",
        v, "V", wrong=(peak * math.sqrt(2), peak / 2, 2 * peak / math.pi),
    )


@shape(P, "optics", "easy")
def _concave_mirror_image(r: R) -> Problem:
    f, u = r.choice([(10, 15), (10, 30), (15, 20), (20, 30), (12, 18), (20, 60)])
    v = u * f / (u - f)
    return Problem(
        f"An object stands {u} cm in front of a concave mirror of focal length {f} cm. How far from the mirror is its "
        "image formed?",
        f"$\\frac{{1}}{{v}} + \\frac{{1}}{{u}} = \\frac{{1}}{{f}}$ with $u = -{u}$, $f = -{f}$: $v = -{fmt(v)}$ cm, a real image "
        f"{fmt(v)} cm in front of the mirror.",
        v, "cm", wrong=(u * f / (u + f), float(u - f), float(u + f)),
    )


@shape(P, "optics", "easy")
def _convex_lens_image(r: R) -> Problem:
    f, u = r.choice([(10, 15), (20, 30), (15, 60), (10, 40), (25, 50)])
    v = u * f / (u - f)
    return Problem(
        f"A candle is placed {u} cm from a convex lens of focal length {f} cm. At what distance behind the lens should a "
        "screen be placed to get a sharp image?",
        f"Lens formula $\\frac{{1}}{{v}} - \\frac{{1}}{{u}} = \\frac{{1}}{{f}}$ with $u = -{u}$: $\\frac{{1}}{{v}} = "
        f"\\frac{{1}}{{{f}}} - "
        f"\\frac{{1}}{{{u}}}$, $v = {fmt(v)}$ cm.",
        v, "cm", wrong=(u * f / (u + f), float(u - f), float(u + f)),
    )


@shape(P, "optics")
def _image_height_lens(r: R) -> Problem:
    f, u, h = r.choice([(10, 30, 6), (20, 30, 2), (15, 20, 3), (12, 36, 4)])
    vimg = u * f / (u - f)
    v = h * vimg / u
    return Problem(
        f"{a_(h).capitalize()} {h} cm tall arrow stands upright {u} cm in front of a converging lens of focal length {f} cm. How "
        "tall is "
        "its image?",
        f"$v = \\frac{{uf}}{{u - f}} = {fmt(vimg)}$ cm; magnification $m = v/u = {fmt(vimg / u)}$; image height "
        f"$= {h} \\times {fmt(vimg / u)} = {fmt(v)}$ cm (inverted).",
        v, "cm", wrong=(h * u / vimg, float(h), h * f / u),
    )


@shape(P, "optics")
def _lens_maker(r: R) -> Problem:
    rad, mu = r.choice([10, 20, 30, 40]), r.choice([1.5, 1.6, 1.25])
    v = 1 / ((mu - 1) * 2 / rad)
    return Problem(
        f"A symmetric biconvex lens is ground from glass of refractive index {fmt(mu)}, with both faces of radius of "
        f"curvature {rad} cm. What is its focal length in air?",
        f"$\\frac{{1}}{{f}} = (\\mu - 1)\\left(\\frac{{1}}{{R_1}} - \\frac{{1}}{{R_2}}\\right) = {fmt(mu - 1)} \\cdot "
        f"\\frac{{2}}{{{rad}}}$, "
        f"$f = {fmt(v)}$ cm.",
        v, "cm", wrong=(rad / (mu - 1), float(rad), rad / 2),
    )


@shape(P, "optics", "easy")
def _lens_combination_power(r: R) -> Problem:
    f1, f2 = r.choice([(25, -50), (20, 40), (50, -20), (10, -25), (40, 40)])
    v = 100 / f1 + 100 / f2
    return Problem(
        f"A lens of focal length {'+' if f1 > 0 else ''}{f1} cm is placed in contact with one of focal length "
        f"{'+' if f2 > 0 else ''}{f2} cm. What is the power of the combination?",
        f"$P = \\frac{{100}}{{f_1}} + \\frac{{100}}{{f_2}} = {fmt(100 / f1)} + ({fmt(100 / f2)}) = {fmt(v)}$ D.",
        v, "D", wrong=(1 / f1 + 1 / f2, 100 / (f1 + f2), 100 / f1 - 100 / f2),
    )


@shape(P, "optics", "easy")
def _apparent_depth(r: R) -> Problem:
    depth, mu, liquid = r.choice([(120, 4 / 3, "water"), (60, 4 / 3, "water"), (30, 1.5, "glass"), (90, 1.5, "oil")])
    v = depth / mu
    return Problem(
        f"A coin lies at the bottom of a tank filled with {liquid} to a depth of {depth} cm "
        f"(refractive index {'4/3' if mu == 4 / 3 else fmt(mu)}). Looking straight down, how deep does the coin appear?",
        f"Apparent depth $= \\frac{{\\text{{real depth}}}}{{\\mu}} = {depth}/{'(4/3)' if mu == 4 / 3 else fmt(mu)} = {fmt(v)}$ "
        "cm.",
        v, "cm", wrong=(depth * mu, depth - v, depth / 2),
    )


@shape(P, "optics")
def _critical_angle(r: R) -> Problem:
    mu, th = r.choice([(math.sqrt(2), 45), (2.0, 30), (2 / math.sqrt(3), 60)])
    mu_txt = {45: "√2", 30: "2", 60: "2/√3"}[th]
    return Problem(
        f"Light travels inside a transparent block of refractive index {mu_txt} towards its boundary with air. "
        "Above what angle of incidence is it totally internally reflected?",
        f"$\\sin C = 1/\\mu = {fmt(1 / mu)}$, so $C = {th}°$.",
        th, "degrees", wrong=tuple(float(x) for x in (30, 45, 60, 90) if x != th),
    )


@shape(P, "optics", "hard")
def _prism_minimum_deviation(r: R) -> Problem:
    a, d = r.choice([(60, 30), (60, 60)])
    v = sind((a + d) / 2) / sind(a / 2)
    return Problem(
        f"An equilateral glass prism (angle 60°) produces a minimum deviation of {d}°. What is the refractive index of "
        "the glass?",
        "$\\mu = \\frac{\\sin\\frac{A + \\delta_m}{2}}{\\sin\\frac{A}{2}} = \\frac{\\sin "
        f"{fmt((a + d) / 2)}°}}{{\\sin 30°}} = "
        f"{as_surd(v).strip('$')}$.",
        v, wrong=(1.5, math.sqrt(2) if not math.isclose(v, math.sqrt(2)) else math.sqrt(3) / 2 + 1, 2.0), show=as_surd,
    )


@shape(P, "optics")
def _ydse_fringe_width(r: R) -> Problem:
    lam, d_mm, dist = r.choice([500, 600, 589, 450]), r.choice([0.5, 1, 2]), r.choice([1, 1.5, 2])
    v = lam * 1e-9 * dist / (d_mm * 1e-3) * 1000
    return Problem(
        f"In Young's double-slit experiment the slits are {fmt(d_mm)} mm apart and the screen is {fmt(dist)} m away. "
        f"Light of wavelength {lam} nm is used. What is the fringe width?",
        f"$\\beta = \\frac{{\\lambda D}}{{d}} = \\frac{{{lam} \\times 10^{{-9}} \\cdot {fmt(dist)}}}{{{fmt(d_mm)} \\times "
        f"10^{{-3}}}} = {fmt(v)}$ mm.",
        v, "mm", wrong=(v * 2, v / 2, v * 10),
    )


@shape(P, "optics")
def _single_slit_angular_width(r: R) -> Problem:
    lam, a_mm = r.choice([500, 600, 400]), r.choice([0.1, 0.2, 0.5])
    v = 2 * lam * 1e-9 / (a_mm * 1e-3) * 1000
    return Problem(
        f"Monochromatic light of wavelength {lam} nm passes through a narrow slit {fmt(a_mm)} mm wide. What is the angular "
        "width of the central diffraction maximum, in milliradians?",
        f"The first minima lie at $\\sin\\theta \\approx \\theta = \\pm\\lambda/a$, so the angular width is "
        f"$\\frac{{2\\lambda}}{{a}} = {fmt(v / 1000)}$ rad $= {fmt(v)}$ mrad.",
        v, "mrad", wrong=(v / 2, v * 2, v / 4),
    )


@shape(P, "optics", "easy")
def _brewster_angle(r: R) -> Problem:
    ip, v, note = r.choice([(60, math.sqrt(3), ""), (53, 4 / 3, " (tan 53° = 4/3)"), (45, 1.0, "")][:2])
    return Problem(
        f"Light reflected from the surface of a transparent liquid is found to be completely plane-polarised when the "
        f"angle of incidence is {ip}°{note}. What is the refractive index of the liquid?",
        f"Brewster's law: $\\mu = \\tan i_p = \\tan {ip}° = {as_surd(v).strip('$')}$.",
        v, wrong=(sind(ip), 1 / v, cosd(ip) * 2), show=lambda x: as_surd(x) if abs(x * x - round(x * x)) < 1e-9 else as_frac(x),
    )


@shape(P, "optics")
def _telescope_normal_adjustment(r: R) -> Problem:
    fo, fe = r.choice([(100, 5), (150, 5), (120, 4), (200, 10), (90, 3)])
    tube = r.random() < 0.5
    v = float(fo + fe) if tube else fo / fe
    return Problem(
        f"An astronomical telescope has an objective of focal length {fo} cm and an eyepiece of focal length {fe} cm. "
        + ("How long is the tube in normal adjustment?" if tube else "What is its magnifying power in normal adjustment?"),
        (f"In normal adjustment the foci coincide: $L = f_o + f_e = {fo} + {fe} = {fo + fe}$ cm." if tube else
         f"$M = f_o/f_e = {fo}/{fe} = {fmt(v)}$."),
        v, "cm" if tube else None,
        wrong=(float(fo - fe), fo / fe + fe, float(fo)) if tube else (fe / fo * 100, fo / fe + 1, float(fo * fe)),
    )


@shape(P, "optics", "easy")
def _malus_law(r: R) -> Problem:
    i0, th = r.choice([40, 64, 80, 100]), r.choice([30, 45, 60])
    v = i0 * cosd(th) ** 2
    return Problem(
        f"Plane-polarised light of intensity {i0} W/m² passes through a polaroid whose axis is at {th}° to the plane of "
        "polarisation. What intensity emerges?",
        f"Malus' law: $I = I_0\\cos^2\\theta = {i0}\\cos^2 {th}° = {fmt(v)}$ W/m².",
        v, "W/m²", wrong=(i0 * cosd(th), i0 / 2 if i0 / 2 != v else i0 / 4, i0 * sind(th) ** 2 or 1),
    )


@shape(P, "optics")
def _glass_slab_shift(r: R) -> Problem:
    t, mu = r.choice([3, 6, 9, 4.5]), r.choice([1.5, 1.5])
    v = t * (1 - 1 / mu)
    return Problem(
        f"A glass slab {fmt(t)} cm thick (refractive index {fmt(mu)}) is placed over a printed letter. By how much does "
        "the letter appear to be raised?",
        f"Normal shift $= t\\left(1 - \\frac{{1}}{{\\mu}}\\right) = {fmt(t)}\\left(1 - \\frac{{1}}{{{fmt(mu)}}}\\right) = "
        f"{fmt(v)}$ cm.",
        v, "cm", wrong=(t / mu, t * (mu - 1), t * mu),
    )


@shape(P, "optics", "easy")
def _myopia_lens(r: R) -> Problem:
    far = r.choice([50, 80, 100, 200, 40])
    v = -100 / far
    return Problem(
        f"A short-sighted student cannot see clearly beyond {far} cm. What is the power of the spectacle lens that "
        "lets her see distant objects?",
        f"The lens must image infinity at her far point: $f = -{far}$ cm, so $P = \\frac{{100}}{{f}} = {fmt(v)}$ D (concave).",
        v, "D", wrong=(-v, -1 / far, -200 / far),
    )


@shape(P, "optics")
def _light_in_medium(r: R) -> Problem:
    lam, mu = r.choice([600, 589, 450, 720]), r.choice([1.5, 4 / 3, 1.6])
    v = lam / mu
    return Problem(
        f"Yellow-orange light of wavelength {lam} nm in air enters a medium of refractive index "
        f"{'4/3' if mu == 4 / 3 else fmt(mu)}. What is its wavelength inside the medium?",
        f"The frequency is unchanged, so $\\lambda' = \\lambda/\\mu = {fmt(v)}$ nm.",
        v, "nm", wrong=(lam * mu, float(lam), lam / mu**2),
    )


@shape(P, "modern", "easy")
def _photoelectric_kmax(r: R) -> Problem:
    lam, phi = r.choice([(248, 2.0), (310, 2.3), (200, 4.2), (413, 2.0), (124, 6.0)])
    e = 1240 / lam
    v = e - phi
    return Problem(
        f"Ultraviolet light of wavelength {lam} nm falls on a metal whose work function is {fmt(phi)} eV. What is the "
        "maximum kinetic energy of the emitted photoelectrons? (hc = 1240 eV nm)",
        f"Photon energy $= 1240/{lam} = {fmt(e)}$ eV; $K_{{max}} = {fmt(e)} - {fmt(phi)} = {fmt(v)}$ eV.",
        v, "eV", wrong=(e, e + phi, phi),
    )


@shape(P, "modern", "easy")
def _stopping_potential(r: R) -> Problem:
    e, phi = r.choice([(5, 2.3), (6.2, 4.2), (4, 2), (3.5, 1.9)])
    v = e - phi
    return Problem(
        f"Photons of energy {fmt(e)} eV eject electrons from a surface with work function {fmt(phi)} eV. What stopping "
        "potential is needed to halt the fastest of them?",
        f"$eV_0 = h\\nu - \\phi = {fmt(e)} - {fmt(phi)} = {fmt(v)}$ eV, so $V_0 = {fmt(v)}$ V.",
        v, "V", wrong=(float(e), e + phi, float(phi)),
    )


@shape(P, "modern")
def _electron_de_broglie(r: R) -> Problem:
    volts = r.choice([100, 150, 400, 10000, 54])
    v = 1.227 / math.sqrt(volts)
    return Problem(
        f"Electrons are accelerated from rest through {volts} V in an electron-diffraction tube. What is their de "
        "Broglie wavelength?",
        f"$\\lambda = \\frac{{h}}{{\\sqrt{{2meV}}}} = \\frac{{1.227}}{{\\sqrt{{V}}}}$ nm $= \\frac{{1.227}}{{\\sqrt{{{volts}}}}} "
        f"= {fmt(v)}$ nm.",
        v, "nm", wrong=(1.227 / volts, v * 2, 12.27 / math.sqrt(volts)),
    )


@shape(P, "modern", "easy")
def _hydrogen_transition(r: R) -> Problem:
    n1, n2 = r.choice([(2, 1), (3, 2), (3, 1), (4, 2), (4, 1)])
    v = 13.6 * (1 / n2**2 - 1 / n1**2)
    return Problem(
        f"A hydrogen atom makes a transition from the n = {n1} level to the n = {n2} level. What is the energy of the "
        "emitted photon?",
        f"$E = 13.6\\left(\\frac{{1}}{{{n2}^2}} - \\frac{{1}}{{{n1}^2}}\\right) = {fmt(v)}$ eV.",
        v, "eV", wrong=(13.6 / n1**2, 13.6 / n2**2, 13.6 * (1 / n2 - 1 / n1)),
    )


@shape(P, "modern", "easy")
def _bohr_radius(r: R) -> Problem:
    n, z, ion = r.choice([(2, 1, "a hydrogen atom"), (3, 1, "a hydrogen atom"), (2, 2, "a He⁺ ion"), (3, 3, "a Li²⁺ ion")])
    v = 0.529 * n * n / z
    return Problem(
        f"What is the radius of the n = {n} Bohr orbit of the electron in {ion}?",
        f"$r_n = 0.529\\frac{{n^2}}{{Z}}$ Å $= 0.529 \\times \\frac{{{n * n}}}{{{z}}} = {fmt(v)}$ Å.",
        v, "Å", wrong=(0.529 * n / z, 0.529 * n * n, 0.529 * z / n**2),
    )


@shape(P, "modern", "easy")
def _radioactive_remaining(r: R) -> Problem:
    (t_half, t), n0 = r.choice([(5, 15), (2, 8), (10, 30), (3, 12), (6, 24)]), r.choice([800, 1600, 640])
    v = n0 / 2 ** (t / t_half)
    return Problem(
        f"A radioactive isotope has a half-life of {t_half} days. Of {n0} mg in a hospital's sample, how much is left "
        f"after {t} days?",
        f"${t}/{t_half} = {fmt(t / t_half)}$ half-lives: $N = {n0}/2^{{{fmt(t / t_half)}}} = {fmt(v)}$ mg.",
        v, "mg", wrong=(n0 * (1 - t / t_half / 4), n0 / (t / t_half), n0 / 2 ** (t / t_half - 1)),
    )


@shape(P, "modern")
def _binding_energy(r: R) -> Problem:
    name, dm = r.choice([("deuterium", 0.00239), ("helium-4", 0.0304), ("lithium-7", 0.0421)])
    v = dm * 931.5
    return Problem(
        f"The mass defect of a {name} nucleus is {fmt(dm)} u. What is its binding energy? (1 u ≡ 931.5 MeV)",
        f"$E_B = \\Delta m \\times 931.5 = {fmt(dm)} \\times 931.5 = {fmt(v)}$ MeV.",
        v, "MeV", wrong=(v / 2, v * 10, v / 4),
    )


@shape(P, "modern", "easy")
def _spectral_lines(r: R) -> Problem:
    n = r.randint(3, 7)
    v = n * (n - 1) // 2
    return Problem(
        f"Hydrogen atoms are excited to the n = {n} level. How many different spectral lines can they emit while "
        "returning to the ground state?",
        f"Any pair of the {n} levels gives a line: $\\frac{{n(n-1)}}{{2}} = {v}$.",
        v, wrong=(n - 1, n * (n + 1) // 2, n),
    )


@shape(P, "modern")
def _mean_life(r: R) -> Problem:
    t_half = r.choice([693, 1386, 69.3, 3465])
    v = t_half / 0.693
    return Problem(
        f"A radioactive nuclide has a half-life of {fmt(t_half)} s. What is its mean life?",
        f"$\\lambda = 0.693/T_{{1/2}}$ and $\\tau = 1/\\lambda = T_{{1/2}}/0.693 = {fmt(v)}$ s.",
        v, "s", wrong=(t_half * 0.693, t_half / 2, t_half * 2),
    )


@shape(P, "modern")
def _photons_per_second(r: R) -> Problem:
    p, lam = r.choice([1, 10, 100]), r.choice([500, 620, 663])
    v = p * lam * 1e-9 / (6.63e-34 * 3e8)
    return Problem(
        f"{a_(p).capitalize()} {p} W laser emits light of wavelength {lam} nm. How many photons does it emit each second? "
        "(h = 6.63 × 10⁻³⁴ J s, c = 3 × 10⁸ m/s)",
        f"Photon energy $hc/\\lambda = {fmt(6.63e-34 * 3e8 / (lam * 1e-9))}$ J; $N = P/E = {fmt(v)}$ per second.",
        v, wrong=(v * 10, v / 10, v * 2),
    )


@shape(P, "modern")
def _xray_cutoff(r: R) -> Problem:
    kv = r.choice([10, 20, 31, 40, 62])
    v = 1240 / (kv * 1000) * 10
    return Problem(
        f"An X-ray tube operates at {kv} kV. What is the shortest wavelength in the X-rays it produces? (hc = 1240 eV nm)",
        "All of an electron's energy goes into one photon: $\\lambda_{min} = \\frac{hc}{eV} = "
        f"\\frac{{1240}}{{{kv * 1000}}}$ nm "
        f"$= {fmt(v)}$ Å.",
        v, "Å", wrong=(v * 10, v / 2, v * 2),
    )


@shape(P, "modern", "easy")
def _transistor_gain(r: R) -> Problem:
    ib, ic = r.choice([(20, 2), (50, 5), (40, 6), (25, 4)])
    v = ic * 1000 / ib
    return Problem(
        f"In a common-emitter amplifier a base current of {ib} μA gives a collector current of {ic} mA. What is the "
        "current gain β?",
        f"$\\beta = I_C/I_B = \\frac{{{ic} \\times 10^{{-3}}}}{{{ib} \\times 10^{{-6}}}} = {fmt(v)}$.",
        v, wrong=(ic / ib, v / 10, v + 1),
    )


@shape(P, "modern")
def _lyman_balmer_ratio(r: R) -> Problem:
    return Problem(
        "What is the ratio of the wavelength of the first line of the Lyman series to that of the first line of the "
        "Balmer series in hydrogen?",
        "$\\frac{1}{\\lambda_L} \\propto 1 - \\frac14 = \\frac34$ and $\\frac{1}{\\lambda_B} \\propto \\frac14 - \\frac19 = "
        "\\frac{5}{36}$, "
        "so $\\frac{\\lambda_L}{\\lambda_B} = \\frac{5/36}{3/4} = \\frac{5}{27}$.",
        5 / 27, wrong=(27 / 5, 3 / 4, 5 / 36), show=as_frac,
    )


facts_from_data(P)  # the conceptual questions: data/physics_facts.json
