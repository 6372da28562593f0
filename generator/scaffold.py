"""`carejourneys init DIR`: a report folder for an LA, ready to build once data is dropped in.

With ``--data FOLDER`` the report.yaml is written from the data found there (title naming
the LA, period the data's whole months, pages for what the data holds:
`generator.report_for_data`) and reads that folder in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.errors import InputError, Problem
from generator.resources import resource_dir


def scaffold(folder: Path, data: Path | None = None) -> list[Path]:
    """Write report.yaml, pages/about.md, maps/, data/README.md and README.md into ``folder``.

    Refuses a folder that already has files, so nothing of the user's is overwritten. With
    ``data``, report.yaml is written from what that data holds, and the data is copied into
    ``folder/data/``: a report reads only inside its own folder (`generator.safepaths`), so the
    folder travels whole and a report.yaml received from elsewhere cannot read the disk.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(Problem(str(folder), "", "already exists and is not empty", "choose a new folder name"))
    report_text = None
    if data is not None:
        from generator.ingest import read_inputs
        from generator.report_for_data import report_settings, report_yaml

        # The tables beside the events (a proceedings list, population estimates) add the
        # pages they feed, as `build --data` adds them.
        log, _, _, tables = read_inputs([Path(data)])
        if log.events.empty:
            raise InputError(Problem(str(data), "", "holds no events", "point --data at an export with events"))
        report_text = report_yaml(report_settings(log, Path(data), tables), "data")
    content = resource_dir("content")
    written = []

    def put(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)

    if report_text is None:
        put(content / "init" / "report.yaml", folder / "report.yaml")
    else:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.yaml").write_text(report_text, encoding="utf-8")
        written.append(folder / "report.yaml")
        source = Path(data)
        if source.is_dir():
            shutil.copytree(source, folder / "data", dirs_exist_ok=True)
        else:
            (folder / "data").mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / "data" / source.name)
        written.append(folder / "data")
    put(content / "pages" / "about.md", folder / "pages" / "about.md")
    put(content / "init" / "data-README.md", folder / "data" / "README.md")
    for map_file in sorted((content / "maps").glob("*.yaml")):
        put(map_file, folder / "maps" / map_file.name)
    readme = folder / "README.md"
    readme.write_text(
        "# Your carejourneys report\n\n"
        "1. Put your exported files in `data/` (see `data/README.md`).\n"
        "2. Edit `report.yaml`: title, period, annotations, pages.\n"
        "3. Run `carejourneys validate report.yaml`, then `carejourneys build report.yaml`.\n"
        "4. Open `build/index.html`. Add `--zip` to get one file to email, `--single-file` when\n"
        "   mail filters strip scripts, and `carejourneys pdf` for a printable PDF.\n"
        "\n`maps/` holds the pathway maps, to adapt to your front door's stages.\n",
        encoding="utf-8",
    )
    written.append(readme)
    return written
