"""Bad instrument files are rejected with the exact place and reason of every error."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation

from omstil.instruments.validation import load_file

MINI = Path(__file__).parent / "fixtures" / "mini-instrument.yaml"


class _NoAliases(yaml.SafeDumper):
    """Writes a shared object out in full each time, as a person writes an instrument file."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def write(tmp_path: Path, data: object, name: str = "mini-instrument.yaml") -> Path:
    path = tmp_path / name
    text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mini() -> dict:
    return yaml.safe_load(MINI.read_text(encoding="utf-8"))


def errors_of(path: Path) -> list[str]:
    with translation.override("da"):
        doc, errors = load_file(path)
    assert (doc is None) == bool(errors)
    return [str(error) for error in errors]


def test_a_valid_file_has_no_errors():
    assert errors_of(MINI) == []


def test_missing_wording_for_a_role_is_reported_at_the_item(tmp_path, mini):
    del mini["themes"][0]["items"][1]["text"]["self"]
    path = write(tmp_path, mini)
    assert errors_of(path) == [
        f"{path}: themes[0].items[1].text.self: mangler formulering for rollen “self”"
    ]


def test_wording_for_a_role_the_instrument_does_not_have_is_rejected(tmp_path, mini):
    mini["themes"][0]["items"][0]["text"]["peer"] = {"da": "Min kollega", "en": "My peer"}
    path = write(tmp_path, mini)
    assert errors_of(path) == [
        f"{path}: themes[0].items[0].text.peer: rollen “peer” står ikke i roles"
    ]


def test_duplicate_item_keys_are_reported_with_both_places(tmp_path, mini):
    mini["themes"][0]["items"][1]["key"] = "forste"
    path = write(tmp_path, mini)
    assert errors_of(path) == [
        f"{path}: themes[0].items[1].key: udsagnsnøglen “forste” er brugt før, "
        "i themes[0].items[0].key"
    ]


def test_duplicate_item_keys_across_themes_are_rejected(tmp_path, mini):
    second = dict(mini["themes"][0], key="andet-tema")
    mini["themes"].append(second)
    path = write(tmp_path, mini)
    errors = errors_of(path)
    expected = "udsagnsnøglen “forste” er brugt før, i themes[0].items[0].key"
    assert f"{path}: themes[1].items[0].key: {expected}" in errors
    assert len(errors) == 2


def test_an_unknown_language_is_rejected(tmp_path, mini):
    mini["title"]["fr"] = "Mini-instrument"
    path = write(tmp_path, mini)
    assert errors_of(path) == [f"{path}: title: ukendt sprog: fr (kun da og en)"]


def test_a_missing_translation_is_reported(tmp_path, mini):
    del mini["themes"][0]["why"]["en"]
    path = write(tmp_path, mini)
    assert errors_of(path) == [f"{path}: themes[0].why.en: mangler"]


def test_an_empty_text_is_rejected(tmp_path, mini):
    mini["summary"]["da"] = "   "
    path = write(tmp_path, mini)
    assert errors_of(path) == [f"{path}: summary.da: må ikke være tom"]


def test_an_unknown_role_is_rejected(tmp_path, mini):
    mini["roles"].append("boss")
    path = write(tmp_path, mini)
    errors = errors_of(path)
    assert errors == [
        f"{path}: roles[3]: skal være en af: 'employee', 'self', 'superior' or 'peer'"
    ]


def test_an_unknown_field_is_rejected(tmp_path, mini):
    mini["themes"][0]["colour"] = "blue"
    path = write(tmp_path, mini)
    assert errors_of(path) == [f"{path}: themes[0].colour: ukendt felt"]


def test_a_key_that_is_not_a_slug_is_rejected(tmp_path, mini):
    mini["themes"][0]["items"][0]["key"] = "Første udsagn"
    path = write(tmp_path, mini)
    [error] = errors_of(path)
    assert error.startswith(f"{path}: themes[0].items[0].key: skal være en nøgle af små bogstaver")


def test_the_key_must_match_the_file_name(tmp_path, mini):
    path = write(tmp_path, mini, name="andet-navn.yaml")
    assert errors_of(path) == [f"{path}: key: skal være “andet-navn”, som filen hedder"]


def test_a_self_assessment_has_only_the_self_role(tmp_path, mini):
    mini["kind"] = "self_assessment"
    path = write(tmp_path, mini)
    assert f"{path}: roles: en selvevaluering har kun rollen “self”" in errors_of(path)


def test_broken_yaml_is_reported_with_line_and_column(tmp_path):
    path = tmp_path / "mini-instrument.yaml"
    path.write_text("schema: 1\nkey: [unclosed\n", encoding="utf-8")
    [error] = errors_of(path)
    assert error.startswith(f"{path}: linje 3, kolonne 1: ugyldig YAML:")


def test_a_key_repeated_in_one_mapping_is_broken_yaml(tmp_path):
    path = tmp_path / "mini-instrument.yaml"
    path.write_text(MINI.read_text(encoding="utf-8") + "key: mini-instrument\n", encoding="utf-8")
    [error] = errors_of(path)
    assert error.startswith(f"{path}: linje ")
    assert "nøglen “key” står to gange" in error


def test_a_file_that_is_not_utf8_is_rejected(tmp_path):
    path = tmp_path / "mini-instrument.yaml"
    path.write_bytes("title: Ærø".encode("cp1252"))
    assert errors_of(path) == [f"{path}: $: filen er ikke gemt som UTF-8"]


def test_a_file_that_is_not_a_mapping_is_rejected(tmp_path):
    path = tmp_path / "mini-instrument.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    assert errors_of(path) == [f"{path}: $: filen skal indeholde en samling af felter"]


def test_every_error_in_a_file_is_reported_not_only_the_first(tmp_path, mini):
    del mini["themes"][0]["why"]
    mini["title"]["de"] = "Titel"
    mini["guides"]["leader"]["sections"] = []
    path = write(tmp_path, mini)
    assert sorted(errors_of(path)) == sorted(
        [
            f"{path}: title: ukendt sprog: de (kun da og en)",
            f"{path}: themes[0].why: mangler",
            f"{path}: guides.leader.sections: skal have mindst 1 element(er)",
        ]
    )


def test_errors_are_in_english_when_english_is_active(tmp_path, mini):
    del mini["themes"][0]["items"][1]["text"]["self"]
    path = write(tmp_path, mini)
    with translation.override("en"):
        _, errors = load_file(path)
    assert [error.message for error in errors] == ["no wording for the role “self”"]


def test_the_validate_command_prints_every_error_and_exits_1(tmp_path, mini, capsys):
    del mini["themes"][0]["items"][1]["text"]["self"]
    bad = write(tmp_path, mini)
    with pytest.raises(SystemExit) as exit_info:
        call_command("instruments", "validate", str(MINI), str(bad))
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"{bad}: themes[0].items[1].text.self: mangler formulering for rollen “self”"
    ]


def test_the_validate_command_passes_a_good_file(capsys):
    call_command("instruments", "validate", str(MINI))
    assert "i orden" in capsys.readouterr().out
