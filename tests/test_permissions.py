"""Who may open which URL (STYLE 15).

Every URL pattern of the project is classified below: public, private (logged-in people, their
own data), an allauth flow step, or the admin. A pattern added later without a rule makes
test_every_url_is_classified fail, so nobody can add a page and forget who may see it.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import MemberFactory
from vzhg.mail.services import mail_queue

pytestmark = pytest.mark.django_db

# Anyone may open these.
PUBLIC = {
    "home",
    "health",
    "health_live",
    "favicon",
    "members:municipalities",
    "account_login",
    "account_signup",
    "account_request_login_code",
    "account_inactive",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "governance:board",
    "governance:board_history",
    "governance:archive",  # held meetings of public bodies, per body and year
    "governance:commissions",  # our Zuid-Holland VNG commission members: name, function, municipality
    "reports:workplan_index",  # adopted workplans; staff and the board also see concepts
    "reports:annual_report_index",  # published annual reports; staff and the board also see concepts
    "events:agenda",
    "events:archive",
    "newsletters:archive",
    "newsletters:subscribe",
    "networks:list",
    "pages:news",
}

# Logged-in people only; anonymous visitors are sent to the login page.
# Value: what a plain member gets (200, or the URL they are redirected to).
PRIVATE = {
    "members:profile": 200,
    "members:profile_edit": 200,
    "members:profile_export": 200,
    "members:profile_address_confirm": "/profiel/",  # POST only; a GET goes back to the profile
    "governance:portal": 200,
    "governance:recommendation_request": 200,  # a bestuurder asks; anyone else is told who may
    "events:mine": 200,
    "events:feed_renew": "/agenda/mijn/",  # POST only; a GET goes back to my registrations
    "newsletters:profile_subscription": "/profiel/",  # POST only; a GET goes back to the profile
    "account_email": 200,
    "account_change_password": 200,
    "account_reauthenticate": 200,
    "account_set_password": "/account/password/change/",  # the member already has a password
}

# allauth internals that only mean something in the middle of a flow (a code has been sent, a
# session is to be ended, a language chosen). Value: where an anonymous GET outside the flow
# goes instead — never a page with anyone's data.
FLOW = {
    "account_logout": "/",
    "account_confirm_login_code": "/account/login/code/",
    "account_email_verification_sent": "/account/login/",
    "set_language": "/",  # POST only; a GET goes back
    "admin_login": "/account/login/?next=%2Fadmin%2F",  # the admin's login is allauth's
}

# Pages of one object keyed by pk and a random token; who may open them depends on the object
# (body membership on the meeting date, confidentiality, public bodies). Each is walked for every
# kind of visitor with real objects in the app's own test named here.
OBJECT_URLS = {
    "governance:meeting": "tests/governance/test_portal.py",
    "governance:decisions": "tests/governance/test_portal.py",
    "governance:decisions_pdf": "tests/governance/test_portal.py",
    "governance:document": "tests/governance/test_portal.py",
    "governance:note": "tests/governance/test_portal.py",
    "governance:pack": "tests/governance/test_portal.py",
    # The ALV: naming the delegate (griffier/burgemeester of a member municipality) and voting
    # from the phone (the delegate or deputy); anyone else 404.
    "governance:delegate": "tests/governance/test_assembly_pages.py",
    "governance:ballot": "tests/governance/test_assembly_pages.py",
    # Concept minutes: the body and the secretariat; adopted: whoever may read the meeting.
    "governance:minutes": "tests/governance/test_minutes.py",
    "governance:minutes_pdf": "tests/governance/test_minutes.py",
    # A public body's held meetings of a year: anyone; a closed body, or a year without any: 404.
    "governance:archive_year": "tests/governance/test_archive.py",
    # A commission's public page: anyone; unknown: 404. The recommendation letter: the requester,
    # the secretariat and the DB; anyone else (staff status alone included) 404.
    "governance:commission": "tests/governance/test_commissions.py",
    # The old address by number: a permanent redirect to the slug address (unknown: 404).
    "governance:commission_by_pk": "tests/governance/test_commission_slugs.py",
    "governance:recommendation_letter": "tests/governance/test_recommendations.py",
    # Workplan and annual report per year: adopted/published for anyone, concepts, progress,
    # ledenbinding and unpublished PDF versions for staff and the board; unknown years 404.
    "reports:workplan": "tests/governance/test_report_pages.py",
    "reports:workplan_pdf": "tests/governance/test_report_pages.py",
    "reports:half_year_report": "tests/governance/test_report_pages.py",
    "reports:progress_write": "tests/governance/test_progress_write.py",
    "reports:annual_report": "tests/governance/test_report_pages.py",
    "reports:annual_report_pdf": "tests/governance/test_report_pages.py",
    "reports:engagement": "tests/governance/test_report_pages.py",
    "reports:version": "tests/governance/test_report_pages.py",
    "events:detail": "tests/events/test_views.py",  # published: anyone; draft/unknown: 404
    "events:register": "tests/events/test_views.py",  # login required; the event's rules apply
    "events:registration_change": "tests/events/test_views.py",  # own registration only, else 404
    "events:registration_cancel": "tests/events/test_views.py",  # own registration only, else 404
    "events:cancel_token": "tests/events/test_views.py",  # signed, expiring token instead of a login
    "events:feed": "tests/events/test_views.py",  # signed per-user token; a wrong one answers 404
    "events:checkin_code": "tests/events/test_checkin_codes.py",  # door staff → check-in page; else mine
    "events:material": "tests/events/test_materials.py",  # as the event; some only after login
    "newsletters:edition": "tests/newsletters/test_views.py",  # sent: anyone; concept: staff; else 404
    "newsletters:image": "tests/newsletters/test_views.py",  # as the edition it belongs to
    "newsletters:confirm": "tests/newsletters/test_views.py",  # signed, expiring token; bad one: 400
    "newsletters:unsubscribe": "tests/newsletters/test_views.py",  # signed token; bad one: 400
    "newsletters:click": "tests/newsletters/test_clicks.py",  # signed (edition, link); else 400
    # A list's archive: public list anyone; closed list its subscribers and staff who may view
    # editions; else 404. A list's subscribe page: lists open to subscribe only; else 404.
    "newsletters:list_archive": "tests/newsletters/test_lists.py",
    "newsletters:list_subscribe": "tests/newsletters/test_lists.py",
    # Signals: never public; contacts.view_signal or today's AB/DB reads, contacts.change_signal
    # forwards and closes; anyone else 403 (the list) or 404 (a signal).
    "contacts:signals": "tests/contacts/test_views.py",
    "contacts:signal": "tests/contacts/test_views.py",
    # A network's page: anyone; its member list: its members and the secretariat, else 404;
    # joining and leaving: logged in, POST only.
    "networks:detail": "tests/networks/test_views.py",
    "networks:members": "tests/networks/test_views.py",
    "networks:join": "tests/networks/test_views.py",
    "networks:leave": "tests/networks/test_views.py",
    # The public site: published pages and news for anyone; unpublished or unknown: 404.
    "pages:page": "tests/pages/test_views.py",
    "pages:news_item": "tests/pages/test_views.py",
    "pages:news_image": "tests/pages/test_news_images.py",  # a published item's image only
}

URL_KWARGS = {"account_reset_password_from_key": {"uidb36": "1", "key": "not-a-valid-key"}}

# Every model in the admin and what the Secretariaat group may do with it. A model registered
# later without an entry here fails test_every_admin_model_is_classified.
ADMIN_MODELS = {
    "members.region": "manage",
    "members.organisation": "manage",
    "members.person": "manage",
    "members.user": "view",  # changing accounts could grant superuser status
    "mail.outgoingmail": "view",
    "mail.bouncedaddress": "view",  # written by the bounce reader; reset is an action
    "events.event": "manage",
    "events.round": "manage",
    "events.registration": "manage",
    "events.invitation": "view",  # written by the invitation page only
    "governance.theme": "manage",
    "governance.body": "manage",
    "governance.mandate": "manage",
    "governance.vngcommission": "manage",
    "governance.commissionseat": "manage",
    "governance.recommendationrequest": "manage",
    "governance.meeting": "manage",
    "governance.agendaitem": "manage",
    "governance.document": "manage",
    "governance.motion": "manage",
    "governance.assemblyrules": "manage",  # one row: changed, never added or deleted
    "governance.delegate": "manage",
    "governance.proxy": "manage",  # volmachten, within the voting rules
    "governance.vote": "manage",  # opened, recorded and closed through the services
    "governance.minutes": "manage",
    "governance.attendance": "manage",  # recorded on the minutes' page, so never added on its own
    "governance.action": "manage",
    "governance.objective": "manage",
    "governance.workplan": "manage",
    "governance.plannedactivity": "manage",
    "governance.progressreport": "manage",
    "governance.annualreport": "manage",
    "governance.reportversion": "view",  # made by rendering; publishing (change) is an action
    "newsletters.newsletterlist": "manage",
    "newsletters.newsletter": "manage",
    "newsletters.section": "manage",
    "newsletters.subscription": "manage",
    "newsletters.delivery": "view",  # written by the sending batches only
    "messaging.message": "manage",
    "messaging.messagetemplate": "manage",
    "contacts.contactmoment": "manage",
    "contacts.signal": "manage",  # status, forwarding and outcome: read-only, written on its page
    "networks.network": "manage",
    "networks.networkmembership": "manage",
    "networks.expertisetag": "manage",
    "pages.contentpage": "manage",
    "pages.newsitem": "manage",
    "auth.group": "superuser",
    "account.emailaddress": "superuser",
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            qualified = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern.url_patterns, qualified)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield namespace, name or f"<unnamed {pattern.pattern}>"


def project_url_names() -> set[str]:
    """Every URL name outside the admin (the admin is walked model by model below)."""
    return {name for namespace, name in _walk(get_resolver().url_patterns) if namespace != admin.site.name}


def url(name: str) -> str:
    return reverse(name, kwargs=URL_KWARGS.get(name))


def registered_models() -> dict[str, type]:
    return {model._meta.label_lower: model for model in admin.site._registry}


def test_every_url_is_classified():
    names = project_url_names()
    rules = PUBLIC | PRIVATE.keys() | FLOW.keys() | OBJECT_URLS.keys()

    assert names - rules == set(), "URLs without a permission rule"
    assert rules - names == set(), "rules for URLs that no longer exist"
    assert not (PUBLIC & PRIVATE.keys()) and not (PUBLIC & FLOW.keys()) and not (PRIVATE.keys() & FLOW.keys())


# --- the site -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_urls_open_for_anonymous(client, name):
    response = client.get(url(name), follow=True)
    assert response.status_code == 200
    assert not any(hop.startswith("/account/login/") for hop, _status in response.redirect_chain)


@pytest.mark.parametrize("name", sorted(PRIVATE))
def test_private_urls_send_anonymous_to_login(client, name):
    response = client.get(url(name))

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={url(name)}"


@pytest.mark.parametrize("name", sorted(PRIVATE))
def test_private_urls_open_for_a_member(client, member, name):
    response = client.get(url(name))

    expected = PRIVATE[name]
    if expected == 200:
        assert response.status_code == 200
        # One person's data: no browser or proxy cache keeps it.
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    else:
        assert (response.status_code, response["Location"]) == (302, expected)


@pytest.mark.parametrize("name", sorted(FLOW))
def test_flow_urls_lead_anonymous_elsewhere(client, name):
    response = client.get(url(name))

    assert (response.status_code, response["Location"]) == (302, FLOW[name])


# --- the admin ----------------------------------------------------------------------------------
# Every named URL of every registered ModelAdmin (changelist, add, change, delete, history, import,
# export ...) is opened by five kinds of people.

# What a page of a model's admin needs: "view" (the view permission is enough) or "manage"
# (the model's add/change/delete rights). A kind of page missing here fails the test.
ADMIN_PAGE_NEEDS = {
    "changelist": "view",
    "change": "view",
    "history": "view",
    "simple_history": "view",
    "export": "view",
    "add": "manage",
    "delete": "manage",
    "import": "manage",
    "process_import": "manage",
    "password_change": "manage",
    # events: the secretariat's pages of an event (EventAdmin.get_urls)
    "invitations": "view",
    "checkin": "manage",
    "municipalities": "view",
    "attendees": "view",
    "answers": "view",  # the attendee list with the answers to the event's own questions
    "badges": "view",
    "allocation": "view",  # GET: the review; running and applying (POST) need change_event
    # newsletters: the mail preview of an edition; subscribing people by function/region
    "preview": "view",
    "subscribe_people": "manage",
    # messaging: a message's preview, test and send page (sending itself needs send_message)
    "send": "view",
    "copy_previous": "manage",  # POST: a new edition from the previous one (needs add)
    # governance: the ALV's presence page, recording the room's votes, the projector and its JSON
    "presence": "view",
    "record": "manage",
    "projector": "view",
    "result_json": "view",
    # governance: "Nieuwe ALV" with its congress; votes opened and closed by a button; elections
    "alv_new": "manage",
    # governance: handling a recommendation request (discussed, given, declined)
    "handle": "manage",
    "open": "manage",
    "close": "manage",
    "election": "manage",
}
# Pages the admin does not offer to anyone, superusers included.
ADMIN_NOT_OFFERED = {("mail.outgoingmail", "add")}  # mail is written by the app only
# Registrations and invitations are written by services (capacity, waiting list, one mail each).
ADMIN_NOT_OFFERED |= {
    ("events.registration", "add"),
    ("events.registration", "delete"),
    ("events.invitation", "add"),
    ("events.invitation", "delete"),
}
# Bounced addresses: recorded by the bounce reader only, never added or removed by hand.
ADMIN_NOT_OFFERED |= {("mail.bouncedaddress", "add"), ("mail.bouncedaddress", "delete")}
# Newsletter deliveries: created by sending, never by hand; deleting one could send it twice.
ADMIN_NOT_OFFERED |= {("newsletters.delivery", "add"), ("newsletters.delivery", "delete")}
# PDF versions of the workplan and annual report: rendered by a task, never uploaded or removed.
ADMIN_NOT_OFFERED |= {("governance.reportversion", "add"), ("governance.reportversion", "delete")}
# The voting rules are one row, made when first opened.
ADMIN_NOT_OFFERED |= {("governance.assemblyrules", "add"), ("governance.assemblyrules", "delete")}
# Recommendation requests are asked by the bestuurder from their profile.
ADMIN_NOT_OFFERED |= {("governance.recommendationrequest", "add")}
# Attendance is recorded per member on the page of the meeting's minutes.
ADMIN_NOT_OFFERED |= {("governance.attendance", "add")}
# Pages that only take POST; GET answers 405, so they are tried with an empty POST.
ADMIN_POST_ONLY = {"process_import"}
# Buttons that only take POST, do their work and go back (POST/redirect/GET): for whoever may use
# them the answer is that redirect, with a message (an empty POST is refused).
ADMIN_POST_REDIRECTS = {"copy_previous", "open", "close"}
ADMIN_POST_ONLY |= ADMIN_POST_REDIRECTS


def admin_page_opened(kind: str) -> int:
    """The status of an admin page the visitor may open."""
    return 302 if kind in ADMIN_POST_REDIRECTS else 200


def _admin_page_kind(label: str, url_name: str) -> str:
    app_label, model_name = label.split(".")
    for prefix in (f"{app_label}_{model_name}_", "auth_user_"):
        if url_name.startswith(prefix):
            return url_name[len(prefix) :]
    return url_name


def admin_pages() -> list[tuple[str, str, str]]:
    """(model label, page kind, URL name) for every named URL of every registered ModelAdmin."""
    pages = [("site", "index", "index")]
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        for pattern in model_admin.urls:
            if pattern.name:
                pages.append((label, _admin_page_kind(label, pattern.name), pattern.name))
    return sorted(pages)


ADMIN_PAGES = admin_pages()
ADMIN_PAGE_IDS = [f"{label}:{kind}" for label, kind, _ in ADMIN_PAGES]


def test_every_admin_model_and_page_is_classified():
    assert set(registered_models()) == set(ADMIN_MODELS)
    assert {kind for label, kind, _ in ADMIN_PAGES if label != "site"} <= set(ADMIN_PAGE_NEEDS)


@pytest.fixture
def one_of_each():
    """At least one row of every model in the admin, so its change page can be opened."""
    MemberFactory()
    Group.objects.create(name="Bestuur")
    mail_queue(to="iemand@example.org", subject="Test", text="Test")
    from vzhg.mail.models import BouncedAddress

    BouncedAddress.objects.create(email="weg@example.org", hard_bounces=1)
    from tests.events.staff_factories import InvitationFactory, SessionChoiceFactory

    choice = SessionChoiceFactory()
    InvitationFactory(event=choice.registration.event)
    from tests.governance.factories import governance_one_of_each

    governance_one_of_each()
    from tests.governance.report_admin_factories import reports_one_of_each

    reports_one_of_each()
    from newsletters.models import Delivery
    from tests.newsletters.conftest import NewsletterFactory, SubscriptionFactory

    Delivery.objects.create(newsletter=NewsletterFactory(), subscription=SubscriptionFactory())
    from messaging.models import Message, MessageTemplate

    Message.objects.create(audience="people", subject="Bericht", body="{aanhef}")
    MessageTemplate.objects.get_or_create(name="Save the date", defaults={"subject": "x", "body": "{aanhef}"})
    from tests.contacts.factories import contacts_one_of_each

    contacts_one_of_each()
    from networks.models import ExpertiseTag
    from tests.networks.conftest import MembershipFactory

    MembershipFactory().expertise_tags.add(ExpertiseTag.objects.create(name="Gemeentewet/Awb"))
    from pages.models import NewsItem

    NewsItem.objects.create(title_nl="Nieuws", body_nl="Tekst")
    missing = [label for label, model in registered_models().items() if not model._default_manager.exists()]
    assert not missing, f"give one_of_each a row for {missing}"


def open_admin_page(client, label: str, kind: str, url_name: str):
    """GET (or, for POST-only pages, POST) the page, with the first row as its object."""
    if label == "site":
        return client.get(reverse("admin:index"))
    model = registered_models()[label]
    obj = model._default_manager.order_by("pk").first()
    admin_pattern = next(p for p in admin.site._registry[model].urls if p.name == url_name)
    params = list(getattr(admin_pattern.pattern, "converters", {}))
    if kind == "simple_history":
        args = [obj.pk, obj.history.order_by("history_id").first().pk]
    elif params in (["object_id"], ["id"]):
        args = [obj.pk]
    elif params == ["meeting_id"]:  # the ALV's presence page
        args = [obj.meeting_id]
    elif not params and "(" not in str(admin_pattern.pattern):
        args = []
    else:
        raise AssertionError(f"teach open_admin_page the parameters of {admin_pattern.pattern}")
    target = reverse(f"admin:{url_name}", args=args)
    return client.post(target) if kind in ADMIN_POST_ONLY else client.get(target)


def secretariat_expects(label: str, kind: str) -> int:
    if label == "site":
        return 200
    if (label, kind) in ADMIN_NOT_OFFERED:
        return 403
    rights = ADMIN_MODELS[label]
    needs = ADMIN_PAGE_NEEDS[kind]
    if rights == "manage" or (rights == "view" and needs == "view"):
        return admin_page_opened(kind)
    return 403


@pytest.mark.parametrize(("label", "kind", "url_name"), ADMIN_PAGES, ids=ADMIN_PAGE_IDS)
def test_admin_sends_anonymous_to_admin_login(client, one_of_each, label, kind, url_name):
    response = open_admin_page(client, label, kind, url_name)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/")


@pytest.mark.parametrize(("label", "kind", "url_name"), ADMIN_PAGES, ids=ADMIN_PAGE_IDS)
def test_admin_is_closed_to_members(client, one_of_each, member, label, kind, url_name):
    response = open_admin_page(client, label, kind, url_name)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/")


@pytest.mark.parametrize(("label", "kind", "url_name"), ADMIN_PAGES, ids=ADMIN_PAGE_IDS)
def test_staff_status_alone_gives_no_rights(client, one_of_each, staff_without_rights, label, kind, url_name):
    response = open_admin_page(client, label, kind, url_name)

    assert response.status_code == (200 if label == "site" else 403)


@pytest.mark.parametrize(("label", "kind", "url_name"), ADMIN_PAGES, ids=ADMIN_PAGE_IDS)
def test_secretariat_rights_in_the_admin(client, one_of_each, secretariat, label, kind, url_name):
    response = open_admin_page(client, label, kind, url_name)

    assert response.status_code == secretariat_expects(label, kind)


@pytest.mark.parametrize(("label", "kind", "url_name"), ADMIN_PAGES, ids=ADMIN_PAGE_IDS)
def test_superuser_opens_the_whole_admin(client, one_of_each, superuser, label, kind, url_name):
    response = open_admin_page(client, label, kind, url_name)

    assert response.status_code == (403 if (label, kind) in ADMIN_NOT_OFFERED else admin_page_opened(kind))


# --- custom admin URLs with a non-numeric id --------------------------------------------------------


# The admin pages the project adds itself (ModelAdmin.get_urls) and the history pages: an id that
# is not a number is 404, never a 500.
ADMIN_CUSTOM_PAGES = {
    "invitations",
    "checkin",
    "municipalities",
    "attendees",
    "answers",
    "badges",
    "preview",
    "allocation",
}
ADMIN_CUSTOM_PAGES |= {"presence", "record", "projector", "result_json", "close"}
ADMIN_CUSTOM_PAGES |= {"handle"}  # a recommendation request


def _admin_params(label: str, url_name: str) -> list[str]:
    model = registered_models()[label]
    admin_pattern = next(p for p in admin.site._registry[model].urls if p.name == url_name)
    return list(getattr(admin_pattern.pattern, "converters", {}))


ADMIN_PAGES_WITH_ID = [page for page in ADMIN_PAGES if page[0] != "site" and _admin_params(page[0], page[2])]


def test_every_custom_admin_page_is_walked_with_a_non_numeric_id():
    assert ADMIN_CUSTOM_PAGES <= {kind for _label, kind, _name in ADMIN_PAGES_WITH_ID}


@pytest.mark.parametrize(
    ("label", "kind", "url_name"),
    ADMIN_PAGES_WITH_ID,
    ids=[f"{label}:{kind}" for label, kind, _ in ADMIN_PAGES_WITH_ID],
)
def test_a_non_numeric_id_in_an_admin_url_is_not_found(client, superuser, label, kind, url_name):
    args = ["abc"] * len(_admin_params(label, url_name))

    response = client.get(reverse(f"admin:{url_name}", args=args))

    if kind in ADMIN_CUSTOM_PAGES:
        assert response.status_code == 404
    elif (label, kind) in ADMIN_NOT_OFFERED:
        assert response.status_code == 403
    else:
        # Django's own change, delete and history pages send an unknown id back to the admin
        # index with a message; django-simple-history's pages (vzhg/admin_history.py) answer 404.
        assert response.status_code in (302, 404)


def test_the_secretariat_link_shows_only_to_staff_with_rights(client):
    from tests.factories import secretariat_user
    from tests.factories import staff_without_rights as bare_staff

    client.force_login(bare_staff())
    bare = client.get(reverse("home")).content.decode()
    client.force_login(secretariat_user())
    secretariat = client.get(reverse("home")).content.decode()

    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link not in bare and admin_link in secretariat
