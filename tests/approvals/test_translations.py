"""The approvals pages in German: the catalog covers every template string, and the
language switcher turns the inbox, a task page and the start page into German."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.approvals.catalog import _parse, compile_po
from tests.approvals.helpers import open_task

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "approvals" / "locale" / "de" / "LC_MESSAGES" / "django.po"
TEMPLATES = ROOT / "approvals" / "templates"
TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")


def test_the_german_catalog_translates_every_string_of_every_template() -> None:
    """A string added to a template without running makemessages, or left untranslated,
    fails here with its name."""
    catalog = _parse(PO.read_text(encoding="utf-8"))
    used = {
        (path.relative_to(TEMPLATES).as_posix(), match.group(2))
        for path in TEMPLATES.rglob("*.html")
        for match in TRANSLATE.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 100
    missing = sorted(f"{name}: {text!r}" for name, text in used if text not in catalog)
    assert missing == [], "not in approvals/locale/de (run makemessages, translate)"


@pytest.fixture
def german(settings: Any, tmp_path: Path) -> None:
    """The catalog compiled here (no gettext needed), and LocaleMiddleware, which reads
    the language the switcher stores in its cookie."""
    assert compile_po(PO, tmp_path / "de" / "LC_MESSAGES" / "django.mo") > 180
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    locale = "django.middleware.locale.LocaleMiddleware"
    if locale not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1, locale
        )
        settings.MIDDLEWARE = middleware


@pytest.mark.django_db
def test_the_language_switcher_shows_the_pages_in_german(
    german: None, login: Any, start_purchase: Any
) -> None:
    task = open_task(start_purchase().pk)
    bob = login("bob")
    inbox = bob.get("/").content.decode()
    assert 'action="/language/"' in inbox and '<option value="de" lang="de">Deutsch' in inbox
    assert "My tasks" in inbox

    response = bob.post("/language/", {"language": "de", "next": "/inbox/group/"})
    assert response.status_code == 302 and response["Location"] == "/inbox/group/"

    inbox = bob.get("/inbox/group/").content.decode()
    assert '<html lang="de">' in inbox
    assert "Meine Aufgaben" in inbox and "Gruppenaufgaben" in inbox
    assert '<option value="de" lang="de" selected>Deutsch' in inbox
    page = bob.get(f"/tasks/{task.pk}/").content.decode()
    assert ">Übernehmen</button>" in page, "the claim button"
    assert "Verlauf" in page and "Fortschritt" in page
    start = login("alice")
    start.post("/language/", {"language": "de", "next": "/start/"})
    assert "Antrag stellen" in start.get("/start/").content.decode()
