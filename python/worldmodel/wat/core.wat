;; Hand-written core of the runtime library.
;; These routines need raw memory access, wrapping i64 arithmetic or multi-step overflow checks,
;; which the rt subset deliberately cannot express (its own `+` is the checked one). Everything
;; that can be written in the subset lives in corelib/*.py instead.
;; `(string.const "...")` is replaced by the address of an interned string object in page 0.

(global $heap (mut i32) (i32.const 131072))

;; Bump allocator (8-byte aligned); grows memory on demand. Nothing is freed: modules are short-lived.
(func $alloc (param $n i32) (result i32)
  (local $p i32) (local $end i32) (local $pages i32)
  (local.set $p (global.get $heap))
  (local.set $end (i32.and (i32.add (i32.add (local.get $p) (local.get $n)) (i32.const 7)) (i32.const -8)))
  (if (i32.lt_u (local.get $end) (local.get $p)) (then (call $raise_memory_error)))
  (local.set $pages
    (i32.sub (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.const 1)) (i32.const 16)) (i32.const 1)) (memory.size)))
  (if (i32.gt_s (local.get $pages) (i32.const 0))
    (then (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then (call $raise_memory_error)))))
  (global.set $heap (local.get $end))
  (local.get $p))

;; Mark / release: a routine whose allocations are all dead when it returns (print_f64 formats a
;; float, writes it and drops the text) gives them back. The released bytes are zeroed, so the heap
;; is exactly as if they had never been allocated (addresses are 8-byte aligned).
(func $heap_mark (result i64)
  (i64.extend_i32_u (global.get $heap)))

(func $heap_release (param $mark i64) (local $p i32)
  (local.set $p (i32.wrap_i64 (local.get $mark)))
  (block $done
    (loop $zero
      (br_if $done (i32.ge_u (local.get $p) (global.get $heap)))
      (i64.store (local.get $p) (i64.const 0))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $zero)))
  (global.set $heap (i32.wrap_i64 (local.get $mark))))

;; Write a string object to a file descriptor (1 = stdout, 2 = stderr).
(func $fd_write (param $fd i32) (param $s i32)
  (call $env_write (local.get $fd) (i32.add (local.get $s) (i32.const 4)) (i32.load (local.get $s))))

;; Raise a Python error: "Name: message\n" on fd 2, then trap (docs/protocol.md section 3).
(func $raise (param $name i32) (param $msg i32)
  (call $fd_write (i32.const 2) (local.get $name))
  (call $fd_write (i32.const 2) (string.const ": "))
  (call $fd_write (i32.const 2) (local.get $msg))
  (call $fd_write (i32.const 2) (string.const "\n"))
  (unreachable))

(func $raise_memory_error
  (call $raise (string.const "MemoryError") (string.const "out of memory")))

(func $raise_overflow
  (call $raise (string.const "OverflowError") (string.const "integer result does not fit in 64 bits")))

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

;; ---- lists: [len:i32][cap:i32][items:i32], items are 8-byte slots ----

(func $list_new (param $cap i32) (result i32) (local $l i32)
  (if (i32.gt_u (local.get $cap) (i32.const 134217728)) (then (call $raise_memory_error)))
  (local.set $l (call $alloc (i32.const 12)))
  (i32.store offset=4 (local.get $l) (local.get $cap))
  (i32.store offset=8 (local.get $l) (call $alloc (i32.shl (local.get $cap) (i32.const 3))))
  (local.get $l))

(func $list_len (param $l i32) (result i64)
  (i64.extend_i32_u (i32.load (local.get $l))))

;; Address of item i (negative i counts from the end), or IndexError with the given message.
(func $list_slot (param $l i32) (param $i i64) (param $msg i32) (result i32) (local $n i64)
  (local.set $n (i64.extend_i32_u (i32.load (local.get $l))))
  (if (i64.lt_s (local.get $i) (i64.const 0)) (then (local.set $i (i64.add (local.get $i) (local.get $n)))))
  (if (i64.ge_u (local.get $i) (local.get $n)) (then (call $raise (string.const "IndexError") (local.get $msg))))
  (i32.add (i32.load offset=8 (local.get $l)) (i32.shl (i32.wrap_i64 (local.get $i)) (i32.const 3))))

(func $list_at (param $l i32) (param $i i64) (result i32)
  (call $list_slot (local.get $l) (local.get $i) (string.const "list index out of range")))

(func $list_set_at (param $l i32) (param $i i64) (result i32)
  (call $list_slot (local.get $l) (local.get $i) (string.const "list assignment index out of range")))

;; Append an empty slot and return its address (the caller stores the item).
(func $list_push (param $l i32) (result i32) (local $n i32) (local $cap i32) (local $items i32)
  (local.set $n (i32.load (local.get $l)))
  (local.set $cap (i32.load offset=4 (local.get $l)))
  (if (i32.ge_u (local.get $n) (local.get $cap))
    (then
      (local.set $cap (i32.add (i32.shl (local.get $cap) (i32.const 1)) (i32.const 4)))
      (if (i32.gt_u (local.get $cap) (i32.const 134217728)) (then (call $raise_memory_error)))
      (local.set $items (call $alloc (i32.shl (local.get $cap) (i32.const 3))))
      (memory.copy (local.get $items) (i32.load offset=8 (local.get $l)) (i32.shl (local.get $n) (i32.const 3)))
      (i32.store offset=4 (local.get $l) (local.get $cap))
      (i32.store offset=8 (local.get $l) (local.get $items))))
  (i32.store (local.get $l) (i32.add (local.get $n) (i32.const 1)))
  (i32.add (i32.load offset=8 (local.get $l)) (i32.shl (local.get $n) (i32.const 3))))

;; New list of `count` items taken from l at start, start+step, ... (indices already valid).
(func $list_take (param $l i32) (param $start i64) (param $step i64) (param $count i64) (result i32)
  (local $r i32) (local $k i64)
  (local.set $r (call $list_new (i32.wrap_i64 (local.get $count))))
  (i32.store (local.get $r) (i32.wrap_i64 (local.get $count)))
  (block $done
    (loop $next
      (br_if $done (i64.ge_s (local.get $k) (local.get $count)))
      (i64.store
        (i32.add (i32.load offset=8 (local.get $r)) (i32.shl (i32.wrap_i64 (local.get $k)) (i32.const 3)))
        (i64.load (i32.add (i32.load offset=8 (local.get $l))
          (i32.shl (i32.wrap_i64 (i64.add (local.get $start) (i64.mul (local.get $k) (local.get $step)))) (i32.const 3)))))
      (local.set $k (i64.add (local.get $k) (i64.const 1)))
      (br $next)))
  (local.get $r))

(func $list_copy (param $l i32) (result i32)
  (call $list_take (local.get $l) (i64.const 0) (i64.const 1) (call $list_len (local.get $l))))

(func $list_concat (param $a i32) (param $b i32) (result i32) (local $r i32) (local $na i32) (local $nb i32)
  (local.set $na (i32.load (local.get $a)))
  (local.set $nb (i32.load (local.get $b)))
  (local.set $r (call $list_new (i32.add (local.get $na) (local.get $nb))))
  (i32.store (local.get $r) (i32.add (local.get $na) (local.get $nb)))
  (memory.copy (i32.load offset=8 (local.get $r)) (i32.load offset=8 (local.get $a)) (i32.shl (local.get $na) (i32.const 3)))
  (memory.copy (i32.add (i32.load offset=8 (local.get $r)) (i32.shl (local.get $na) (i32.const 3)))
    (i32.load offset=8 (local.get $b)) (i32.shl (local.get $nb) (i32.const 3)))
  (local.get $r))

;; l * n (n <= 0 gives an empty list).
(func $list_repeat (param $l i32) (param $n i64) (result i32) (local $r i32) (local $k i64) (local $len i64) (local $total i64)
  (if (i64.lt_s (local.get $n) (i64.const 0)) (then (local.set $n (i64.const 0))))
  (local.set $len (call $list_len (local.get $l)))
  (if (i32.and (i64.ne (local.get $len) (i64.const 0)) (i64.gt_u (local.get $n) (i64.div_u (i64.const 134217728) (local.get $len))))
    (then (call $raise_memory_error)))
  (local.set $total (i64.mul (local.get $len) (local.get $n)))
  (local.set $r (call $list_new (i32.wrap_i64 (local.get $total))))
  (i32.store (local.get $r) (i32.wrap_i64 (local.get $total)))
  (block $done
    (loop $next
      (br_if $done (i64.ge_s (local.get $k) (local.get $n)))
      (memory.copy
        (i32.add (i32.load offset=8 (local.get $r)) (i32.wrap_i64 (i64.shl (i64.mul (local.get $k) (local.get $len)) (i64.const 3))))
        (i32.load offset=8 (local.get $l)) (i32.wrap_i64 (i64.shl (local.get $len) (i64.const 3))))
      (local.set $k (i64.add (local.get $k) (i64.const 1)))
      (br $next)))
  (local.get $r))

;; ---- strings: [len:i32][UTF-8 bytes] ----

(func $str_new (param $n i64) (result i32) (local $s i32)
  (if (i64.gt_u (local.get $n) (i64.const 1073741824)) (then (call $raise_memory_error)))
  (local.set $s (call $alloc (i32.add (i32.wrap_i64 (local.get $n)) (i32.const 4))))
  (i32.store (local.get $s) (i32.wrap_i64 (local.get $n)))
  (local.get $s))

(func $str_concat (param $a i32) (param $b i32) (result i32) (local $s i32) (local $na i32) (local $nb i32)
  (local.set $na (i32.load (local.get $a)))
  (local.set $nb (i32.load (local.get $b)))
  (if (i32.eqz (local.get $na)) (then (return (local.get $b))))
  (if (i32.eqz (local.get $nb)) (then (return (local.get $a))))
  (local.set $s (call $str_new (i64.extend_i32_u (i32.add (local.get $na) (local.get $nb)))))
  (memory.copy (i32.add (local.get $s) (i32.const 4)) (i32.add (local.get $a) (i32.const 4)) (local.get $na))
  (memory.copy (i32.add (i32.add (local.get $s) (i32.const 4)) (local.get $na)) (i32.add (local.get $b) (i32.const 4)) (local.get $nb))
  (local.get $s))

;; Lexicographic comparison of UTF-8 bytes (= code point order): -1, 0 or 1.
(func $str_cmp (param $a i32) (param $b i32) (result i32) (local $i i32) (local $na i32) (local $nb i32) (local $x i32) (local $y i32)
  (local.set $na (i32.load (local.get $a)))
  (local.set $nb (i32.load (local.get $b)))
  (block $done
    (loop $next
      (br_if $done (i32.or (i32.ge_u (local.get $i) (local.get $na)) (i32.ge_u (local.get $i) (local.get $nb))))
      (local.set $x (i32.load8_u offset=4 (i32.add (local.get $a) (local.get $i))))
      (local.set $y (i32.load8_u offset=4 (i32.add (local.get $b) (local.get $i))))
      (if (i32.ne (local.get $x) (local.get $y)) (then (return (i32.sub (i32.gt_u (local.get $x) (local.get $y)) (i32.lt_u (local.get $x) (local.get $y))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
  (i32.sub (i32.gt_u (local.get $na) (local.get $nb)) (i32.lt_u (local.get $na) (local.get $nb))))

(func $str_eq (param $a i32) (param $b i32) (result i32)
  (if (i32.ne (i32.load (local.get $a)) (i32.load (local.get $b))) (then (return (i32.const 0))))
  (i32.eqz (call $str_cmp (local.get $a) (local.get $b))))

;; The rt-subset intrinsics str_to_bytes / str_from_bytes (UTF-8 bytes as a list of ints).
(func $str_to_bytes (param $s i32) (result i32) (local $r i32) (local $i i32) (local $n i32)
  (local.set $n (i32.load (local.get $s)))
  (local.set $r (call $list_new (local.get $n)))
  (i32.store (local.get $r) (local.get $n))
  (block $done
    (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i64.store (i32.add (i32.load offset=8 (local.get $r)) (i32.shl (local.get $i) (i32.const 3)))
        (i64.load8_u offset=4 (i32.add (local.get $s) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
  (local.get $r))

(func $str_from_bytes (param $l i32) (result i32) (local $s i32) (local $i i32) (local $n i32)
  (local.set $n (i32.load (local.get $l)))
  (local.set $s (call $str_new (i64.extend_i32_u (local.get $n))))
  (block $done
    (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 offset=4 (i32.add (local.get $s) (local.get $i))
        (i32.load (i32.add (i32.load offset=8 (local.get $l)) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
  (local.get $s))

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

;; Typed append / store: the value is evaluated before the list changes, as in Python.
(func $list_append_i64 (param $l i32) (param $v i64) (i64.store (call $list_push (local.get $l)) (local.get $v)))
(func $list_append_f64 (param $l i32) (param $v f64) (f64.store (call $list_push (local.get $l)) (local.get $v)))
(func $list_append_i32 (param $l i32) (param $v i32) (i32.store (call $list_push (local.get $l)) (local.get $v)))
(func $list_set_i64 (param $l i32) (param $i i64) (param $v i64) (i64.store (call $list_set_at (local.get $l) (local.get $i)) (local.get $v)))
(func $list_set_f64 (param $l i32) (param $i i64) (param $v f64) (f64.store (call $list_set_at (local.get $l) (local.get $i)) (local.get $v)))
(func $list_set_i32 (param $l i32) (param $i i64) (param $v i32) (i32.store (call $list_set_at (local.get $l) (local.get $i)) (local.get $v)))

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
