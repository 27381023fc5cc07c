"""The four standard pages, so a fresh install has them (the privacy statement above all); the
secretariat edits their texts in the admin. Existing pages with these addresses are left alone."""

from django.db import migrations

PAGES = [
    (
        "over-de-vereniging",
        1,
        "Over de vereniging",
        "About the association",
        "De Vereniging van Zuid-Hollandse Gemeenten (VZHG) verbindt de gemeenten in de provincie "
        "Zuid-Holland: burgemeesters, wethouders, griffiers, secretarissen en ambtenaren.\n\n"
        "De vereniging is de schakel tussen de gemeenten, de provincie en de VNG. Zij organiseert "
        "congressen, netwerken en bijeenkomsten en brengt signalen van gemeenten in bij de VNG.",
        "The Association of South Holland Municipalities (VZHG) connects the municipalities of the "
        "province of South Holland: mayors, aldermen, council clerks, secretaries and civil servants.\n\n"
        "The association links the municipalities, the province and the VNG. It organises congresses, "
        "networks and meetings and brings the municipalities' signals to the VNG.",
    ),
    (
        "statuten",
        2,
        "Statuten",
        "Articles of association",
        "De statuten van de vereniging zijn vastgesteld door de algemene ledenvergadering. "
        "Het secretariaat stuurt je op verzoek een exemplaar.",
        "",
    ),
    (
        "contact",
        3,
        "Contact",
        "Contact",
        "Het secretariaat van de VZHG is bereikbaar via "
        "[secretariaat@vzhg.nl](mailto:secretariaat@vzhg.nl).",
        "The VZHG secretariat can be reached at [secretariaat@vzhg.nl](mailto:secretariaat@vzhg.nl).",
    ),
    (
        "privacy",
        4,
        "Privacy",
        "Privacy",
        "De VZHG verwerkt persoonsgegevens van bestuurders en medewerkers van de leden voor het "
        "lidmaatschap, bijeenkomsten, nieuwsbrieven en het bestuur, volgens de AVG.\n\n"
        "Na het inloggen download je op je profiel alles wat de vereniging over je bewaart. "
        "Vragen over je gegevens stel je aan [secretariaat@vzhg.nl](mailto:secretariaat@vzhg.nl).",
        "The VZHG processes personal data of the members' officials and staff for membership, "
        "meetings, newsletters and the board, in accordance with the GDPR.\n\n"
        "Once logged in, you can download everything the association keeps about you from your "
        "profile. Questions about your data go to [secretariaat@vzhg.nl](mailto:secretariaat@vzhg.nl).",
    ),
]


def seed(apps, schema_editor):
    ContentPage = apps.get_model("pages", "ContentPage")
    for slug, order, title_nl, title_en, body_nl, body_en in PAGES:
        ContentPage.objects.get_or_create(
            slug=slug,
            defaults={
                "order": order,
                "title_nl": title_nl,
                "title_en": title_en,
                "body_nl": body_nl,
                "body_en": body_en,
                "published": True,
                "in_footer": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
