;; Numbers: checked int arithmetic, int/float conversions and comparisons, range stepping, num boxes.
;; Hand-written: these routines need raw memory access, wrapping i64 arithmetic or multi-step overflow
;; checks, which the rt subset cannot express (its own `+` is the checked one); what the subset can say is
;; in the .py files beside this one. `(string.const "...")` stands for the address of an interned string
;; object in page 0. runtime/__init__.py orders these routines in the library.

;; ---- checked int arithmetic (Python ints are unbounded; ours trap instead of wrapping) ----

(func $int_add (param $a i64) (param $b i64) (result i64) (local $r i64)
  (local.set $r (i64.add (local.get $a) (local.get $b)))
  (if (i64.lt_s (i64.and (i64.xor (local.get $a) (local.get $r)) (i64.xor (local.get $b) (local.get $r))) (i64.const 0))
    (then (call $raise_overflow)))
  (local.get $r))

(func $int_sub (param $a i64) (param $b i64) (result i64) (local $r i64)
  (local.set $r (i64.sub (local.get $a) (local.get $b)))
  (if (i64.lt_s (i64.and (i64.xor (local.get $a) (local.get $b)) (i64.xor (local.get $a) (local.get $r))) (i64.const 0))
    (then (call $raise_overflow)))
  (local.get $r))

(func $int_neg (param $a i64) (result i64)
  (if (i64.eq (local.get $a) (i64.const -9223372036854775808)) (then (call $raise_overflow)))
  (i64.sub (i64.const 0) (local.get $a)))

(func $int_abs (param $a i64) (result i64)
  (if (result i64) (i64.lt_s (local.get $a) (i64.const 0))
    (then (call $int_neg (local.get $a)))
    (else (local.get $a))))

(func $int_mul (param $a i64) (param $b i64) (result i64) (local $r i64)
  (if (i64.eqz (local.get $a)) (then (return (i64.const 0))))
  (if (i64.eq (local.get $a) (i64.const -1)) (then (return (call $int_neg (local.get $b)))))
  (local.set $r (i64.mul (local.get $a) (local.get $b)))
  (if (i64.ne (i64.div_s (local.get $r) (local.get $a)) (local.get $b)) (then (call $raise_overflow)))
  (local.get $r))

(func $int_floordiv (param $a i64) (param $b i64) (result i64) (local $q i64)
  (if (i64.eqz (local.get $b))
    (then (call $raise (string.const "ZeroDivisionError") (string.const "integer division or modulo by zero"))))
  (if (i32.and (i64.eq (local.get $a) (i64.const -9223372036854775808)) (i64.eq (local.get $b) (i64.const -1)))
    (then (call $raise_overflow)))
  (local.set $q (i64.div_s (local.get $a) (local.get $b)))
  (if (i32.and (i64.ne (i64.rem_s (local.get $a) (local.get $b)) (i64.const 0))
               (i64.lt_s (i64.xor (local.get $a) (local.get $b)) (i64.const 0)))
    (then (local.set $q (i64.sub (local.get $q) (i64.const 1)))))
  (local.get $q))

(func $int_mod (param $a i64) (param $b i64) (result i64) (local $r i64)
  (if (i64.eqz (local.get $b))
    (then (call $raise (string.const "ZeroDivisionError") (string.const "integer modulo by zero"))))
  (local.set $r (i64.rem_s (local.get $a) (local.get $b)))
  (if (i32.and (i64.ne (local.get $r) (i64.const 0)) (i64.lt_s (i64.xor (local.get $r) (local.get $b)) (i64.const 0)))
    (then (local.set $r (i64.add (local.get $r) (local.get $b)))))
  (local.get $r))

;; base ** exp by squaring; a squaring that overflows implies the result overflows too.
(func $int_pow (param $base i64) (param $exp i64) (result i64) (local $r i64)
  (if (i64.lt_s (local.get $exp) (i64.const 0))
    (then (call $raise (string.const "ValueError")
      (string.const "int ** negative int gives a float in Python; write a float base to get one"))))
  (local.set $r (i64.const 1))
  (block $done
    (loop $next
      (br_if $done (i64.eqz (local.get $exp)))
      (if (i32.wrap_i64 (i64.and (local.get $exp) (i64.const 1)))
        (then (local.set $r (call $int_mul (local.get $r) (local.get $base)))))
      (local.set $exp (i64.shr_s (local.get $exp) (i64.const 1)))
      (if (i64.ne (local.get $exp) (i64.const 0))
        (then (local.set $base (call $int_mul (local.get $base) (local.get $base)))))
      (br $next)))
  (local.get $r))

