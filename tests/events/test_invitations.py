"""Invitations: the secretariat picks an audience, previews the mail, sends; one Invitation and
one outbox row per person; sending again never mails anyone twice; the page shows progress.

The promise "exactly once, also when the worker is killed" is proven at the end, with Redis, a
real Celery worker and an SMTP sink (tests marked services, run by scripts/test)."""

import datetime
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from events import invitations, mailings
from events.models import Event, EventMailing, Invitation
from members import services as member_services
from members.models import Person
from tests.conftest import wait_until
from tests.events.staff_factories import EventFactory, InvitationFactory, nl
from tests.factories import MunicipalityFactory, PersonFactory, RegionFactory, UserFactory
from vzhg.errors import ServiceError
from vzhg.mail import services as mail_services
from vzhg.mail.models import OutgoingMail
from vzhg.mail.services import mail_sweep


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True, email="secretariaat@vzhg.nl")
    user.groups.add(member_services.secretariat_group_ensure())
    client.force_login(user)
    return user


@pytest.fixture
def people():
    """Two regions (one inside the other), three member municipalities, a lapsed member, a partner."""
    holland = RegionFactory(name="Hollands Midden")
    rijnland = RegionFactory(name="Holland Rijnland", parent=holland)
    haaglanden = RegionFactory(name="Haaglanden")
    leiden = MunicipalityFactory(name="Leiden", region=rijnland)
    gouda = MunicipalityFactory(name="Gouda", region=holland)
    delft = MunicipalityFactory(name="Delft", region=haaglanden)
    lapsed = MunicipalityFactory(name="Oudgemeente", member_until="2020-01-01")
    F = Person.Function
    return {
        "leiden_griffier": PersonFactory(first_name="Lotte", organisation=leiden, function=F.GRIFFIER),
        "leiden_mayor": PersonFactory(organisation=leiden, function=F.BURGEMEESTER),
        "gouda_griffier": PersonFactory(organisation=gouda, function=F.GRIFFIER),
        "delft_alderman": PersonFactory(organisation=delft, function=F.WETHOUDER),
        "lapsed": PersonFactory(organisation=lapsed, function=F.GRIFFIER),
        "guest": PersonFactory(organisation=None, first_name="Gast"),
    }


@pytest.mark.django_db
def test_audiences(people):
    def names(qs):
        return {p.pk for p in qs}

    members = {people[k].pk for k in ("leiden_griffier", "leiden_mayor", "gouda_griffier", "delft_alderman")}
    assert names(invitations.invitation_audience(kind="all_members")) == members
    assert names(invitations.invitation_audience(kind="function", functions=["griffier"])) == {
        people["leiden_griffier"].pk, people["gouda_griffier"].pk,
    }  # fmt: skip
    holland = people["gouda_griffier"].organisation.region
    assert names(invitations.invitation_audience(kind="region", region=holland)) == {
        people["leiden_griffier"].pk, people["leiden_mayor"].pk, people["gouda_griffier"].pk,
    }  # fmt: skip
    assert names(invitations.invitation_audience(kind="people", people=[people["guest"]])) == {
        people["guest"].pk
    }


@pytest.mark.django_db
def test_audience_governance_body_is_todays_mandates(
    client, secretariat, people, django_capture_on_commit_callbacks
):
    from governance.models import Body, Mandate

    board = Body.objects.create(name="Dagelijks bestuur", slug="db", kind=Body.Kind.DB)
    other = Body.objects.create(name="Algemeen bestuur", slug="ab", kind=Body.Kind.AB)
    today = datetime.date.today()
    days = datetime.timedelta
    Mandate.objects.create(person=people["leiden_mayor"], body=board, start=today - days(400))
    Mandate.objects.create(person=people["guest"], body=board, start=today - days(10))
    Mandate.objects.create(  # ended
        person=people["gouda_griffier"],
        body=board,
        start=today - days(900),
        end=today - days(1),
    )
    Mandate.objects.create(person=people["delft_alderman"], body=other, start=today - days(10))

    chosen = invitations.invitation_audience(kind="body", body=board)
    assert {p.pk for p in chosen} == {people["leiden_mayor"].pk, people["guest"].pk}

    event = EventFactory()
    url = reverse("admin:events_event_invitations", args=[event.pk])
    assert client.post(url, {"audience": "body"}).context["form"].errors["body"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"audience": "body", "body": board.pk, "send": "1"})
    board_members = [people["leiden_mayor"].email, people["guest"].email]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(board_members)


