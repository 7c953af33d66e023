"""Which stemmer and stopwords a claim's words get, from its article's BCP 47 language tag."""

# ISO 639-1 primary subtags with a Snowball stemmer (the same names PostgreSQL's text search
# configurations carry, where it has one; migration 0014 maps tags to those in SQL).
STEMMERS = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
DEFAULT_LANGUAGE = "en"

# Languages writing 1.400.000,5 rather than 1,400,000.5: a comma there is the decimal mark.
DECIMAL_COMMA = frozenset(
    {"de", "fr", "es", "it", "pt", "nl", "ru", "pl", "cs", "da", "sv", "no", "nb", "nn", "fi", "tr", "ro",
     "el", "hu", "id", "ca", "sr", "lt", "uk", "bg", "hr", "sk", "sl"}
)  # fmt: skip

# Words too common to say two claims share a subject; the first ones of each language only, as the
# stems that remain are compared as sets, not weighted.
STOPWORDS = {
    "en": """a about above after again against all also am an and any are as at be been before being
        between both but by can could did do does doing down during each few for from further had has
        have having he her here hers him his how i if in into is it its itself just more most my no nor
        not now of off on once only or other our out over own same she should so some such than that the
        their them then there these they this those through to too under until up very was we were what
        when where which while who whom why will with would you your said says say according reported
        last first new one per""",
    "de": """der die das den dem des ein eine einer eines einem einen und oder aber als auch auf aus bei
        bis durch für gegen im in ins ist sind war waren wird werden wurde wurden hat haben hatte mit nach
        nicht noch nur ob seit sich so um von vor wie zu zum zur es er sie wir ihr laut sagte sagt rund
        etwa mehr über unter am an dass""",
    "fr": """le la les un une des du de d l et ou mais en dans par pour sur avec sans sous est sont était
        ont a été être il elle ils elles nous vous ce cette ces qui que quoi dont au aux plus selon
        environ près ne pas se sa son ses leur leurs""",
    "es": """el la los las un una unos unas de del y o pero en por para con sin sobre es son fue fueron ha
        han sido ser que se su sus al lo más según unos cerca casi como""",
    "it": """il lo la i gli le un una di del della dei delle e o ma in per con su è sono era stato che si
        suo sua al alla più secondo circa""",
    "pt": """o a os as um uma de do da dos das e ou mas em no na por para com sem sobre é são foi foram
        que se seu sua ao mais segundo cerca""",
    "nl": """de het een en of maar in op van voor met door is zijn was waren wordt worden heeft hebben dat
        die niet ook volgens ongeveer meer""",
    "ru": """и в во на с со по к ко у о об от до из за для не что это как а но или был была были есть его
        ее их он она они более около""",  # noqa: RUF001
}
STOPWORDS = {language: frozenset(words.split()) for language, words in STOPWORDS.items()}


def primary_language(tag: str) -> str:
    """The primary subtag of a BCP 47 tag, lower case (``en`` of ``en-GB``), or :data:`DEFAULT_LANGUAGE`."""
    primary = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else DEFAULT_LANGUAGE


def stopwords(language: str) -> frozenset[str]:
    """The stopwords of ``language``, with English's: quoted English words are common in any news."""
    return STOPWORDS.get(language, frozenset()) | STOPWORDS["en"]
