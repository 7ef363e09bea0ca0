"""The three territory report pages in a real browser (Debian's Chromium), in French,
English and Spanish: they render, plotly (served by the portal) draws their charts, and
the browser console shows no error and no Content-Security-Policy violation.

Starts ``lakou demo --listen`` (the demo registry: its Sint Maarten exchange is the one
the example traceroutes cross) with the report's inputs set by ``LAKOU_*`` overrides:
an inventory the territory engine builds from small files, ``examples/atlas-results.json``
and a small what-if scenario.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.live.portal.test_browser import CSP_WATCH, browser, free_port, wait_for_http
from tests.portal.territory_fixtures import (
    COUNTRIES,
    EXAMPLES,
    make_data_dir,
    make_inventory,
    make_scenario,
)

pytestmark = pytest.mark.live
__all__ = ["browser"]  # the Chromium fixture, shared with test_browser.py

PAGES = {
    "territory/": (
        "#classes-chart .main-svg",
        "#confidence-chart .main-svg",
        "#content-chart .main-svg",
    ),
    "territory/paths/": ("#paths-chart .main-svg",),
    "territory/whatif/": (
        "#states-chart .main-svg",
        "#matrix-0 .main-svg",
        "#matrix-1 .main-svg",
        "#candidates-chart .main-svg",
    ),
}
HEADINGS = {
    "en": {
        "territory/": "The territory's networks",
        "territory/paths/": "Do the territory's paths stay local?",
        "territory/whatif/": "What if the international links are cut?",
    },
    "fr": {
        "territory/": "Les réseaux du territoire",
        "territory/paths/": "Les chemins du territoire restent-ils locaux ?",
        "territory/whatif/": "Et si les liens internationaux étaient coupés ?",
    },
    "es": {
        "territory/": "Las redes del territorio",
        "territory/paths/": "¿Se quedan locales los caminos del territorio?",
        "territory/whatif/": "¿Y si se cortan los enlaces internacionales?",
    },
}


@pytest.fixture(scope="module")
def report_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("territory-demo-home")
    inventory = make_inventory(home)
    scenario, asrel = make_scenario(home)
    log = home / "server.log"
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_DATABASE_URL", "LAKOU_CONFIG", "DJANGO_SETTINGS_MODULE")
    }
    env |= {
        "XDG_DATA_HOME": str(home),
        "LAKOU_TERRITORY__INVENTORY": str(inventory),
        "LAKOU_TERRITORY__COUNTRIES": "[" + ", ".join(COUNTRIES) + "]",
        "LAKOU_PATHS__TRACEROUTES": f"[{EXAMPLES / 'atlas-results.json'}]",
        "LAKOU_PATHS__DATA_DIR": str(make_data_dir(home)),
        "LAKOU_WHATIF__SCENARIO": str(scenario),
        "LAKOU_WHATIF__ASREL": str(asrel),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from lakou.cli import main; main()", "demo", "--listen",
             f"127.0.0.1:{port}"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=home, start_new_session=True,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, proc, log)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_report_pages_render_in_each_language(
    report_server: str, browser, lang: str, tmp_path: Path
) -> None:
    context = browser.new_context(locale=lang, extra_http_headers={"Accept-Language": lang})
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {page.url}: {msg.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {page.url}: {error}"))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    for path, charts in PAGES.items():
        response = page.goto(report_server + path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").inner_text() == HEADINGS[lang][path]
        for chart in charts:
            page.wait_for_selector(chart)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
        page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-')}-{lang}.png"))
    main = page.locator("main").inner_text()  # the what-if page, last
    assert "2 / 6" in main
    page.goto(report_server + "territory/paths/")
    shares = page.locator("[data-figure^=share-]").all_inner_texts()
    assert len(shares) == 4 and shares[0].startswith("50") and shares[2].startswith("50")
    context.close()
    assert failed == []
    assert [line for line in console if line.startswith(("error", "pageerror"))] == []