@pytest.mark.django_db
def test_send_creates_one_invitation_and_mail_each_and_never_twice(
    people, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Klankbordbijeenkomst Energie")
    actor = UserFactory()
    griffiers = invitations.invitation_audience(kind="function", functions=["griffier"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = invitations.invitation_send(event=event, people=griffiers, actor=actor)

    assert (result.created, result.skipped) == (2, 0)
    assert len(callbacks) == 2  # every message is handed to the worker only after commit
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in griffiers)
    lotte = next(m for m in mail.outbox if m.to == [people["leiden_griffier"].email])
    # Dutch once the catalogue has the strings; the title and the name are there either way.
    assert lotte.subject.endswith(": Klankbordbijeenkomst Energie")
    # A griffier is greeted formally; without a known salutation by first and last name.
    assert lotte.body.splitlines()[0].startswith("Geachte Lotte ")
    assert f"/agenda/{event.slug}/" in lotte.body
    assert lotte.alternatives[0][1] == "text/html" and "Lotte" in lotte.alternatives[0][0]
    made = Invitation.objects.filter(event=event).select_related("mail")
    assert {(i.person_id, i.mail.to, i.created_by_id) for i in made} == {
        (p.pk, p.email, actor.pk) for p in griffiers
    }
    # Each mail names whom it is about, so retention and erasure can find it.
    assert {i.mail.reference for i in made} == {f"members.person:{p.pk}" for p in griffiers}

    # All members now: the two griffiers are skipped, the two others get one mail each.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = invitations.invitation_send(
            event=event, people=invitations.invitation_audience(kind="all_members"), actor=actor
        )
    assert (again.created, again.skipped) == (2, 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["leiden_mayor"].email, people["delft_alderman"].email]
    )
    assert Invitation.objects.filter(event=event).count() == OutgoingMail.objects.count() == 4


@pytest.mark.django_db
def test_cancelled_event_takes_no_invitations(people):
    event = EventFactory(status=Event.Status.CANCELLED)
    with translation.override("en"), pytest.raises(ServiceError, match="cancelled"):
        invitations.invitation_send(event=event, people=[people["guest"]], actor=None)
    assert not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_send_query_count_per_person_is_constant(django_assert_max_num_queries, size):
    event = EventFactory()
    municipality = MunicipalityFactory()
    recipients = [PersonFactory(organisation=municipality) for _ in range(size)]

    # The request: cancelled?, invited before?, the mailing row (in a savepoint here). No mail is
    # rendered there.
    with django_assert_max_num_queries(5):
        invitations.invitation_send(event=event, people=recipients, actor=None)
    assert Invitation.objects.count() == 0

    # The worker's task: claim, then one batch (lock, event, invited before, people, one bulk
    # insert of mails, one of invitations, progress; savepoints here), whatever the number of
    # people.
    mailing = EventMailing.objects.get()
    with django_assert_max_num_queries(15):
        mailings.event_mailing_send(mailing_id=mailing.pk)

    assert Invitation.objects.count() == OutgoingMail.objects.count() == size


