"""Is this claim one the desk checked before? Claims are short, so shared words alone are weak
evidence: the figures and names two claims carry, normalized, weigh as much as their words.

:mod:`annotations.matching.text` reads a claim into its parts (stemmed words, quantities with
their units, named entities); :mod:`annotations.matching.ranking` scores a pair of claims from
those parts and says why. Neither touches the database.
"""
