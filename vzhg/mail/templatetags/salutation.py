"""`{{ person|salutation }}`: how a mail greets its recipient — formally for bestuurders and their
office-holders ("Geachte heer Jansen", "Geachte mevrouw De Vries"), by first name for the others
("Beste Anna"), in the mail's language (vzhg.merge.person_salutation)."""

from django import template

from vzhg.merge import person_salutation

register = template.Library()


@register.filter
def salutation(person) -> str:
    return person_salutation(person)
