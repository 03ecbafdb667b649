"""READ, WRITE and FILE … EXISTS paths: resolved to real paths and refused outside the project root."""

from __future__ import annotations

import os
from pathlib import Path

from worldmodel.tiss.errors import SecurityError


def confine(root: Path, user_path: str) -> Path:
    """The real path of `user_path` (relative to `root`), every symlink resolved; SecurityError outside root."""
    if "\x00" in user_path or not user_path.strip():
        raise SecurityError(f"invalid path {user_path!r}", kind="path_escape")
    real_root = os.path.realpath(root)
    # realpath follows every symlink, including a dangling one at the end, so a link to /etc/x resolves there.
    real = os.path.realpath(os.path.join(real_root, user_path))
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise SecurityError(f"path {user_path!r} resolves to {real}, outside the project root {real_root}",
                            kind="path_escape")
    return Path(real)


def read_text(root: Path, user_path: str, limit: int) -> str:
    path = confine(root, user_path)
    try:
        # O_NOFOLLOW: a symlink swapped in after the check is refused, not followed.
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise SecurityError(f"no file {user_path!r} in the project root", kind="file_not_found") from None
    except OSError as error:
        raise SecurityError(f"cannot read {user_path!r}: {error.strerror}", kind="read_error") from None
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SecurityError(f"{user_path!r} is larger than the read limit ({limit} bytes)", kind="read_limit")
    return data.decode("utf-8", "replace")


def write_text(root: Path, user_path: str, content: str, limit: int) -> Path:
    data = content.encode("utf-8")
    if len(data) > limit:
        raise SecurityError(f"WRITE {user_path!r}: {len(data)} bytes is over the write limit ({limit} bytes)",
                            kind="write_limit")
    path = confine(root, user_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    confine(root, str(path.parent))  # a parent created just now by someone else must still be inside
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise SecurityError(f"cannot write {user_path!r}: {error.strerror}", kind="write_error") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return path
