"""Installed from a wheel (not editable), the tool still finds its templates and demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_builds_the_demo_from_another_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                   check=True, capture_output=True)
    wheel = next(wheels.glob("carejourneys-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    # The package itself from the wheel; its dependencies borrowed from this test's environment
    # (appended after the fresh venv's own site-packages, so the wheel's copy wins).
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    (target / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([python, "-c", "import generator; print(generator.__file__)"], cwd=elsewhere,
                           check=True, capture_output=True, text=True, env=env).stdout
    assert str(target) in where, f"generator imported from {where}, not the wheel"
    result = subprocess.run([python, "-m", "generator", "build", "--out", str(tmp_path / "x"), "-q"], cwd=elsewhere,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "x" / "manifest.json").read_text())
    assert manifest["pages"][0]["file"] == "index.html"
    assert (tmp_path / "x" / "index.html").is_file()


