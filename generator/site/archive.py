"""--zip: the build as one deterministic zip file, ready to attach to an email."""

from __future__ import annotations

import io
import zipfile

from generator.site.writer import check_names

#: Zip entries carry a timestamp; a fixed one keeps builds byte-identical.
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def zip_site(files: dict[str, bytes], folder: str) -> bytes:
    """A zip of ``files`` under one top folder ``folder`` (so it unpacks tidily).

    No entry may leave that folder when unpacked (no ``../``, no absolute path): a zip that
    writes outside where it is unpacked is refused, whatever made the name.
    """
    check_names([folder, *files])
    if "/" in folder:
        check_names(["../" + folder])  # one top folder only: refused like any path that leaves
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
