from fastapi.testclient import TestClient

from cspersona.web.assets import STATIC_DIR, plotly_bundle


def test_htmx_is_served_from_our_static_folder_with_its_licence(
    anonymous_client: TestClient,
) -> None:
    script = anonymous_client.get("/static/htmx.min.js")
    licence = anonymous_client.get("/static/htmx.LICENSE")

    assert script.status_code == 200
    assert script.content == (STATIC_DIR / "htmx.min.js").read_bytes()
    assert "Zero-Clause BSD" in licence.text and "htmx 2.0.11" in licence.text


def test_plotly_is_served_from_the_installed_package_not_a_cdn(
    anonymous_client: TestClient,
) -> None:
    bundle = plotly_bundle()
    response = anonymous_client.get("/static/vendor/plotly.min.js")

    assert bundle is not None and bundle.parts[-3:] == ("plotly", "package_data", "plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == bundle.read_bytes()


def test_pages_load_scripts_from_this_server_only(anonymous_client: TestClient) -> None:
    page = anonymous_client.get("/login").text

    assert "https://" not in page and "http://" not in page
    assert '<script src="/static/htmx.min.js' in page
