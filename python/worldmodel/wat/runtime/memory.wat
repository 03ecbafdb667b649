;; Memory and errors: the bump allocator, heap mark/release, writing to a file descriptor, raising.
;; Hand-written: these routines need raw memory access, wrapping i64 arithmetic or multi-step overflow
;; checks, which the rt subset cannot express (its own `+` is the checked one); what the subset can say is
;; in the .py files beside this one. `(string.const "...")` stands for the address of an interned string
;; object in page 0. runtime/__init__.py orders these routines in the library.

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
