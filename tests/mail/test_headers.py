"""What mail programs see: Message-ID on the site's domain, Auto-Submitted on system mail, and
the mail `make run` keeps as real .eml files (issue 10, mail and calendar)."""

import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from vzhg.mail.services import mail_queue

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_outbox_mail_has_a_message_id_on_the_site_domain_and_says_it_is_automatic(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://vzhg.example.nl"
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue(
            to="lid@delft.nl",
            subject="Aanmelding bevestigd",
            text="Tot dan",
            kind="events.registration.confirmed",
        )
    parsed = email.message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=email.policy.default)
    assert parsed["Message-ID"].strip("<>").endswith("@vzhg.example.nl")
    assert parsed["Auto-Submitted"] == "auto-generated"


def test_a_personal_mail_can_say_it_is_not_automatic(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue(
            to="lid@delft.nl", subject="Even persoonlijk", text="Hoi", headers={"Auto-Submitted": "no"}
        )
    assert mail.outbox[-1].message()["Auto-Submitted"] == "no"


def test_make_run_keeps_each_message_as_an_eml_file_a_mail_program_opens(
    settings, tmp_path, django_capture_on_commit_callbacks, capsys
):
    settings.EMAIL_BACKEND = "vzhg.mail.backends.LocalMailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    settings.SITE_URL = "http://127.0.0.1:8000"
    with django_capture_on_commit_callbacks(execute=True):
        mail_queue(to="een@delft.nl", subject="Eerste", text="Eén", html="<p>Eén</p>")
        mail_queue(
            to="twee@delft.nl",
            subject="Tweede",
            text="Twee",
            attachments=[("uitnodiging.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
        )

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2 and not list(tmp_path.glob("*.log"))
    parsed = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files]
    assert sorted(message["Subject"] for message in parsed) == ["Eerste", "Tweede"]
    for message in parsed:
        assert message["From"] and message["Date"] and message["Message-ID"]
        assert message.get_body(("plain",)).get_content().strip() in ("Eén", "Twee")
    [with_ics] = [message for message in parsed if message["Subject"] == "Tweede"]
    assert [part.get_filename() for part in with_ics.iter_attachments()] == ["uitnodiging.ics"]
    assert "Eerste" in capsys.readouterr().out  # and the terminal shows it


def _local_site_url(**env) -> str:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SITE_URL", "VZHG_ADDR", "DJANGO_ALLOWED_HOSTS")
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="vzhg.settings.local")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SITE_URL, *s.ALLOWED_HOSTS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_make_run_on_another_address_puts_that_address_in_the_links():
    assert _local_site_url()[0] == "http://127.0.0.1:8000"
    assert _local_site_url(VZHG_ADDR="127.0.0.1:8123")[0] == "http://127.0.0.1:8123"
    assert _local_site_url(VZHG_ADDR="8124")[0] == "http://127.0.0.1:8124"
    url, *hosts = _local_site_url(VZHG_ADDR="192.168.1.5:8000")
    assert url == "http://192.168.1.5:8000" and "192.168.1.5" in hosts
    assert _local_site_url(VZHG_ADDR="127.0.0.1:8123", SITE_URL="https://vzhg.test")[0] == "https://vzhg.test"


def test_the_run_script_hands_its_address_to_the_app():
    script = (ROOT / "scripts" / "run").read_text()
    assert 'export VZHG_ADDR="${VZHG_ADDR:-127.0.0.1:8000}"' in script
    assert 'runserver "${VZHG_ADDR}"' in script