@pytest.mark.django_db
def test_page_previews_for_the_first_recipient_then_sends_and_shows_progress(
    client, secretariat, people, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Netwerkbijeenkomst griffiers")
    url = reverse("admin:events_event_invitations", args=[event.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["progress"].total == 0
    assert nl("Nobody has been invited to this event yet.") in page.content.decode()

    preview = client.post(url, {"audience": "function", "functions": ["griffier"]})

    assert preview.status_code == 200
    assert preview.context["preview"]["total"] == 2
    # name order: Achternaam… of the Gouda griffier was made after Lotte's, so Lotte comes first
    assert preview.context["preview"]["person"] == people["leiden_griffier"]
    first = preview.context["preview"]["person"]
    assert f"Geachte {first.first_name} " in preview.context["preview"]["mail"].text.splitlines()[0]
    assert not Invitation.objects.exists() and not mail.outbox  # a preview sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"audience": "function", "functions": ["griffier"], "send": "yes"})

    assert (sent.status_code, sent["Location"]) == (302, url)
    sent = client.get(url)
    queued = nl(
        "%(created)d invitation(s) are being prepared and sent in the background; "
        "%(skipped)d person(s) had been invited before and get no second mail.",
        created=2,
        skipped=0,
    )
    assert queued in sent.content.decode()
    progress = sent.context["progress"]
    assert (progress.total, progress.sent, progress.queued, progress.failed) == (2, 2, 0, 0)
    assert len(mail.outbox) == 2

    # The same audience again: nobody new, so no send button and no mail.
    again = client.post(url, {"audience": "function", "functions": ["griffier"]})
    assert again.context["preview"]["new"] == 0
    assert 'name="send"' not in again.content.decode()


@pytest.mark.django_db
def test_page_shows_failed_mail_with_its_reason(client, secretariat):
    event = EventFactory()
    failed = OutgoingMail.objects.create(
        to="bounce@x.nl", subject="s", body_text="t", status="failed", error="550 Mailbox does not exist"
    )
    queued = OutgoingMail.objects.create(to="q@x.nl", subject="s", body_text="t")
    InvitationFactory(event=event, mail=failed, person=PersonFactory(first_name="Bram", last_name="Bounce"))
    InvitationFactory(event=event, mail=queued)

    response = client.get(reverse("admin:events_event_invitations", args=[event.pk]))

    progress = response.context["progress"]
    assert (progress.total, progress.queued, progress.sent, progress.failed) == (2, 1, 0, 1)
    content = response.content.decode()
    assert "550 Mailbox does not exist" in content and "Bram Bounce" in content


@pytest.mark.django_db
def test_bad_audience_input_gets_a_message_and_sends_nothing(client, secretariat, people):
    event = EventFactory()
    url = reverse("admin:events_event_invitations", args=[event.pk])

    for data in (
        {"audience": "function"},
        {"audience": "region"},
        {"audience": "people"},
        {"audience": "nonsense"},
        {"audience": "people", "people": ["999999"], "send": "yes"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_picked_by_hand_includes_a_guest(client, secretariat, people, django_capture_on_commit_callbacks):
    event = EventFactory(audience=Event.Audience.OPEN)
    url = reverse("admin:events_event_invitations", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"audience": "people", "people": [people["guest"].pk], "send": "yes"})
    assert [m.to for m in mail.outbox] == [[people["guest"].email]]


@pytest.mark.django_db
def test_viewing_is_not_sending(client):
    """Someone who may view invitations but not add them sees progress and no form; a POST is refused."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_invitation"))
    client.force_login(user)
    event = EventFactory()
    url = reverse("admin:events_event_invitations", args=[event.pk])

    assert client.get(url).status_code == 200
    assert 'name="audience"' not in client.get(url).content.decode()
    assert client.post(url, {"audience": "all_members", "send": "yes"}).status_code == 403


# --- the promise, with the real services -------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_500_invitations_arrive_exactly_once_even_when_the_worker_is_killed(celery_worker_process, smtp_sink):
    assert connection.vendor == "postgresql"
    municipality = MunicipalityFactory()
    Person.objects.bulk_create(
        Person(first_name=f"Deelnemer{i:03d}", last_name="Test", email=f"deelnemer{i:03d}@example.org",
               organisation=municipality)
        for i in range(500)
    )  # fmt: skip
    event = EventFactory(title="Najaarscongres")
    people = list(Person.objects.filter(organisation=municipality))

    def _sent() -> int:
        return OutgoingMail.objects.filter(kind="events.invitation", status="sent").count()

    # The sink keeps the first 200 messages and then holds every further DATA command before it
    # keeps anything: once the 200 are marked sent and both pool processes hang in DATA, the
    # worker is killed. No message is half delivered at that moment (kept by the relay but not
    # yet marked sent), which is the one window no outbox can close.
    smtp_sink.hold(after=200)

    result = invitations.invitation_send(event=event, people=people, actor=None)
    assert result.created == 500
    # The worker prepares the 500 outbox rows (batches of 200) before the sink fills up.
    wait_until(
        lambda: EventMailing.objects.filter(pk=result.mailing.pk, status="done").exists(),
        timeout=60,
        what="the invitations to be prepared",
    )

    smtp_sink.wait_for(200, timeout=120)
    # (Usually two sends are held; on a slow machine a held send may time out first, and the
    # outbox then waits for the relay's next try instead of starting another.)
    wait_until(lambda: smtp_sink.held >= 1 and _sent() == 200, timeout=60, what="200 sent, a send held")
    celery_worker_process.kill()  # SIGKILL: no warm shutdown, the two sends in flight are cut off
    smtp_sink.release()
    assert len(smtp_sink.messages) == 200
    # The sends cut off in DATA were handed to the relay ("sending"): nobody can know whether it
    # kept them (a send whose connection timed out while held went back to queued). The rest is
    # plainly queued.
    in_flight = list(OutgoingMail.objects.filter(kind="events.invitation", status="sending"))
    assert len(in_flight) <= 2
    queued = OutgoingMail.objects.filter(kind="events.invitation", status="queued").count()
    assert queued + len(in_flight) == 300

    celery_worker_process.restart()
    # Rows still queued are handed over again by the sweep (what beat does every minute); the
    # tasks the dead worker had taken would also come back from Redis later. Both are harmless:
    # a row is sent only while it is still queued.
    mail_sweep()
    wait_until(
        lambda: (mail_sweep() or True) and _sent() == 500 - len(in_flight),
        timeout=180, what="the queued ones sent", interval=1.0,
    )  # fmt: skip
    celery_worker_process.wait_idle(timeout=120)
    # Later the sweep decides about the ones in flight (MAIL_RESEND_INTERRUPTED=False: not sent
    # again, failed "may or may not have arrived"); the secretariat checks and resends them.
    later = timezone.now() + datetime.timedelta(seconds=settings.MAIL_SENDING_STALE_SECONDS + 1)
    assert mail_services.mail_interrupted_settle(now=later) == len(in_flight)
    assert mail_services.mail_resend(mail_ids=[mail.pk for mail in in_flight]) == len(in_flight)
    smtp_sink.wait_for(500, timeout=180)
    celery_worker_process.wait_idle(timeout=120)
    time.sleep(1)

    recipients = [r for m in smtp_sink.messages for r in m.recipients]
    assert len(recipients) == 500
    assert set(recipients) == {p.email for p in people}
    assert OutgoingMail.objects.filter(kind="events.invitation", status="sent").count() == 500

    # Sending to the same 500 again mails nobody.
    again = invitations.invitation_send(event=event, people=people, actor=None)
    assert (again.created, again.skipped) == (0, 500)
    mail_sweep()
    celery_worker_process.wait_idle(timeout=60)
    assert len(smtp_sink.messages) == 500
    assert Invitation.objects.filter(event=event).count() == 500


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_redis_killed_and_restarted_during_invitations_every_address_once(
    celery_worker_process, smtp_sink, redis_server
):
    from tests.conftest import play_beat_until

    municipality = MunicipalityFactory()
    Person.objects.bulk_create(
        Person(first_name=f"Genodigde{i:03d}", last_name="Test", email=f"genodigde{i:03d}@example.org",
               organisation=municipality)
        for i in range(300)
    )  # fmt: skip
    event = EventFactory(title="Voorjaarscongres")
    people = list(Person.objects.filter(organisation=municipality))
    smtp_sink.delay = 0.02  # the mailing takes some seconds: Redis crashes in the middle of it

    result = invitations.invitation_send(event=event, people=people, actor=None)
    assert result.created == 300
    smtp_sink.wait_for(40, timeout=60)
    # Redis crashes (no save: every task it held is gone, acknowledged or not) and comes back.
    redis_server.stop()
    redis_server.start()
    assert len(smtp_sink.messages) < 300

    def beat():
        mailings.event_mailings_sweep(now=timezone.now() + datetime.timedelta(minutes=11))
        mail_sweep()

    exits = play_beat_until(
        celery_worker_process, beat,
        lambda: EventMailing.objects.filter(pk=result.mailing.pk, status="done").exists()
        and not OutgoingMail.objects.filter(
            kind="events.invitation", status__in=["queued", "sending"]
        ).exists(),
        what="every invitation to be settled",
    )  # fmt: skip
    celery_worker_process.wait_ready()
    celery_worker_process.wait_idle(timeout=60)
    beat()
    celery_worker_process.wait_idle(timeout=60)

    recipients = [r for m in smtp_sink.messages for r in m.recipients]
    assert len(recipients) == 300, f"worker exits on its own: {exits}"
    assert set(recipients) == {p.email for p in people}
    assert OutgoingMail.objects.filter(kind="events.invitation", status="sent").count() == 300
    assert Invitation.objects.filter(event=event).count() == 300


@pytest.mark.django_db
def test_people_picker_finds_people_by_name(client, secretariat, people):
    """The 'picked by hand' field is the admin's autocomplete: typing a name finds the person."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Lotte", "app_label": "events", "model_name": "registration", "field_name": "person"},
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(people["leiden_griffier"].pk)]
