;; Strings: the str object, concatenation, comparison, UTF-8 bytes as a list.
;; Hand-written: these routines need raw memory access, wrapping i64 arithmetic or multi-step overflow
;; checks, which the rt subset cannot express (its own `+` is the checked one); what the subset can say is
;; in the .py files beside this one. `(string.const "...")` stands for the address of an interned string
;; object in page 0. runtime/__init__.py orders these routines in the library.

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
