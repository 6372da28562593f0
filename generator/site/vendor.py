"""The Vega, Vega-Lite and vega-embed bundle, from vl-convert-python, for offline pages.

vl-convert ships the three libraries and bundles them into one classic script that sets
`window.vegaEmbed`, `window.vega` and `window.vegaLite`. We wrap it in a function so its
top-level names cannot collide with anything else on the page. The bundle is the same for a
given vl-convert version, so it is made once per machine and kept in the user's cache folder
(``$XDG_CACHE_HOME/carejourneys``, else ``~/.cache/carejourneys``): bundling takes seconds.
A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

VENDOR_JS = "assets/vendor/vega-bundle.js"
VENDOR_LICENSE = "assets/vendor/LICENSE.txt"

_LICENCE = """The file vega-bundle.js bundles Vega {vega}, Vega-Lite {vegalite} and vega-embed {embed}
(https://vega.github.io), as packaged by vl-convert-python {vlconvert}.

Vega, Vega-Lite and vega-embed: Copyright (c) 2015-2024, University of Washington
Interactive Data Lab. All rights reserved. vl-convert: Copyright 2023 Jon Mease.
Each is released under the BSD 3-Clause licence:

Redistribution and use in source and binary forms, with or without modification, are
permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of
   conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list of
   conditions and the following disclaimer in the documentation and/or other materials
   provided with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors may be used
   to endorse or promote products derived from this software without specific prior
   written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS
OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR
TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


@lru_cache(maxsize=1)
def vendor_files() -> dict[str, bytes]:
    """The Vega bundle and its licence, by their paths under build/."""
    import vl_convert as vlc
    from importlib.metadata import version

    bundle = _cached_bundle(version("vl-convert-python"), vlc.javascript_bundle)
    licence = _LICENCE.format(
        vega=vlc.get_vega_version(),
        vegalite=vlc.get_vegalite_versions()[-1],
        embed=vlc.get_vega_embed_version(),
        vlconvert=version("vl-convert-python"),
    )
    return {VENDOR_JS: bundle.encode("utf-8"), VENDOR_LICENSE: licence.encode("utf-8")}


def _cached_bundle(vl_convert_version: str, make) -> str:
    """The wrapped bundle for this vl-convert version, from the cache or made (and cached)."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "carejourneys"
    cached = folder / f"vega-bundle-{vl_convert_version}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    bundle = "(function () {\n" + make() + "\n})();\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        partial.write_text(bundle, encoding="utf-8")
        partial.replace(cached)  # atomic: another build never reads half a bundle
    except OSError:
        pass
    return bundle
