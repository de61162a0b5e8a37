from pathlib import Path

import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.exceptions import ConfigError


def test_packaged_catalogue_loads_with_features_keyed_for_usage_data() -> None:
    catalogue = load_catalogue()

    assert catalogue.product == "Northwind"
    assert "api" in catalogue.feature_keys
    assert len(set(catalogue.feature_keys)) == len(catalogue.feature_keys)
    assert all(feature.aliases for feature in catalogue.features)


def test_a_custom_catalogue_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("product: Acme\nplans: [Free, Pro]\nfeatures: [{key: x, name: X}]\n")

    assert load_catalogue(path).plans == ["Free", "Pro"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("product: [unclosed", "is not a valid catalogue"),
        ("product: Acme\n", "is not a valid catalogue"),
    ],
)
def test_bad_catalogue_files_give_one_line_errors(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "catalogue.yaml"
    if content is not None:
        path.write_text(content)

    with pytest.raises(ConfigError, match=message) as raised:
        load_catalogue(path)
    assert "\n" not in raised.value.message
