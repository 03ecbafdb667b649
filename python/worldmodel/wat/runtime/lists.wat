;; Lists: the list object, item slots, slicing, concatenation and repetition, typed append/store.
;; Hand-written: these routines need raw memory access, wrapping i64 arithmetic or multi-step overflow
;; checks, which the rt subset cannot express (its own `+` is the checked one); what the subset can say is
;; in the .py files beside this one. `(string.const "...")` stands for the address of an interned string
;; object in page 0. runtime/__init__.py orders these routines in the library.

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

;; Typed append / store: the value is evaluated before the list changes, as in Python.
(func $list_append_i64 (param $l i32) (param $v i64) (i64.store (call $list_push (local.get $l)) (local.get $v)))
(func $list_append_f64 (param $l i32) (param $v f64) (f64.store (call $list_push (local.get $l)) (local.get $v)))
(func $list_append_i32 (param $l i32) (param $v i32) (i32.store (call $list_push (local.get $l)) (local.get $v)))
(func $list_set_i64 (param $l i32) (param $i i64) (param $v i64) (i64.store (call $list_set_at (local.get $l) (local.get $i)) (local.get $v)))
(func $list_set_f64 (param $l i32) (param $i i64) (param $v f64) (f64.store (call $list_set_at (local.get $l) (local.get $i)) (local.get $v)))
(func $list_set_i32 (param $l i32) (param $i i64) (param $v i32) (i32.store (call $list_set_at (local.get $l) (local.get $i)) (local.get $v)))
