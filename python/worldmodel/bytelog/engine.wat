;; ByteLog evaluator: semi-naive bottom-up evaluation of a compiled program (docs/bytelog.md).
;; The compiler (codegen.py, and its port web/worker/bytelog) places this text unchanged into every
;; module, after the imports of $alloc $write_str $print_str $print_i64 from the runtime library, a
;; passive data segment $program holding the encoded program, and (global $program_size i32).
;;
;; Program words (i32, byte offsets from $P): 0 relations, 4 values, 8 facts, 12 rules, 16 queries,
;; 20 facts at, 24 rules at, 28 queries at, 32 value names at, 36 relation names at, 40 literals at,
;; 44 variable slots, 48 most body operations in one rule.
;; A fact is (rel, a, b); a query (rel, a, b) with -1 for `?`; a rule (head, emit slot a, emit slot b,
;; body length) followed by its operations (kind, rel, match slot, first bound slot), kind 0 SCAN,
;; 1 JOIN, 2 SCAN MATCH. Values are ids numbered in output order; names are `rt` strings [len][bytes].
;;
;; A relation (48 bytes at $R + 48 r): 0 rows (i64 keys a<<32|b, in insertion order), 4 count,
;; 8 row capacity, 12 next (per row: 1 + the previous row with the same column A, 0 ends the chain),
;; 16 hash (open addressing, slot = key + 1, 0 empty), 20 hash mask, 24 head (per value: 1 + the
;; latest row whose column A is that value), 28 delta start, 32 delta end, 36 hash shift.
;; Rows are never removed, so a round's delta is the row range [delta start, delta end).

(global $P (mut i32) (i32.const 0))
(global $R (mut i32) (i32.const 0))
(global $V (mut i32) (i32.const 0))  ;; variable slots, 4 bytes each
(global $S (mut i32) (i32.const 0))  ;; per body operation: cursor, low row, high row

(func $word (param $at i32) (result i32)
  (i32.load (i32.add (global.get $P) (local.get $at))))

(func $rel (param $r i32) (result i32)
  (i32.add (global.get $R) (i32.mul (local.get $r) (i32.const 48))))

(func $name (param $table i32) (param $index i32) (result i32)
  (i32.add (global.get $P) (call $word (i32.add (call $word (local.get $table)) (i32.shl (local.get $index) (i32.const 2))))))

(func $key (param $a i32) (param $b i32) (result i64)
  (i64.or (i64.shl (i64.extend_i32_u (local.get $a)) (i64.const 32)) (i64.extend_i32_u (local.get $b))))

(func $init_relations (local $r i32) (local $rs i32)
  (global.set $R (call $alloc (i32.mul (call $word (i32.const 0)) (i32.const 48))))
  (block $done
    (loop $each
      (br_if $done (i32.ge_u (local.get $r) (call $word (i32.const 0))))
      (local.set $rs (call $rel (local.get $r)))
      (i32.store (local.get $rs) (call $alloc (i32.const 128)))
      (i32.store offset=8 (local.get $rs) (i32.const 16))
      (i32.store offset=12 (local.get $rs) (call $alloc (i32.const 64)))
      (i32.store offset=16 (local.get $rs) (call $alloc (i32.const 256)))
      (i32.store offset=20 (local.get $rs) (i32.const 31))
      (i32.store offset=24 (local.get $rs) (call $alloc (i32.shl (call $word (i32.const 4)) (i32.const 2))))
      (i32.store offset=36 (local.get $rs) (i32.const 59))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $each))))

;; The hash slot of `key` for a table of 2^(64 - shift) slots (Fibonacci hashing).
(func $slot (param $key i64) (param $shift i32) (result i32)
  (i32.wrap_i64 (i64.shr_u (i64.mul (local.get $key) (i64.const -7046029254386353131)) (i64.extend_i32_u (local.get $shift)))))

;; The address of key's hash slot: holding key + 1 when present, 0 (where to insert it) when absent.
(func $find (param $rs i32) (param $key i64) (result i32) (local $i i32) (local $at i32) (local $v i64)
  (local.set $i (call $slot (local.get $key) (i32.load offset=36 (local.get $rs))))
  (loop $probe
    (local.set $at (i32.add (i32.load offset=16 (local.get $rs)) (i32.shl (local.get $i) (i32.const 3))))
    (local.set $v (i64.load (local.get $at)))
    (if (i32.or (i64.eqz (local.get $v)) (i64.eq (local.get $v) (i64.add (local.get $key) (i64.const 1))))
      (then (return (local.get $at))))
    (local.set $i (i32.and (i32.add (local.get $i) (i32.const 1)) (i32.load offset=20 (local.get $rs))))
    (br $probe))
  (unreachable))

