"""A claim read into the parts two claims are compared on: stemmed words, quantities with their
units, named entities and trigrams.

Quantities are a number, normalized (``1.4 million``, ``1,400,000``, ``1.4m`` and ``1,4 Mio.`` are
all 1400000), with the head noun that says what was counted: ``10,000 troops`` and ``10,000
artillery pieces`` are the same number of different things. The unit is the stems of up to three
words after the number (``10,000 North Korean troops``: north, korean, troop), or, when none
follow, the nearest word before it (``troops numbered 10,000``); common units and counted nouns of
several languages fold into one class (``soldiers`` and ``Truppen`` are ``troops``, ``%`` and ``per
cent`` are ``percent``), so a figure matches across paraphrases and languages.

Named entities are runs of capitalized words (``Kim Jong Un``, ``North Korea``, ``NATO``), joined by
lower-case particles such as ``of`` or ``de``. No tagger is used: claims are one sentence, the runs
are cheap and explainable, and the cost is known. A capitalized first word is taken only when it is
not a stopword; in German, where every noun is capitalized, single capitalized words are nouns more
often than names, so there only runs of two or more words (or all-capital acronyms) count.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from annotations.matching.languages import DECIMAL_COMMA, STEMMERS, primary_language, stopwords

# Code points of a claim read for matching: claims are a sentence or two; a long quote's tail
# adds nothing a fact-checker would match on.
MATCH_TEXT_MAX_LENGTH = 1000

TOKEN = re.compile(
    r"""(?:(?P<money>[$€£¥₩]|US\$)[ \u00a0\u202f]?)?
        (?P<number>\d{1,3}(?:(?:,|\.|[ \u00a0\u202f](?=\d{3}\b))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)
        (?P<suffix>%|[a-zA-Z]{1,3}\b)?
      |(?P<word>[^\W\d_]+(?:['\u2019-][^\W\d_]+)*)
      |(?P<percent>%)
      |(?P<currency>[$€£¥₩])
      |(?P<stop>[.;:!?()\[\]"“”«»]|,(?!\d))""",
    re.VERBOSE,
)

# Words that scale the number before them.
SCALES = {
    "thousand": 1e3, "thousands": 1e3, "k": 1e3, "tausend": 1e3, "mille": 1e3, "mil": 1e3, "тыс": 1e3,
    "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6, "millionen": 1e6,
    "millón": 1e6, "millones": 1e6, "milione": 1e6, "milioni": 1e6, "milhão": 1e6, "milhões": 1e6,
    "miljoen": 1e6, "млн": 1e6, "миллиона": 1e6, "миллионов": 1e6, "миллион": 1e6,
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "milliarde": 1e9, "milliarden": 1e9, "mrd": 1e9,
    "milliard": 1e9, "milliards": 1e9, "miliardo": 1e9, "miliardi": 1e9, "млрд": 1e9,
    "bilhão": 1e9, "bilhões": 1e9, "miljard": 1e9, "miljarden": 1e9, "miljoenen": 1e6,
    "hundred": 1e2, "hundert": 1e2, "honderd": 1e2,
    "trillion": 1e12, "tn": 1e12, "billionen": 1e12,
}  # fmt: skip
# The "of" of Romance languages between a scale word and what it counts.
SCALE_OF = frozenset({"de", "di"})
# Scale words written abbreviated with a full stop ("2 Mrd.", "1,4 Mio.").
SCALE_ABBREVIATIONS = frozenset({"mio", "mrd", "mln", "mn", "bn", "tn"})
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "zehn": 10, "zwölf": 12, "achtzehn": 18, "zwanzig": 20,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dix": 10, "douze": 12, "dix-huit": 18, "vingt": 20,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "diez": 10, "doce": 12, "dieciocho": 18, "veinte": 20,
}  # fmt: skip
# Units and counted nouns that mean the same across wordings and languages, by their class.
UNIT_CLASSES = {
    "percent": "% percent per cent pct prozent pourcent por ciento cento процент процента процентов",
    "usd": "$ us$ usd dollar dollars dólares dollari долларов",
    "eur": "€ eur euro euros евро",
    "gbp": "£ gbp pound pounds sterling",
    "troops": """troop troops soldier soldiers servicemen personnel truppen soldaten soldat troupes
        soldats militaires soldados tropas militari soldati солдат военных""",
    "people": """people persons person residents inhabitants citizens menschen personen einwohner
        personnes habitants personas habitantes persone abitanti pessoas человек жителей""",
    "deaths": """deaths dead killed fatalities tote todesopfer morts muertos morti mortos погибших""",
    "volunteers": "volunteers volunteer freiwillige volontaires voluntarios volontari добровольцев",
    "children": "children kids kinder enfants niños bambini crianças детей",
    "homes": """homes houses households dwellings häuser haushalte wohnungen maisons foyers logements
        viviendas hogares casas case домов""",
    "vehicles": "vehicles cars autos evs fahrzeuge voitures véhicules coches vehículos veicoli",
    "jobs": "jobs positions arbeitsplätze stellen emplois postes empleos lavoro posti",
    "km": "km kilometre kilometres kilometer kilometers kilomètres kilómetros chilometri",
    "tonnes": "t tonnes tonne tons ton tonnen toneladas tonnellate",
    "migrants": "migrants migranten flüchtlinge refugees réfugiés migrantes refugiados migranti",
    "deserters": "deserters deserted deserteure déserteurs desertores disertori",
    "missiles": "missiles missile raketen rakete missiles misiles missili ракет",
    "tanks": "tanks tank panzer chars tanques carri танков",
    "years": "years year jahre jahren ans années años anni anos jaar лет",
    "months": "months month monate monaten mois meses mesi maanden",
    "ballots": "votes vote ballots ballot stimmen stimmzettel bulletins votos papeletas schede voti",
    "drones": "drones drone drohnen droni",
    "litres": "l litre litres liter liters litro litros litri",
    "degrees": "degrees degree °c grad degrés grados gradi graus graden",
    "times": "times mal fois veces volte vezes keer",
}
UNIT_CLASSES = {word: unit for unit, words in UNIT_CLASSES.items() for word in words.split()}
# The same classes by stem, so that "volunteered" counts what "volunteers" counts.
UNIT_CLASS_STEMS = {
    snowballstemmer.stemmer(language).stemWord(word): unit
    for language in ("english", "german", "french", "spanish")
    for word, unit in UNIT_CLASSES.items()
    if len(word) > 3
}
# Particles that may join the capitalized words of one name.
NAME_PARTICLES = frozenset(
    {"of", "de", "del", "la", "le", "von", "van", "der", "den", "du", "al", "bin", "da", "di"}
)
# How many words after a number may name what it counts.
UNIT_WORDS = 3
# Shares written as words, in percent of the whole.
SHARE_WORDS = {
    "half": 50.0, "halves": 50.0, "quarter": 25.0, "quarters": 25.0, "third": 100 / 3, "thirds": 100 / 3,
    "fifth": 20.0, "fifths": 20.0, "tenth": 10.0, "tenths": 10.0,
    "hälfte": 50.0, "drittel": 100 / 3, "viertel": 25.0, "fünftel": 20.0,
    "moitié": 50.0, "tiers": 100 / 3, "quart": 25.0, "quarts": 25.0, "cinquième": 20.0,
    "mitad": 50.0, "tercio": 100 / 3, "tercios": 100 / 3, "quinta": 20.0,
    "metà": 50.0, "terzo": 100 / 3, "terzi": 100 / 3, "quarto": 25.0,
    "metade": 50.0, "terço": 100 / 3, "terços": 100 / 3,
    "helft": 50.0, "kwart": 25.0,
}  # fmt: skip
# Share words that are a share on their own ("half of", "a third of"); the others ("fifth",
# "quinta", "quarto") are ordinals as often, and count only after a number ("one fifth").
STANDING_SHARES = frozenset(
    {"half", "halves", "quarter", "third", "hälfte", "drittel", "viertel", "moitié", "tiers",
     "mitad", "tercio", "metà", "terzo", "metade", "terço", "helft", "kwart"}
)  # fmt: skip
# Words of growth by a factor: "doubled" is two times, whatever the language writes.
FACTOR_WORDS = re.compile(
    r"(?P<two>doubled|doubling|twice|verdoppel|doublé|duplic(?!at)|raddoppi|verdubbel)"
    r"|(?P<three>tripled|tripling|verdreifach|triplé|triplic(?!at)|verdrievoudig)"
)
FACTORS = {"two": 2.0, "three": 3.0}
UNIT_CLASS_NAMES = frozenset(UNIT_CLASSES.values())
# Counted nouns so general that they fit any more precise one: "3,000 people" may be migrants.
GENERIC_UNITS = frozenset({"people"})
# A share written in words ("a third") is as exact as the percentage that rounds to it ("33 percent").
SHARE_TOLERANCE = 0.5
YEARS = range(1800, 2200)


@dataclass(frozen=True)
class Quantity:
    """A number in a claim: its value, what it counts (unit stems, empty when nothing says), and its
    words as written (for the reasons a match gives)."""

    value: float
    unit: frozenset[str]
    text: str
    is_year: bool = False
    # Written as a share in words: "a third" is 33.3 percent, and also the "33 percent" of another.
    in_words: bool = False
    # What it counts, by the head of its phrase (its currency or sign, and the last word read:
    # "troops" of "10,000 North Korean troops"), which tells two figures apart where the words
    # before it agree ("10,000 North Korean artillery pieces"); empty when ``unit`` is.
    head: frozenset[str] = frozenset()

    def same_value(self, other: "Quantity") -> bool:
        if self.is_year != other.is_year:
            return False
        if self.in_words or other.in_words:
            return abs(self.value - other.value) < SHARE_TOLERANCE
        return abs(self.value - other.value) <= 1e-9 * max(1.0, abs(self.value))


@dataclass(frozen=True)
class ClaimParts:
    language: str
    words: dict[str, str]
    quantities: tuple[Quantity, ...]
    entities: dict[str, str]
    trigrams: frozenset[str]


@lru_cache(maxsize=64)
def stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


# Snowball in pure Python costs a fraction of a millisecond a word; news repeats its words.
@lru_cache(maxsize=200_000)
def stem_of(language: str, folded: str) -> str:
    return stemmer(language).stemWord(folded)


# Called for every token several times (words, numbers, units, names); news repeats its words.
@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold().replace("\u2019", "'")


def parse_number(digits: str, language: str) -> float | None:
    """``digits`` as written (``1,400,000``, ``1.4``, ``10 000``, ``1,5`` in German) as a float."""
    digits = re.sub(r"[ \u00a0\u202f]", "", digits)
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif commas > 1 or dots > 1:
        decimal = ""
    elif commas or dots:
        separator = "," if commas else "."
        decimal_comma = language in DECIMAL_COMMA
        after = digits.split(separator)[1]
        # One separator before three digits groups thousands where it is not the decimal mark.
        grouping = len(after) == 3 and (separator == ".") == decimal_comma
        decimal = "" if grouping else separator
    else:
        decimal = ""
    thousands = {",", "."} - {decimal}
    for mark in thousands:
        digits = digits.replace(mark, "")
    try:
        return float(digits.replace(",", ".")) if digits else None
    except ValueError:
        return None


def tokens(text: str) -> list[tuple[str, str, re.Match]]:
    """``(kind, text, match)`` for each word, number, percent sign and stop in ``text``."""
    found = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup if match.group("number") is None else "number"
        found.append((kind, match.group(0), match))
    return found


def number_word(word: str) -> float | None:
    """The value of a number written as a word (``eighteen``, ``forty-five``), else None."""
    folded = fold(word)
    if folded in NUMBER_WORDS:
        return float(NUMBER_WORDS[folded])
    tens, _, units = folded.partition("-")
    if NUMBER_WORDS.get(tens, 0) >= 20 and NUMBER_WORDS.get(units, 10) < 10:
        return float(NUMBER_WORDS[tens] + NUMBER_WORDS[units])
    return None


def unit_of(word: str, stem) -> str:
    """The class of a unit or counted noun (:data:`UNIT_CLASSES`), else its stem."""
    folded = fold(word)
    stemmed = stem(folded)
    return UNIT_CLASSES.get(folded) or UNIT_CLASS_STEMS.get(stemmed) or stemmed


def read_claim(text: str, language: str = "") -> ClaimParts:
    """The parts of a claim (its restated claim or quote) that matching compares."""
    language = primary_language(language)
    text = unicodedata.normalize("NFC", text[:MATCH_TEXT_MAX_LENGTH])
    stop = stopwords(language)

    def stem(word: str) -> str:
        return stem_of(language, fold(word))

    found = tokens(text)
    words: dict[str, str] = {}
    for kind, token, _match in found:
        folded = fold(token)
        if (
            kind == "word"
            and len(token) > 1
            and not (folded in stop or folded in SCALES or number_word(token) is not None)
        ):
            words.setdefault(stem(token), token)
    return ClaimParts(
        language=language,
        words=words,
        quantities=tuple(quantities(found, language, stop, stem)),
        entities=entities(found, language, stop),
        trigrams=trigrams(text),
    )


def number_at(found, index: int, language: str) -> float | None:
    kind, token, match = found[index]
    if kind == "number" and not match.group("money") and not match.group("suffix"):
        return parse_number(match.group("number"), language)
    return number_word(token) if kind == "word" else None


def share_at(found, index: int, language: str) -> tuple[float, int] | None:
    """A share written in words at ``found[index]``, as a percentage, and the tokens it spans:
    "one in five" (20), "three in four", "half", "a quarter", "two thirds"."""
    kind, token, _match = found[index]
    if kind != "word" and kind != "number":
        return None
    if index + 2 < len(found) and fold(found[index + 1][1]) == "in":
        part, whole = number_at(found, index, language), number_at(found, index + 2, language)
        if part and whole and 0 < part < whole:
            return 100 * part / whole, 3
    count = number_word(token) if kind == "word" else None
    if count is not None and index + 1 < len(found) and fold(found[index + 1][1]) in SHARE_WORDS:
        return round(count * SHARE_WORDS[fold(found[index + 1][1])], 1), 2
    if kind == "word" and fold(token) in STANDING_SHARES:
        previous = fold(found[index - 1][1]) if index else ""
        # "the second half", "a third time": an ordinal or article that makes it no share.
        if previous in ("the", "first", "second", "last", "next", "this", "that"):
            return None
        return round(SHARE_WORDS[fold(token)], 1), 1
    return None


def factor_of(word: str) -> float | None:
    """The factor of a word of growth ("doubled", "verdoppelt", "triplicou"), else None."""
    folded = fold(word)
    found = FACTOR_WORDS.match(folded)
    return FACTORS[found.lastgroup] if found else None


def fraction_of_scale(found, index: int) -> tuple[float, int] | None:
    """``(value, index after it)`` of a share of a scale word at ``found[index]``: "half a
    million" (500,000), "a quarter of a million" (250,000); else None."""
    kind, token, _match = found[index]
    if kind != "word" or fold(token) not in STANDING_SHARES:
        return None
    following = [fold(word) for _kind, word, _match in found[index + 1 : index + 4]]
    if following[:1] == ["of"]:
        following, skipped = following[1:], 2
    else:
        skipped = 1
    if following[:1] == ["a"] and len(following) > 1 and SCALES.get(following[1], 0) >= 1e3:
        return SHARE_WORDS[fold(token)] / 100 * SCALES[following[1]], index + skipped + 2
    return None


def quantities(found, language: str, stop, stem) -> list[Quantity]:
    result = []
    skip_until = 0
    for index, (kind, token, match) in enumerate(found):
        if index < skip_until:
            continue
        # "half a million", "a quarter of a million": a count, not a share.
        fraction = fraction_of_scale(found, index)
        if not fraction and (share := share_at(found, index, language)):
            value, span = share
            skip_until = index + span
            text = match.string[match.start() : found[index + span - 1][2].end()]
            percent = frozenset({"percent"})
            result.append(Quantity(value=value, unit=percent, text=text, in_words=True, head=percent))
            continue
        if kind == "word" and (factor := factor_of(token)):
            times = frozenset({"times"})
            result.append(Quantity(value=factor, unit=times, text=token, head=times))
            continue
        units = set()
        position = index + 1
        if kind == "number":
            value = parse_number(match.group("number"), language)
            money, suffix = match.group("money"), fold(match.group("suffix") or "")
        elif fraction:
            (value, position), money, suffix = fraction, None, ""
        elif kind == "word" and number_word(token) is not None:
            value, money, suffix = number_word(token), None, ""
        else:
            continue
        if value is None:
            continue
        if [fold(word) for _kind, word, _match in found[position : position + 3]] == ["and", "a", "half"]:
            # "one and a half degrees", "two and a half million".
            value += 0.5
            position += 3
        is_year = kind == "number" and value in YEARS and not (money or suffix) and token.isdigit()
        if money:
            units.add(unit_of(money, stem))
        if suffix in SCALES:
            value *= SCALES[suffix]
        elif suffix:
            units.add(unit_of(suffix, stem))
        head = set(units)
        last_unit = None
        while position < len(found) and found[position][0] == "word":
            # "1.4 million", "2 Mrd.", "10 mil millones" (ten thousand million, a billion).
            scale = SCALES.get(fold(found[position][1]).rstrip("."))
            if scale is None:
                break
            value *= scale
            position += 1
        # The full stop of an abbreviated scale ("1,4 Mio. Menschen") does not end the figure.
        if (
            position > index + 1
            and position < len(found)
            and found[position][1] == "."
            and fold(found[position - 1][1]) in SCALE_ABBREVIATIONS
        ):
            position += 1
        if position > index + 1 and position < len(found) and fold(found[position][1]) in SCALE_OF:
            # "1,5 millones de personas", "2 miliardi di euro": what the scale counts follows.
            position += 1
        # The words read so far are this figure's: "hundred" of "three hundred" is no figure of its own.
        skip_until = position
        surface_end = found[position - 1][2].end()
        for kind_after, word, word_match in found[position : position + UNIT_WORDS]:
            if kind_after in ("percent", "currency"):
                # "12 %", "1,89 €".
                sign = "percent" if kind_after == "percent" else unit_of(word, stem)
                units.add(sign)
                head.add(sign)
                last_unit = None
                surface_end = word_match.end()
                break
            if kind_after != "word" or fold(word) in stop:
                break
            surface_end = word_match.end()
            unit = last_unit = unit_of(word, stem)
            units.add(unit)
            # The head noun closes the phrase: a known unit, or an English plural.
            if unit in UNIT_CLASS_NAMES or (language == "en" and len(word) > 3 and word.endswith("s")):
                break
        if last_unit:
            head.add(last_unit)
        if not units and not is_year:
            before = [
                w for k, w, _m in found[max(0, index - 3) : index] if k == "word" and fold(w) not in stop
            ]
            units.update(unit_of(word, stem) for word in before[-2:])
            head = set(units)
        surface = match.string[match.start() : surface_end]
        result.append(
            Quantity(value=value, unit=frozenset(units), text=surface, is_year=is_year, head=frozenset(head))
        )
    return result


def entities(found, language: str, stop) -> dict[str, str]:
    """``{folded name: name as written}`` of the capitalized runs (see the module docstring)."""
    result: dict[str, str] = {}
    run: list[str] = []
    sentence_start = True

    first_of_sentence = False

    def close():
        while run and fold(run[-1]) in NAME_PARTICLES:
            run.pop()
        # One capitalized word alone is a name only when it is an acronym ("NATO"), not "A" or "I".
        single = len(run) == 1 and not (len(run[0]) > 1 and run[0].isupper())
        if run and not (single and (first_of_sentence or language == "de" or fold(run[0]) in stop)):
            name = " ".join(run)
            result.setdefault(fold(name).replace("-", " "), name)
        run.clear()

    for kind, token, _match in found:
        if kind == "word" and token[:1].isupper() and fold(token) not in SCALES:
            run.append(token)
            first_of_sentence = first_of_sentence if len(run) > 1 else sentence_start
        elif kind == "word" and run and fold(token) in NAME_PARTICLES:
            run.append(token)
        else:
            close()
        sentence_start = kind == "stop" and token in ".!?"
    close()
    return result


def trigrams(text: str) -> frozenset[str]:
    """The trigrams of the text's words, as PostgreSQL's pg_trgm takes them: lower case, each word
    padded with two spaces before and one after."""
    grams = set()
    for word in re.findall(r"[^\W_]+", text.casefold()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)