;; int / int, correctly rounded like CPython. Operands up to 2**53 convert exactly, so one f64.div
;; does it; larger ones use long division to 55+ quotient bits plus a sticky bit, then one rounding.
(func $int_truediv (param $a i64) (param $b i64) (result f64)
  (local $ua i64) (local $ub i64) (local $q i64) (local $r i64) (local $e i64) (local $x f64)
  (if (i64.eqz (local.get $b))
    (then (call $raise (string.const "ZeroDivisionError") (string.const "division by zero"))))
  (if (i32.and (i64.le_u (i64.add (local.get $a) (i64.const 9007199254740992)) (i64.const 18014398509481984))
               (i64.le_u (i64.add (local.get $b) (i64.const 9007199254740992)) (i64.const 18014398509481984)))
    (then (return (f64.div (f64.convert_i64_s (local.get $a)) (f64.convert_i64_s (local.get $b))))))
  (if (i64.eqz (local.get $a)) (then (return (f64.div (f64.const 0) (f64.convert_i64_s (local.get $b))))))
  ;; magnitudes as unsigned (|-2**63| = 2**63 fits)
  (local.set $ua (select (i64.sub (i64.const 0) (local.get $a)) (local.get $a) (i64.lt_s (local.get $a) (i64.const 0))))
  (local.set $ub (select (i64.sub (i64.const 0) (local.get $b)) (local.get $b) (i64.lt_s (local.get $b) (i64.const 0))))
  (local.set $q (i64.div_u (local.get $ua) (local.get $ub)))
  (local.set $r (i64.rem_u (local.get $ua) (local.get $ub)))
  (block $done
    (loop $more
      (br_if $done (i64.ge_u (local.get $q) (i64.const 18014398509481984)))
      ;; next quotient bit: r < ub <= 2**63, so 2r fits in 64 unsigned bits
      (local.set $r (i64.shl (local.get $r) (i64.const 1)))
      (local.set $q (i64.shl (local.get $q) (i64.const 1)))
      (if (i64.ge_u (local.get $r) (local.get $ub))
        (then
          (local.set $r (i64.sub (local.get $r) (local.get $ub)))
          (local.set $q (i64.or (local.get $q) (i64.const 1)))))
      (local.set $e (i64.sub (local.get $e) (i64.const 1)))
      (br $more)))
  ;; the sticky bit sits at least two bits below the rounding position, so one conversion rounds right
  (if (i64.ne (local.get $r) (i64.const 0)) (then (local.set $q (i64.or (local.get $q) (i64.const 1)))))
  (local.set $x (f64.mul (f64.convert_i64_u (local.get $q))
    (f64.reinterpret_i64 (i64.shl (i64.add (local.get $e) (i64.const 1023)) (i64.const 52)))))
  (if (result f64) (i64.lt_s (i64.xor (local.get $a) (local.get $b)) (i64.const 0))
    (then (f64.neg (local.get $x)))
    (else (local.get $x))))

(func $float_div (param $a f64) (param $b f64) (result f64)
  (if (f64.eq (local.get $b) (f64.const 0))
    (then (call $raise (string.const "ZeroDivisionError") (string.const "float division by zero"))))
  (f64.div (local.get $a) (local.get $b)))

;; Exact comparison of an int with a float (Python compares the values, not float(a) with b):
;; -1 if a < b, 0 if equal, 1 if a > b, 2 if b is NaN.
(func $cmp_int_float (param $a i64) (param $b f64) (result i32) (local $t i64) (local $fa f64)
  (if (f64.ne (local.get $b) (local.get $b)) (then (return (i32.const 2))))
  (if (i64.le_u (i64.add (local.get $a) (i64.const 9007199254740992)) (i64.const 18014398509481984))
    (then
      (local.set $fa (f64.convert_i64_s (local.get $a)))
      (return (i32.sub (f64.gt (local.get $fa) (local.get $b)) (f64.lt (local.get $fa) (local.get $b))))))
  (if (f64.ge (local.get $b) (f64.const 9223372036854775808)) (then (return (i32.const -1))))
  (if (f64.lt (local.get $b) (f64.const -9223372036854775808)) (then (return (i32.const 1))))
  (local.set $t (i64.trunc_f64_s (local.get $b)))
  (if (i64.lt_s (local.get $a) (local.get $t)) (then (return (i32.const -1))))
  (if (i64.gt_s (local.get $a) (local.get $t)) (then (return (i32.const 1))))
  (i32.sub (f64.lt (local.get $b) (f64.trunc (local.get $b))) (f64.gt (local.get $b) (f64.trunc (local.get $b)))))

