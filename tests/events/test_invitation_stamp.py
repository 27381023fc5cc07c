"""A mailing renders the invitation templates once per batch with stand-ins for the per-person
parts and fills them in per person (events.invitation_mail.invitation_mails_render). The result
must be exactly what the full render per person (`invitation_mail_render`) gives: salutations,
names with & < " ', own subjects and texts with merge fields and special characters."""

import pytest
from django.utils import translation

from events import invitation_mail, mailings
from events.invitation_mail import invitation_mail_render, invitation_mails_render, invitation_texts_prepare
from events.models import EventMailing, Invitation
from members.models import Person
from tests.events.staff_factories import EventFactory
from tests.factories import MunicipalityFactory, PersonFactory, UserFactory
from vzhg.mail.language import mail_translation

pytestmark = pytest.mark.django_db

F = Person.Function
TEXTS = [
    ("", ""),  # the standard mail
    ("{evenement} in {gemeente} voor {naam}", ""),  # own subject only
    ("", "Wij nodigen u uit, {voornaam}.\n\nHet thema: **wonen & werken** <b>vet</b> \"x\" 'y' a < b."),
    (
        'Uitnodiging & <meer> "{achternaam}"',
        "{aanhef},\n\n{naam} ({functie}, {gemeente}): zie {mijn-aanmelding} op {datum} & <https://vzhg.nl/?a=1&b=2>.",
    ),
    ("{functie}", "{voornaam}"),  # fills in empty for somebody: subject falls back, text in full
    ("Literal {{brace}} & {evenement}", "Accolades {{zo}} en [een link](https://vzhg.nl/?x=1&y=<2>)."),
]


@pytest.fixture(autouse=True)
def _dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


@pytest.fixture
def people():
    gouda = MunicipalityFactory(name='Gouda & <Zuid> "Holland"')
    return [
        PersonFactory(
            first_name="Piet",
            last_name="Jansen",
            salutation="heer",
            function=F.BURGEMEESTER,
            organisation=gouda,
        ),
        PersonFactory(
            first_name="Anna",
            tussenvoegsel="de",
            last_name="Vries",
            salutation="mevrouw",
            function=F.WETHOUDER,
        ),
        PersonFactory(first_name="Kim & <b>Jo</b>", last_name='O\'Brien "K"', function=F.GRIFFIER),
        PersonFactory(
            first_name="Ed < & >", last_name="Smit", function=F.BELEIDSMEDEWERKER, organisation=gouda
        ),
        PersonFactory(first_name="", last_name="Zonder Voornaam", salutation="heer", function=F.DIRECTEUR),
        PersonFactory(
            first_name="  Spatie ", last_name="\ue000salutation\ue001 {voornaam}", function=F.AMBTENAAR
        ),
    ]


@pytest.mark.parametrize(("subject", "body"), TEXTS)
def test_the_fast_path_gives_exactly_the_full_render_for_everybody(people, subject, body, caplog):
    event = EventFactory(title='Congres & <Wonen> "2027"', summary="Over 'wonen' & <werken>.")
    texts = invitation_texts_prepare(subject=subject, body=body)
    full = [invitation_mail_render(event=event, person=person, texts=texts) for person in people]
    # The stamp itself, without the safety net of the first person's check:
    stamp = invitation_mail._stamp_prepare(event=event, texts=texts)
    assert stamp is not None
    with mail_translation():
        filled = [invitation_mail._stamp_fill(stamp, person=person) for person in people]
    for person, mail, expected in zip(people, filled, full, strict=True):
        if body == "{voornaam}" and not person.first_name:
            assert mail is None  # the text fills in empty: the template takes another branch
        else:
            assert mail == expected, person
    assert invitation_mails_render(event=event, people=people, texts=texts) == full
    assert "differs from the full render" not in caplog.text


def test_the_templates_are_rendered_once_per_batch_not_per_person(people, monkeypatch):
    event = EventFactory()
    calls = []
    full = invitation_mail.invitation_mail_render
    monkeypatch.setattr(
        invitation_mail, "invitation_mail_render", lambda **kw: calls.append(kw) or full(**kw)
    )
    texts = invitation_texts_prepare(subject="Voor {voornaam}", body="{aanhef},\n\nWelkom, {naam}.")
    mails = invitation_mails_render(event=event, people=people[:4], texts=texts)
    assert len(calls) == 1  # only the check of the first person
    assert [mail.subject for mail in mails] == [f"Voor {p.first_name}" for p in people[:4]]


def test_a_stamp_that_differs_from_the_full_render_falls_back_to_it(people, monkeypatch):
    event = EventFactory()
    texts = invitation_texts_prepare(body="Hallo {voornaam}")
    real_fill = invitation_mail._stamp_fill

    def wrong(stamp, *, person):
        mail = real_fill(stamp, person=person)
        mail.html += "<!-- iets wat de template niet schrijft -->"
        return mail

    monkeypatch.setattr(invitation_mail, "_stamp_fill", wrong)
    fast = invitation_mails_render(event=event, people=people, texts=texts)
    assert fast == [invitation_mail_render(event=event, person=person, texts=texts) for person in people]


def test_a_mailing_stores_the_full_render_of_every_person(people):
    event = EventFactory(title="Dag & <nacht>")
    subject, body = TEXTS[3]
    mailing = EventMailing.objects.create(
        event=event,
        kind=EventMailing.Kind.INVITATION,
        recipient_ids=[person.pk for person in people],
        total=len(people),
        created_by=UserFactory(),
        subject=subject,
        body=body,
    )
    mailings.event_mailing_send(mailing_id=mailing.pk)
    texts = invitation_texts_prepare(subject=subject, body=body)
    for invitation in Invitation.objects.filter(event=event).select_related("person", "mail"):
        expected = invitation_mail_render(event=event, person=invitation.person, texts=texts)
        assert (invitation.mail.subject, invitation.mail.body_text, invitation.mail.body_html) == (
            expected.subject,
            expected.text,
            expected.html,
        )
    assert Invitation.objects.filter(event=event).count() == len(people)
