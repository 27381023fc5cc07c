"""`{{ person|salutation }}`: how a mail greets its recipient — formally for bestuurders and their
office-holders ("Geachte heer Jansen", "Geachte mevrouw De Vries"), by first name for the others
("Beste Anna"), in the mail's language (vzhg.merge.person_salutation).
`{{ person|salutation:"informal" }}` greets by first name whatever the function ("Beste
Maarten"), for mails written with "je" throughout; without a first name, the usual form."""

from django import template

from vzhg.merge import person_salutation

register = template.Library()


@register.filter
def salutation(person, form: str = "") -> str:
    if form == "informal" and person.first_name:
        return person_salutation(person, formal=False)
    return person_salutation(person)