;; int(x) for a float: truncation toward zero, with CPython's errors.
(func $float_to_int (param $x f64) (result i64)
  (if (f64.ne (local.get $x) (local.get $x))
    (then (call $raise (string.const "ValueError") (string.const "cannot convert float NaN to integer"))))
  (if (f64.eq (f64.abs (local.get $x)) (f64.const inf))
    (then (call $raise (string.const "OverflowError") (string.const "cannot convert float infinity to integer"))))
  (if (i32.or (f64.ge (local.get $x) (f64.const 9223372036854775808)) (f64.lt (local.get $x) (f64.const -9223372036854775808)))
    (then (call $raise_overflow)))
  (i64.trunc_f64_s (local.get $x)))

;; round(x) for a float: round half to even, like CPython.
(func $round_float_to_int (param $x f64) (result i64)
  (call $float_to_int (f64.nearest (local.get $x))))

;; ---- range loops with a step other than +1/-1: stop without ever overflowing ----

(func $range_check_step (param $step i64) (result i64)
  (if (i64.eqz (local.get $step))
    (then (call $raise (string.const "ValueError") (string.const "range() arg 3 must not be zero"))))
  (local.get $step))

;; 1 while `next` is still inside range(.., stop, step).
(func $range_more (param $next i64) (param $stop i64) (param $step i64) (result i32)
  (if (result i32) (i64.gt_s (local.get $step) (i64.const 0))
    (then (i64.lt_s (local.get $next) (local.get $stop)))
    (else (i64.gt_s (local.get $next) (local.get $stop)))))

;; The value after `next`, or `stop` when the step would pass it (so it never wraps around).
(func $range_next (param $next i64) (param $stop i64) (param $step i64) (result i64)
  (if (result i64) (i64.gt_s (local.get $step) (i64.const 0))
    (then (if (result i64) (i64.le_u (i64.sub (local.get $stop) (local.get $next)) (local.get $step))
      (then (local.get $stop)) (else (i64.add (local.get $next) (local.get $step)))))
    (else (if (result i64) (i64.le_u (i64.sub (local.get $next) (local.get $stop)) (i64.sub (i64.const 0) (local.get $step)))
      (then (local.get $stop)) (else (i64.add (local.get $next) (local.get $step)))))))

;; ---- num: a boxed number whose int/float-ness is known only at run time: [tag:i32][pad][value:8] ----

(func $box_int (param $x i64) (result i32) (local $p i32)
  (local.set $p (call $alloc (i32.const 16)))
  (i64.store offset=8 (local.get $p) (local.get $x))
  (local.get $p))

(func $box_float (param $x f64) (result i32) (local $p i32)
  (local.set $p (call $alloc (i32.const 16)))
  (i32.store (local.get $p) (i32.const 1))
  (f64.store offset=8 (local.get $p) (local.get $x))
  (local.get $p))

;; a << n and a >> n with Python semantics (checked: the result must fit in 64 bits).
(func $int_shl (param $a i64) (param $n i64) (result i64) (local $r i64)
  (if (i64.lt_s (local.get $n) (i64.const 0)) (then (call $raise (string.const "ValueError") (string.const "negative shift count"))))
  (if (i64.eqz (local.get $a)) (then (return (i64.const 0))))
  (if (i64.ge_s (local.get $n) (i64.const 64)) (then (call $raise_overflow)))
  (local.set $r (i64.shl (local.get $a) (local.get $n)))
  (if (i64.ne (i64.shr_s (local.get $r) (local.get $n)) (local.get $a)) (then (call $raise_overflow)))
  (local.get $r))

(func $int_shr (param $a i64) (param $n i64) (result i64)
  (if (i64.lt_s (local.get $n) (i64.const 0)) (then (call $raise (string.const "ValueError") (string.const "negative shift count"))))
  (if (i64.ge_s (local.get $n) (i64.const 64)) (then (local.set $n (i64.const 63))))
  (i64.shr_s (local.get $a) (local.get $n)))
