"""Every file the tool reads or writes goes through here.

Reading: ``read_bytes``/``read_text`` open only regular files of bounded size (never a
device, a FIFO or a multi-gigabyte file) and, given ``inside``, only files whose real path
(symlinks resolved) lies in those folders, so a symlink in ``styles/`` can never copy
``/etc/passwd`` into a handout. ``within`` checks a path built from data (a locale name,
a slug) before it is used.

Writing: ``atomic_write`` writes a temporary file beside the target and renames it into
place, so a reader never sees half a file and a failure leaves the old one;
``write_private`` does the same for a child's handout (mode 0600, never into ``output/``,
never over a symlink or a device). Failures become one ``HandoutError`` naming the path.

Nothing here imports a renderer: publishing a file stays cheap.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import HandoutError, Location

__all__ = [
    "MAX_FILE_BYTES",
    "TEMP_SUFFIX",
    "FileRefused",
    "read_bytes",
    "read_text",
    "sha256_of",
    "MAX_ASSET_BYTES",
    "within",
    "atomic_write",
    "write_private",
    "write_private_check",
    "remove_temp_files",
    "output_lock",
    "replace_all",
]

# Far above any real source, style or translation file (the largest is ~70 KB).
MAX_FILE_BYTES = 4 * 1024 * 1024
# Recorded narration and other media in source/ are only hashed, never parsed.
MAX_ASSET_BYTES = 1024 * 1024 * 1024
TEMP_SUFFIX = ".tmp"


class FileRefused(HandoutError):
    """A file that must not be read or written: outside its folder, not a regular file,
    too big, or the system refused it."""


def _shown(path: Path, shown: Path | None) -> Path:
    return shown if shown is not None else path


def _real_inside(real: Path, folders: Iterable[Path]) -> bool:
    return any(real.is_relative_to(folder.resolve()) for folder in folders)


def read_bytes(
    path: Path,
    shown: Path | None = None,
    inside: Iterable[Path] | None = None,
    limit: int = MAX_FILE_BYTES,
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, whose real path is in one
    of the ``inside`` folders when given; else ``FileRefused`` located at ``shown``."""
    return b"".join(_chunks(path, shown, inside, limit))


def sha256_of(
    path: Path,
    shown: Path | None = None,
    inside: Iterable[Path] | None = None,
    limit: int = MAX_ASSET_BYTES,
) -> str:
    """The SHA-256 of a file under the same checks as ``read_bytes``, read piece by piece
    (recordings and other large assets are hashed, never held whole in memory)."""
    hasher = hashlib.sha256()
    for chunk in _chunks(path, shown, inside, limit):
        hasher.update(chunk)
    return hasher.hexdigest()


def _real_path(path: Path, inside: Iterable[Path] | None, where: Location) -> Path:
    """Where ``path`` really is (links followed); refused unless it exists and, when
    ``inside`` is given, lies in one of those folders."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise FileRefused(
            f"cannot read file: {_reason(error)}", where, hint="check that the file exists"
        ) from None
    if inside is not None and not _real_inside(real, inside):
        raise FileRefused(
            f"refused to read a file outside the project (it leads to {real})",
            where,
            hint="replace the symbolic link by a real file inside the project",
        )
    return real


def _chunks(
    path: Path, shown: Path | None, inside: Iterable[Path] | None, limit: int
) -> Iterator[bytes]:
    where = Location(_shown(path, shown))
    real = _real_path(path, inside, where)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the real
        # path checked above is the one opened.
        handle = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW)
    except OSError as error:
        raise FileRefused(f"cannot read file: {_reason(error)}", where) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(
                "not a regular file (a device, pipe or folder)",
                where,
                hint="give the path of an ordinary file",
            )
        if info.st_size > limit:
            raise _too_big(where, limit)
        total = 0
        while chunk := os.read(handle, 1 << 16):
            total += len(chunk)
            if total > limit:  # the file grew while being read
                raise _too_big(where, limit)
            yield chunk
    except OSError as error:
        raise FileRefused(f"cannot read file: {_reason(error)}", where) from None
    finally:
        os.close(handle)


def _too_big(where: Location, limit: int) -> FileRefused:
    return FileRefused(
        f"file is larger than {limit // (1024 * 1024)} MB",
        where,
        hint="split it, or check that the right file is named",
    )


def read_text(
    path: Path,
    shown: Path | None = None,
    inside: Iterable[Path] | None = None,
    limit: int = MAX_FILE_BYTES,
) -> str:
    """``read_bytes`` decoded as UTF-8 (a byte-order mark is dropped)."""
    data = read_bytes(path, shown, inside, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRefused(
            f"not UTF-8 text (byte 0x{data[error.start]:02x})",
            Location(_shown(path, shown), line),
            hint="save the file as UTF-8 text",
        ) from None


def within(folder: Path, *parts: str, shown: Path | None = None, root: Path | None = None) -> Path:
    """``folder / parts`` after checking that it stays inside ``folder`` (no ``..``, no
    absolute part) and that the folder it lands in really is inside ``root`` (default
    ``folder``; no symlinked folder out); for paths built from data such as locale names."""
    path = folder.joinpath(*parts)
    normal = Path(os.path.normpath(path))
    base = Path(os.path.normpath(folder))
    # The file itself may be a symbolic link: the reader checks where it leads.
    real_parent = path.parent.resolve()
    if not normal.is_relative_to(base) or not _real_inside(real_parent, (root or folder,)):
        raise FileRefused(
            f"the path {'/'.join(parts)!r} leads outside {shown or folder}",
            Location(shown or folder),
            hint="names used in file paths are letters, digits, '-' and '_' only",
        )
    return path


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` all at once: temp file, flush, then rename."""
    replace_all({path: data}, mode)


