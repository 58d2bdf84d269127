"""Danish is the source language; the English catalogue is complete and up to date."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "omstil" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_has_an_english_translation_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr.strip()
    assert "fuzzy" not in statistics
    assert "untranslated" not in statistics
    assert "translated message" in statistics


def test_the_catalogue_holds_exactly_the_strings_the_code_marks(tmp_path):
    copy = tmp_path / "omstil"
    shutil.copytree(
        ROOT / "omstil",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "library"),
    )
    (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").unlink()
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "omstil.settings",
        "DEBUG": "1",
        "OMSTIL_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    for ours, theirs in [(CATALOGUE, fresh), (fresh, CATALOGUE)]:
        result = subprocess.run(
            ["msgcmp", "--use-untranslated", "--use-fuzzy", str(ours), str(theirs)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"run `make messages`:\n{result.stderr}"
