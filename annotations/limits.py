"""How much one request may carry, for the API's input serializers and the pages' forms alike.

These bound input that no column limits (an article's text, a highlighted quote) or that comes
in lists (evidence, tags, bulk items). What a model field holds is declared beside the field, on
its model module (``RATIONALE_MAX_LENGTH`` in ``annotations.models.verdicts``, for example).
"""

# Code points of an imported article's text or HTML.
TEXT_MAX_LENGTH = 2_000_000
# Code points of the words one annotation marks.
QUOTE_MAX_LENGTH = 20_000
# Tags given to one annotation.
MAX_TAGS = 20
# Evidence items of one verdict or adjudication.
MAX_EVIDENCE = 50
# Items of one bulk import, of annotations (annotations/bulk) or articles (articles/bulk).
MAX_BULK = 500
# The reason given for re-opening a claim, which only its history keeps.
REASON_MAX_LENGTH = 2000
# A search term typed into a list page's filter.
SEARCH_MAX_LENGTH = 200
# A username naming a member; as long as the user model's username holds (Django's: 150).
USERNAME_MAX_LENGTH = 150