def replace_all(
    files: dict[Path, bytes],
    mode: int = 0o644,
    before_rename: Callable[[], None] | None = None,
) -> None:
    """Write every file to a temporary file first; only when all are written (the disk
    did not fill up) call ``before_rename`` and rename them into place. On a failure
    to write, nothing is replaced."""
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            temps[path] = _write_temp(path, data, mode)
        if before_rename:
            before_rename()
        for path, temp in temps.items():
            try:
                os.replace(temp, path)
            except OSError as error:
                raise _write_error(path, error) from None
        for folder in {path.parent for path in temps}:
            _sync_folder(folder)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)  # those not renamed


def _write_temp(path: Path, data: bytes, mode: int) -> Path:
    """``data`` in a new temporary file beside ``path`` (mode ``mode``, fsynced)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _write_error(path, error) from None
    temp = path.parent / f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    try:
        # O_EXCL: never reuse or follow anything already there. The mode is set
        # explicitly after creation, so the umask cannot widen or narrow it.
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise _write_error(path, error) from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fchmod(handle, mode)
        os.fsync(handle)
    except BaseException as error:
        os.close(handle)
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(path, error) from None
        raise
    os.close(handle)
    return temp


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(handle)


def _write_error(path: Path, error: OSError) -> FileRefused:
    hints = {
        errno.ENOSPC: "free some disk space, then run the command again",
        errno.EDQUOT: "free some disk space, then run the command again",
        errno.EACCES: "make the folder writable, or choose another one",
        errno.EPERM: "make the folder writable, or choose another one",
        errno.EROFS: "the disk is read-only: choose a folder on a writable disk",
        errno.ENOTDIR: "a file stands where a folder is needed: move it away",
        errno.EEXIST: "a file stands where a folder is needed: move it away",
    }
    return FileRefused(
        f"cannot write: {_reason(error)}",
        Location(path),
        hint=hints.get(error.errno or 0, "check the path and the disk"),
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def write_private(path: Path, data: bytes, forbidden: Iterable[Path] = ()) -> None:
    """Write a file carrying health information: mode 0600, never inside a ``forbidden``
    folder (``output/`` holds published files), never over anything but a regular file."""
    write_private_check(path, forbidden)
    atomic_write(path, data, mode=0o600)


def write_private_check(path: Path, forbidden: Iterable[Path] = ()) -> None:
    """Raise ``FileRefused`` when ``write_private`` would refuse ``path``."""
    real = path.resolve()
    for folder in forbidden:
        if real.is_relative_to(folder.resolve()):
            raise FileRefused(
                f"refused to write a personal file inside {folder}",
                Location(path),
                hint="that folder holds published handouts; write the child's file elsewhere",
            )
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _write_error(path, error) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise FileRefused(
            "refused to replace something that is not a regular file "
            "(a symbolic link, device, pipe or folder)",
            Location(path),
            hint="choose a new file name",
        )


def remove_temp_files(folder: Path) -> tuple[Path, ...]:
    """Delete temporary files ``atomic_write`` left behind (a crash, kill -9)."""
    removed = []
    for parent, _, names in os.walk(folder):  # never follows symbolic links
        for name in names:
            temp = Path(parent) / name
            if name.startswith(".") and name.endswith(TEMP_SUFFIX) and temp.is_file():
                temp.unlink(missing_ok=True)
                removed.append(temp)
    return tuple(removed)


# Build locks held by this process: a forked child (a render worker) closes its copies at
# once, so the lock never outlives the process that took it.
_HELD_LOCKS: set[int] = set()


def _drop_inherited_locks() -> None:
    for handle in list(_HELD_LOCKS):
        try:
            os.close(handle)  # the child's reference only: the parent keeps its lock
        except OSError:
            pass
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


def _lock_file(folder: Path) -> Path:
    """The lock beside ``folder``, named after it: ``output/`` is locked by ``.output.lock``."""
    real = folder.resolve()  # two spellings (or a symbolic link) of one folder share it
    return real.parent / f".{real.name}.lock"


def _take_lock(folder: Path) -> int:
    lock = _lock_file(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder")
    lock.parent.mkdir(parents=True, exist_ok=True)  # the build would make it anyway
    while True:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # A build ending now removes the file it held; if we locked that removed file,
            # open the new one instead, so two builds never hold different files.
            if os.path.samestat(os.fstat(handle), os.stat(lock)):
                return handle
        except BlockingIOError:
            os.close(handle)
            raise FileRefused(
                "another build is running in this folder",
                Location(folder),
                hint="wait for it to finish, then run the command again",
            ) from None
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock for writing into ``folder`` while the block runs; another
    build into the same folder is refused at once with a clear message, builds into other
    folders (even siblings) are not."""
    # The lock file lives beside ``folder`` and is removed when the block ends, so a
    # failed build leaves nothing behind; the kernel releases the lock when the process
    # ends, even on kill -9, and the next build simply takes over the file left then.
    try:
        handle = _take_lock(folder)
    except OSError as error:
        raise _write_error(folder, error) from None
    _HELD_LOCKS.add(handle)
    try:
        yield
    finally:
        _HELD_LOCKS.discard(handle)
        _lock_file(folder).unlink(missing_ok=True)  # still held: nobody else has it
        os.close(handle)  # releases the lock
