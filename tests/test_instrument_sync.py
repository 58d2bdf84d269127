"""Loading the library: new files become instruments, changed ones new versions, bad ones none."""

import shutil
from pathlib import Path

import pytest
import yaml

from omstil.instruments.models import Instrument, InstrumentVersion, Item
from omstil.instruments.services import get_version, sync_library
from omstil.instruments.validation import InstrumentFileInvalid

MINI = Path(__file__).parent / "fixtures" / "mini-instrument.yaml"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "library"
    directory.mkdir()
    shutil.copy(MINI, directory / MINI.name)
    return directory


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_new_file_becomes_version_1_with_its_themes_and_items(db, library_dir):
    [result] = sync_library([library_dir])
    assert (result.key, result.version, result.action) == ("mini-instrument", 1, "created")
    version = get_version("mini-instrument")
    assert [item.key for item in version.items.all()] == ["forste", "anden"]
    assert version.items.get(key="anden").wording("self", "en") == "I listen"
    assert version.themes.get().content["reflection_questions"] == [
        {"da": "Hvad gør du?", "en": "What do you do?"}
    ]


def test_syncing_an_unchanged_file_changes_nothing(db, library_dir):
    sync_library([library_dir])
    [result] = sync_library([library_dir])
    assert result.action == "unchanged"
    assert InstrumentVersion.objects.count() == 1


def test_a_changed_file_becomes_a_new_version_and_the_old_one_stays_as_it_was(db, library_dir):
    sync_library([library_dir])
    first = get_version("mini-instrument")
    edit(
        library_dir / MINI.name,
        lambda d: d["themes"][0]["items"][0]["text"]["employee"].update(
            da="Min leder forklarer, hvorfor"
        ),
    )
    [result] = sync_library([library_dir])
    assert (result.version, result.action) == (2, "new_version")
    first.refresh_from_db()
    assert first.items.get(key="forste").wording("employee", "da") == "Min leder forklarer hvorfor"
    assert get_version("mini-instrument").items.get(key="forste").wording("employee", "da") == (
        "Min leder forklarer, hvorfor"
    )
    assert get_version("mini-instrument", 1).pk == first.pk


def test_a_stored_version_cannot_be_saved_again(db, library_dir):
    sync_library([library_dir])
    version = get_version("mini-instrument")
    version.document = {}
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_one_bad_file_means_nothing_is_written(db, library_dir):
    bad = library_dir / "broken.yaml"
    bad.write_text("key: [", encoding="utf-8")
    with pytest.raises(InstrumentFileInvalid) as info:
        sync_library([library_dir])
    assert [error.file for error in info.value.errors] == [str(bad)]
    assert not Instrument.objects.exists()
    assert not Item.objects.exists()


def test_two_files_with_the_same_key_are_rejected(db, library_dir, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(MINI, other / MINI.name)
    with pytest.raises(InstrumentFileInvalid) as info:
        sync_library([library_dir, other])
    [error] = info.value.errors
    assert error.path == "key"
    assert not Instrument.objects.exists()


def test_the_sync_command_reports_what_it_did(db, library_dir, capsys):
    from django.core.management import call_command

    call_command("instruments", "sync", str(library_dir), "--json")
    out = capsys.readouterr().out
    assert '"action": "created"' in out
    call_command("instruments", "sync", str(library_dir))
    assert "uændret" in capsys.readouterr().out


def test_the_sync_command_exits_1_and_writes_nothing_on_a_bad_file(db, library_dir, capsys):
    from django.core.management import call_command

    edit(library_dir / MINI.name, lambda d: d["themes"][0]["items"][0].update(key="anden"))
    with pytest.raises(SystemExit) as exit_info:
        call_command("instruments", "sync", str(library_dir), "--json")
    assert exit_info.value.code == 1
    assert '"ok": false' in capsys.readouterr().out
    assert not Instrument.objects.exists()