(func $contains (param $r i32) (param $a i32) (param $b i32) (result i32)
  (i64.ne (i64.load (call $find (call $rel (local.get $r)) (call $key (local.get $a) (local.get $b)))) (i64.const 0)))

(func $grow_rows (param $rs i32) (local $cap i32) (local $n i32) (local $to i32)
  (local.set $cap (i32.shl (i32.load offset=8 (local.get $rs)) (i32.const 1)))
  (local.set $n (i32.load offset=4 (local.get $rs)))
  (local.set $to (call $alloc (i32.shl (local.get $cap) (i32.const 3))))
  (memory.copy (local.get $to) (i32.load (local.get $rs)) (i32.shl (local.get $n) (i32.const 3)))
  (i32.store (local.get $rs) (local.get $to))
  (local.set $to (call $alloc (i32.shl (local.get $cap) (i32.const 2))))
  (memory.copy (local.get $to) (i32.load offset=12 (local.get $rs)) (i32.shl (local.get $n) (i32.const 2)))
  (i32.store offset=12 (local.get $rs) (local.get $to))
  (i32.store offset=8 (local.get $rs) (local.get $cap)))

;; Doubles the hash table and inserts every row again.
(func $rehash (param $rs i32) (local $mask i32) (local $i i32) (local $j i32) (local $key i64) (local $at i32)
  (local.set $mask (i32.add (i32.shl (i32.load offset=20 (local.get $rs)) (i32.const 1)) (i32.const 1)))
  (i32.store offset=16 (local.get $rs) (call $alloc (i32.shl (i32.add (local.get $mask) (i32.const 1)) (i32.const 3))))
  (i32.store offset=20 (local.get $rs) (local.get $mask))
  (i32.store offset=36 (local.get $rs) (i32.sub (i32.load offset=36 (local.get $rs)) (i32.const 1)))
  (block $done
    (loop $each
      (br_if $done (i32.ge_u (local.get $i) (i32.load offset=4 (local.get $rs))))
      (local.set $key (i64.load (i32.add (i32.load (local.get $rs)) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $j (call $slot (local.get $key) (i32.load offset=36 (local.get $rs))))
      (block $free
        (loop $probe
          (local.set $at (i32.add (i32.load offset=16 (local.get $rs)) (i32.shl (local.get $j) (i32.const 3))))
          (br_if $free (i64.eqz (i64.load (local.get $at))))
          (local.set $j (i32.and (i32.add (local.get $j) (i32.const 1)) (local.get $mask)))
          (br $probe)))
      (i64.store (local.get $at) (i64.add (local.get $key) (i64.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each))))

;; Adds (a, b) to relation r unless present: a new row, its index chain link and its hash slot.
(func $add (param $r i32) (param $a i32) (param $b i32) (local $rs i32) (local $key i64) (local $at i32) (local $n i32) (local $head i32)
  (local.set $rs (call $rel (local.get $r)))
  (local.set $key (call $key (local.get $a) (local.get $b)))
  (local.set $at (call $find (local.get $rs) (local.get $key)))
  (if (i64.ne (i64.load (local.get $at)) (i64.const 0)) (then (return)))
  (local.set $n (i32.load offset=4 (local.get $rs)))
  (if (i32.eq (local.get $n) (i32.load offset=8 (local.get $rs))) (then (call $grow_rows (local.get $rs))))
  (i64.store (i32.add (i32.load (local.get $rs)) (i32.shl (local.get $n) (i32.const 3))) (local.get $key))
  (local.set $head (i32.add (i32.load offset=24 (local.get $rs)) (i32.shl (local.get $a) (i32.const 2))))
  (i32.store (i32.add (i32.load offset=12 (local.get $rs)) (i32.shl (local.get $n) (i32.const 2))) (i32.load (local.get $head)))
  (i32.store (local.get $head) (i32.add (local.get $n) (i32.const 1)))
  (i32.store offset=4 (local.get $rs) (i32.add (local.get $n) (i32.const 1)))
  ;; at most half full: past that the doubled table takes every row, this one included
  (if (i32.gt_u (i32.shl (i32.add (local.get $n) (i32.const 1)) (i32.const 1)) (i32.load offset=20 (local.get $rs)))
    (then (call $rehash (local.get $rs)))
    (else (i64.store (local.get $at) (i64.add (local.get $key) (i64.const 1))))))

;; Semi-naive rows for body operation `level` when operation `delta` reads the last round's new rows:
;; earlier operations read rows older than the delta, later ones everything up to the delta's end.
(func $start (param $rp i32) (param $level i32) (param $delta i32) (local $op i32) (local $st i32) (local $rs i32)
  (local.set $op (i32.add (i32.add (local.get $rp) (i32.const 16)) (i32.shl (local.get $level) (i32.const 4))))
  (local.set $st (i32.add (global.get $S) (i32.mul (local.get $level) (i32.const 12))))
  (local.set $rs (call $rel (i32.load offset=4 (local.get $op))))
  (i32.store offset=4 (local.get $st)
    (select (i32.load offset=28 (local.get $rs)) (i32.const 0) (i32.eq (local.get $level) (local.get $delta))))
  (i32.store offset=8 (local.get $st)
    (select (i32.load offset=28 (local.get $rs)) (i32.load offset=32 (local.get $rs)) (i32.lt_u (local.get $level) (local.get $delta))))
  (i32.store (local.get $st)
    (if (result i32) (i32.eqz (i32.load (local.get $op)))
      (then (i32.load offset=4 (local.get $st)))
      (else (i32.load (i32.add (i32.load offset=24 (local.get $rs))
        (i32.shl (i32.load (i32.add (global.get $V) (i32.shl (i32.load offset=8 (local.get $op)) (i32.const 2)))) (i32.const 2))))))))

;; The next row for an operation's cursor, or -1. SCAN walks its row range; JOIN and SCAN MATCH walk
;; the column-A chain of the matched value, newest row first, skipping rows outside the range.
(func $next_row (param $op i32) (param $st i32) (param $rs i32) (result i32) (local $cur i32) (local $row i32)
  (local.set $cur (i32.load (local.get $st)))
  (if (i32.eqz (i32.load (local.get $op)))
    (then
      (if (i32.ge_u (local.get $cur) (i32.load offset=8 (local.get $st))) (then (return (i32.const -1))))
      (i32.store (local.get $st) (i32.add (local.get $cur) (i32.const 1)))
      (return (local.get $cur))))
  (loop $chain
    (if (i32.eqz (local.get $cur)) (then (return (i32.const -1))))
    (local.set $row (i32.sub (local.get $cur) (i32.const 1)))
    (local.set $cur (i32.load (i32.add (i32.load offset=12 (local.get $rs)) (i32.shl (local.get $row) (i32.const 2)))))
    (i32.store (local.get $st) (local.get $cur))
    (br_if $chain (i32.ge_u (local.get $row) (i32.load offset=8 (local.get $st)))))
  (if (i32.lt_u (local.get $row) (i32.load offset=4 (local.get $st)))
    (then (i32.store (local.get $st) (i32.const 0)) (return (i32.const -1))))
  (local.get $row))

;; Every binding of the rule's body (depth-first, one cursor per operation) emits a head tuple.
(func $eval_rule (param $rp i32) (param $delta i32)
  (local $level i32) (local $op i32) (local $rs i32) (local $row i32) (local $key i64) (local $bind i32)
  (call $start (local.get $rp) (i32.const 0) (local.get $delta))
  (loop $advance
    (local.set $op (i32.add (i32.add (local.get $rp) (i32.const 16)) (i32.shl (local.get $level) (i32.const 4))))
    (local.set $rs (call $rel (i32.load offset=4 (local.get $op))))
    (local.set $row (call $next_row (local.get $op)
      (i32.add (global.get $S) (i32.mul (local.get $level) (i32.const 12))) (local.get $rs)))
    (if (i32.ge_s (local.get $row) (i32.const 0))
      (then
        (local.set $key (i64.load (i32.add (i32.load (local.get $rs)) (i32.shl (local.get $row) (i32.const 3)))))
        (local.set $bind (i32.add (global.get $V) (i32.shl (i32.load offset=12 (local.get $op)) (i32.const 2))))
        (if (i32.eq (i32.load (local.get $op)) (i32.const 1))
          (then (i32.store (local.get $bind) (i32.wrap_i64 (local.get $key))))
          (else
            (i32.store (local.get $bind) (i32.wrap_i64 (i64.shr_u (local.get $key) (i64.const 32))))
            (i32.store offset=4 (local.get $bind) (i32.wrap_i64 (local.get $key)))))
        (if (i32.eq (i32.add (local.get $level) (i32.const 1)) (i32.load offset=12 (local.get $rp)))
          (then
            (call $add (i32.load (local.get $rp))
              (i32.load (i32.add (global.get $V) (i32.shl (i32.load offset=4 (local.get $rp)) (i32.const 2))))
              (i32.load (i32.add (global.get $V) (i32.shl (i32.load offset=8 (local.get $rp)) (i32.const 2))))))
          (else
            (local.set $level (i32.add (local.get $level) (i32.const 1)))
            (call $start (local.get $rp) (local.get $level) (local.get $delta))))
        (br $advance)))
    (if (local.get $level)
      (then (local.set $level (i32.sub (local.get $level) (i32.const 1))) (br $advance)))))

;; Rounds until no relation grows: each rule runs once per body operation whose relation has new rows.
(func $solve (local $r i32) (local $rs i32) (local $grew i32) (local $k i32) (local $rp i32) (local $d i32)
  (loop $round
    (local.set $grew (i32.const 0))
    (local.set $r (i32.const 0))
    (block $moved
      (loop $each
        (br_if $moved (i32.ge_u (local.get $r) (call $word (i32.const 0))))
        (local.set $rs (call $rel (local.get $r)))
        (i32.store offset=28 (local.get $rs) (i32.load offset=32 (local.get $rs)))
        (i32.store offset=32 (local.get $rs) (i32.load offset=4 (local.get $rs)))
        (if (i32.gt_u (i32.load offset=32 (local.get $rs)) (i32.load offset=28 (local.get $rs)))
          (then (local.set $grew (i32.const 1))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each)))
    (if (i32.eqz (local.get $grew)) (then (return)))
    (local.set $rp (i32.add (global.get $P) (call $word (i32.const 24))))
    (local.set $k (i32.const 0))
    (block $rules_done
      (loop $rules
        (br_if $rules_done (i32.ge_u (local.get $k) (call $word (i32.const 12))))
        (local.set $d (i32.const 0))
        (block $ops_done
          (loop $ops
            (br_if $ops_done (i32.ge_u (local.get $d) (i32.load offset=12 (local.get $rp))))
            (local.set $rs (call $rel (i32.load offset=4
              (i32.add (i32.add (local.get $rp) (i32.const 16)) (i32.shl (local.get $d) (i32.const 4))))))
            (if (i32.gt_u (i32.load offset=32 (local.get $rs)) (i32.load offset=28 (local.get $rs)))
              (then (call $eval_rule (local.get $rp) (local.get $d))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $ops)))
        (local.set $rp (i32.add (local.get $rp)
          (i32.add (i32.const 16) (i32.shl (i32.load offset=12 (local.get $rp)) (i32.const 4)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rules)))
    (br $round)))

(func $sift (param $a i32) (param $root i32) (param $n i32) (local $child i32) (local $x i64) (local $y i64)
  (loop $down
    (local.set $child (i32.add (i32.shl (local.get $root) (i32.const 1)) (i32.const 1)))
    (if (i32.ge_u (local.get $child) (local.get $n)) (then (return)))
    (if (i32.lt_u (i32.add (local.get $child) (i32.const 1)) (local.get $n))
      (then (if (i64.lt_u (i64.load (i32.add (local.get $a) (i32.shl (local.get $child) (i32.const 3))))
                          (i64.load (i32.add (local.get $a) (i32.shl (i32.add (local.get $child) (i32.const 1)) (i32.const 3)))))
        (then (local.set $child (i32.add (local.get $child) (i32.const 1)))))))
    (local.set $x (i64.load (i32.add (local.get $a) (i32.shl (local.get $root) (i32.const 3)))))
    (local.set $y (i64.load (i32.add (local.get $a) (i32.shl (local.get $child) (i32.const 3)))))
    (if (i64.ge_u (local.get $x) (local.get $y)) (then (return)))
    (i64.store (i32.add (local.get $a) (i32.shl (local.get $root) (i32.const 3))) (local.get $y))
    (i64.store (i32.add (local.get $a) (i32.shl (local.get $child) (i32.const 3))) (local.get $x))
    (local.set $root (local.get $child))
    (br $down)))

;; Heap sort of n i64 keys: ascending (a, b), which is output order because ids are numbered that way.
(func $sort (param $a i32) (param $n i32) (local $i i32) (local $x i64)
  (local.set $i (i32.shr_u (local.get $n) (i32.const 1)))
  (block $heaped
    (loop $heapify
      (br_if $heaped (i32.eqz (local.get $i)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (call $sift (local.get $a) (local.get $i) (local.get $n))
      (br $heapify)))
  (local.set $i (local.get $n))
  (block $sorted
    (loop $pop
      (br_if $sorted (i32.le_u (local.get $i) (i32.const 1)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (local.set $x (i64.load (local.get $a)))
      (i64.store (local.get $a) (i64.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))
      (i64.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))) (local.get $x))
      (call $sift (local.get $a) (i32.const 0) (local.get $i))
      (br $pop))))

(func $literal (param $i i32) (result i32)
  (call $name (i32.const 40) (local.get $i)))

;; rel(a, b)
(func $print_tuple (param $r i32) (param $key i64)
  (call $write_str (call $name (i32.const 36) (local.get $r)))
  (call $write_str (call $literal (i32.const 0)))
  (call $write_str (call $name (i32.const 32) (i32.wrap_i64 (i64.shr_u (local.get $key) (i64.const 32)))))
  (call $write_str (call $literal (i32.const 1)))
  (call $write_str (call $name (i32.const 32) (i32.wrap_i64 (local.get $key))))
  (call $print_str (call $literal (i32.const 2))))

;; A fully bound query prints true or false; otherwise every matching tuple, sorted, then their count.
(func $query (param $q i32) (local $r i32) (local $a i32) (local $b i32) (local $rs i32) (local $buf i32) (local $m i32) (local $i i32) (local $key i64) (local $cur i32)
  (local.set $r (i32.load (local.get $q)))
  (local.set $a (i32.load offset=4 (local.get $q)))
  (local.set $b (i32.load offset=8 (local.get $q)))
  (local.set $rs (call $rel (local.get $r)))
  (if (i32.and (i32.ge_s (local.get $a) (i32.const 0)) (i32.ge_s (local.get $b) (i32.const 0)))
    (then
      (call $print_str (call $literal (select (i32.const 3) (i32.const 4)
        (call $contains (local.get $r) (local.get $a) (local.get $b)))))
      (return)))
  (local.set $buf (call $alloc (i32.shl (i32.load offset=4 (local.get $rs)) (i32.const 3))))
  (if (i32.ge_s (local.get $a) (i32.const 0))
    (then
      (local.set $cur (i32.load (i32.add (i32.load offset=24 (local.get $rs)) (i32.shl (local.get $a) (i32.const 2)))))
      (block $done
        (loop $chain
          (br_if $done (i32.eqz (local.get $cur)))
          (local.set $i (i32.sub (local.get $cur) (i32.const 1)))
          (i64.store (i32.add (local.get $buf) (i32.shl (local.get $m) (i32.const 3)))
            (i64.load (i32.add (i32.load (local.get $rs)) (i32.shl (local.get $i) (i32.const 3)))))
          (local.set $m (i32.add (local.get $m) (i32.const 1)))
          (local.set $cur (i32.load (i32.add (i32.load offset=12 (local.get $rs)) (i32.shl (local.get $i) (i32.const 2)))))
          (br $chain))))
    (else
      (block $done
        (loop $rows
          (br_if $done (i32.ge_u (local.get $i) (i32.load offset=4 (local.get $rs))))
          (local.set $key (i64.load (i32.add (i32.load (local.get $rs)) (i32.shl (local.get $i) (i32.const 3)))))
          (if (i32.or (i32.lt_s (local.get $b) (i32.const 0)) (i32.eq (i32.wrap_i64 (local.get $key)) (local.get $b)))
            (then
              (i64.store (i32.add (local.get $buf) (i32.shl (local.get $m) (i32.const 3))) (local.get $key))
              (local.set $m (i32.add (local.get $m) (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $rows)))))
  (call $sort (local.get $buf) (local.get $m))
  (local.set $i (i32.const 0))
  (block $printed
    (loop $print
      (br_if $printed (i32.ge_u (local.get $i) (local.get $m)))
      (call $print_tuple (local.get $r) (i64.load (i32.add (local.get $buf) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $print)))
  (call $print_i64 (i64.extend_i32_u (local.get $m))))

(func (export "main") (local $i i32) (local $p i32)
  (global.set $P (call $alloc (global.get $program_size)))
  (memory.init $program (global.get $P) (i32.const 0) (global.get $program_size))
  (data.drop $program)
  (call $init_relations)
  (global.set $V (call $alloc (i32.shl (call $word (i32.const 44)) (i32.const 2))))
  (global.set $S (call $alloc (i32.mul (call $word (i32.const 48)) (i32.const 12))))
  (local.set $p (i32.add (global.get $P) (call $word (i32.const 20))))
  (block $facts_done
    (loop $facts
      (br_if $facts_done (i32.ge_u (local.get $i) (call $word (i32.const 8))))
      (call $add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 12)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $facts)))
  (call $solve)
  (local.set $p (i32.add (global.get $P) (call $word (i32.const 28))))
  (local.set $i (i32.const 0))
  (block $queries_done
    (loop $queries
      (br_if $queries_done (i32.ge_u (local.get $i) (call $word (i32.const 16))))
      (call $query (local.get $p))
      (local.set $p (i32.add (local.get $p) (i32.const 12)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $queries))))
