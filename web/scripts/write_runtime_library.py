"""Writes the WAT runtime library (`rt`) for the browser sandbox: the same text the Python runtime links.

Run by `npm run build` (the "runtime-library" script); the output, web/public/rt.wat, is generated and not
committed. Without the compiler's runtime library in this checkout it writes nothing and says so: the
sandbox then runs standalone modules and rejects `rt` imports with a clear `unknown_import`.
"""

import sys
from pathlib import Path


def main(out: str) -> int:
    try:
        from worldmodel.wat import runtime_library_wat
    except ImportError as error:
        print(f"write_runtime_library: worldmodel.wat.runtime_library_wat is unavailable ({error}); no rt.wat written", file=sys.stderr)
        Path(out).unlink(missing_ok=True)
        return 0
    text = runtime_library_wat()
    Path(out).write_text(text, encoding="utf-8")
    print(f"write_runtime_library: {out} ({len(text)} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "web/public/rt.wat"))
