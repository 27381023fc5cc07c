"""The Dutch catalogue: complete, translated, compiled, and used by the pages.

The UI is Dutch by default (LANGUAGE_CODE = "nl") with msgids in English. These tests fail when
a string is marked for translation but missing from locale/nl/LC_MESSAGES/django.po, when an
entry is untranslated or fuzzy, when a translation drops a placeholder or an HTML tag, and when
django.mo is older than django.po. To update the catalogue:

    .venv/bin/python manage.py makemessages -l nl \
        --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests
    (translate the new entries)
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# What makemessages must not look at: the same list as in the module docstring.
IGNORED = (".venv", "node_modules", "var", "tests")
NOT_COPIED = {*IGNORED, ".git", "__pycache__", ".pytest_cache", ".ruff_cache"}

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def entry_key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def describe(keys) -> str:
    lines = []
    for context, msgid, _plural in sorted(keys, key=lambda key: (key[0] or "", key[1])):
        lines.append(f"  {msgid!r}" + (f" (context {context!r})" if context else ""))
    return "\n".join(lines)


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# --- (a) every entry is translated ---------------------------------------------------------------


def test_every_entry_is_translated_and_not_fuzzy():
    po = catalogue()
    assert po.metadata.get("Language") == "nl"
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    entries = [entry for entry in po if not entry.obsolete]
    assert len(entries) > 100, f"only {len(entries)} entries in {PO_PATH}"
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy entries (check the translation, then remove the flag):\n" + "\n".join(fuzzy)
    untranslated = [entry.msgid for entry in entries if not all(text.strip() for text in translations(entry))]
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_translations_keep_placeholders_tags_and_newlines():
    problems = []
    for entry in catalogue():
        if entry.obsolete:
            continue
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        placeholders = sorted(set(PLACEHOLDER.findall("".join(sources))))
        tags = sorted(TAG.findall(entry.msgid))
        for text in translations(entry):
            if sorted(set(PLACEHOLDER.findall(text))) != placeholders:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
            if sorted(TAG.findall(text)) != tags:
                problems.append(f"HTML tags differ: {entry.msgid!r} -> {text!r}")
            starts, ends = entry.msgid.startswith("\n"), entry.msgid.endswith("\n")
            if text.startswith("\n") != starts or text.endswith("\n") != ends:
                problems.append(f"leading/trailing newline differs: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_matches_the_po_file():
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run manage.py compilemessages"
    compiled = {entry_key(entry): translations(entry) for entry in polib.mofile(str(MO_PATH)) if entry.msgid}
    source = {entry_key(entry): translations(entry) for entry in catalogue() if not entry.obsolete}
    assert compiled == source, f"{MO_PATH.name} is out of date: run manage.py compilemessages"


# --- (b) the catalogue holds every string of the source -----------------------------------------


def test_catalogue_has_exactly_the_msgids_of_the_source(tmp_path):
    """Runs makemessages on a copy of the source and compares its msgids with the committed ones."""
    for tool in ("xgettext", "msguniq", "msgmerge", "msgattrib"):
        assert shutil.which(tool), f"{tool} not found: install the gettext tools (scripts/test does)"
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns(*NOT_COPIED, "locale", "*.pyc")
    shutil.copytree(ROOT, project, ignore=ignore, symlinks=True)
    (project / "locale").mkdir()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vzhg.settings.test", "PYTHONPATH": str(project)}
    command = [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-location"]
    command += [f"--ignore={name}" for name in IGNORED]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    generated_path = project / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    generated = {entry_key(entry) for entry in polib.pofile(str(generated_path)) if not entry.obsolete}
    assert len(generated) > 100, f"makemessages found only {len(generated)} strings:\n{result.stderr}"
    committed = {entry_key(entry) for entry in catalogue() if not entry.obsolete}
    missing = generated - committed
    stale = committed - generated
    assert not missing and not stale, (
        f"strings in the source but not in {PO_PATH} (run makemessages and translate):\n{describe(missing)}\n"
        if missing
        else ""
    ) + (f"entries no longer in the source (run makemessages):\n{describe(stale)}\n" if stale else "")


# --- (c) pages speak Dutch by default and English on request -------------------------------------


@pytest.mark.django_db
def test_pages_are_dutch_without_a_language_cookie(client):
    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert '<html lang="nl">' in html
    for text in ("Direct naar de inhoud", ">Home<", ">Leden<", ">Inloggen<", "Account aanmaken", "Vragen?"):
        assert text in html, text
    for english in (">Members<", ">Log in<", "Create an account", "Skip to main content"):
        assert english not in html, english

    login = client.get("/account/login/")
    assert login.status_code == 200
    html = login.content.decode()
    for text in ("<h1>Inloggen</h1>", "E-mailadres", "Stuur me een inlogcode", "Liever inloggen met een"):
        assert text in html, text
    assert "Mail me a login code" not in html


@pytest.mark.django_db
def test_logged_in_navigation_is_dutch(client, django_user_model):
    user = django_user_model.objects.create_user(email="lid@example.org", password="x-2026-lang")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert ">Mijn profiel<" in html
    assert ">Uitloggen<" in html
    assert "My profile" not in html


@pytest.mark.django_db
def test_pages_are_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    for text in ("Skip to main content", ">Members<", ">Log in<", "Create an account"):
        assert text in html, text
    assert ">Inloggen<" not in html

    html = client.get("/account/login/").content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Mail me a login code" in html
    assert "Stuur me een inlogcode" not in html
