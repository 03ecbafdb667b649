# A ball thrown at 20 m/s, 35 degrees above the ground: flight time, range and peak height.
import math

g = 9.81
speed = 20.0
angle = math.radians(35)
vx = speed * math.cos(angle)
vy = speed * math.sin(angle)
flight = 2 * vy / g
print(f"flight time: {flight:.3f} s")
print(f"range: {vx * flight:.2f} m")
print(f"peak height: {vy ** 2 / (2 * g):.2f} m")
for tenth in range(0, 11, 2):
    t = flight * tenth / 10
    print(f"t={t:.2f}s x={vx * t:6.2f} y={vy * t - g * t * t / 2:6.2f}")
