"""Fallbacks for rtlib functions the converter needs before rtlib provides them.

A function here is used only while rtlib/ has no function of the same name; rtlib's version wins.
"""

from worldmodel.wat.compiler.intrinsics import str_new, str_set_byte


def int_to_str(x: int) -> str:
    # digits from the lowest; negative values are handled digit by digit so -2**63 works
    if x == 0:
        return "0"
    digits: list[int] = []
    neg = x < 0
    while x != 0:
        if neg:
            d = -(x % -10)  # stay negative: -x overflows for -2**63
            x = (x + d) // 10
        else:
            d = x % 10
            x = x // 10
        digits.append(d)
    n = len(digits)
    start = 0
    if neg:
        start = 1
    s = str_new(n + start)
    if neg:
        str_set_byte(s, 0, 45)
    for k in range(n):
        str_set_byte(s, start + k, 48 + digits[n - 1 - k])
    return s
