"""Short articles written for the demo desk: checkable claims mixed with opinion, in text with
accented letters, Hangul and emoji, so that offsets are exercised from the first page."""

ARTICLES = [
    {
        "title": "North Korea escalates: 1.4 million volunteers and artillery at the border",
        "publisher": "Seoul Morning Ledger",
        "author": "Min-ji Park",
        "url": "https://example.org/news/north-korea-escalates",
        "published_at": "2026-10-14T07:30:00+09:00",
        "language": "en",
        "text": (
            "North Korea's state agency KCNA (조선중앙통신) said on Tuesday that 1.4 million young people "
            "had volunteered to join the army in a single week.\n\n"
            "South Korea's Joint Chiefs of Staff (합동참모본부) estimate that 10,000 artillery pieces are "
            "deployed within range of Seoul. Analysts in Pyongyang's neighbourhood call the build-up "
            "“the most dangerous in a generation”.\n\n"
            "According to the National Intelligence Service, 10,000 troops have been sent to Russia, and "
            "18 soldiers have deserted across the border since January 🚨.\n\n"
            "The regime will surely collapse before the end of the decade."
        ),
    },
    {
        "title": "São Paulo's record rainfall: what the prefeitura said",
        "publisher": "Gazeta do Café",
        "author": "João Araújo",
        "url": "https://example.org/clima/sao-paulo-chuva",
        "published_at": "2026-02-03T18:05:00-03:00",
        "language": "en",
        "text": (
            "São Paulo recorded 312 mm of rain in February, the wettest month since records began in 1943, "
            "according to the city's emergency centre (Centro de Gerenciamento de Emergências).\n\n"
            "The prefeitura says the new drainage tunnels under Avenida Paulista halved flooding "
            "in the centre ☔. Residents of Itaquera disagree.\n\n"
            "Mayor Inês Conceição promised that every school would reopen by Monday, "
            "and that the city spent R$ 2.1 billion on flood defences since 2021."
        ),
    },
    {
        "title": "Does coffee really add years to your life? ☕",
        "publisher": "Daily Wellness Crème",
        "author": "Zoë Müller",
        "url": "https://example.org/health/coffee-years",
        "published_at": "2026-09-21T09:00:00+02:00",
        "language": "en",
        "text": (
            "A study of 500,000 people in the UK Biobank found that drinking two to three cups of coffee "
            "a day was linked to a 12% lower risk of early death.\n\n"
            "The influencer Renée Lefèvre told her 2 million followers that coffee “adds ten years to your "
            "life” 😮 and cures insomnia.\n\n"
            "Coffee is the best drink in the world, and everyone should drink more of it."
        ),
    },
]


# Claims to highlight in the articles above, by article index: the quote, a neutral restatement,
# tags, and the demo reviewers' verdicts (rating, confidence, rationale, evidence).
CLAIMS = [
    (
        0,
        "1.4 million young people had volunteered to join the army in a single week",
        "1.4 million North Koreans volunteered for the army in one week.",
        ["military", "north-korea"],
        {
            "reviewer1": (
                "unverifiable",
                "medium",
                "Only KCNA reports the figure; no independent count exists.",
                [
                    (
                        "https://www.kcna.kp/en/article/volunteers",
                        "KCNA statement",
                        "context",
                        "1.4 million young people volunteered",
                    )
                ],
            ),
            "reviewer2": ("unverifiable", "high", "State media figure; nothing to check it against.", []),
        },
    ),
    (
        0,
        "10,000 artillery pieces are deployed within range of Seoul",
        "About 10,000 North Korean artillery pieces are within range of Seoul.",
        ["military"],
        {
            "reviewer1": (
                "mostly_true",
                "medium",
                "The JCS and independent analysts give similar estimates.",
                [
                    (
                        "https://www.jcs.mil.kr/english/artillery-estimate?utm_source=newsletter",
                        "JCS estimate",
                        "supports",
                        "some 10,000 artillery pieces",
                    )
                ],
            ),
            "reviewer2": (
                "mixed",
                "low",
                "Estimates range from 6,000 to 10,000 depending on the count.",
                [
                    (
                        "https://research.example.org/artillery-range-study",
                        "Range study",
                        "refutes",
                        "between 6,000 and 10,000 systems",
                    )
                ],
            ),
        },
    ),
    (
        0,
        "10,000 troops have been sent to Russia",
        "North Korea sent 10,000 troops to Russia.",
        ["military", "russia"],
        {},
    ),
    (
        1,
        "São Paulo recorded 312 mm of rain in February",
        "São Paulo had 312 mm of rain in February.",
        ["climate"],
        {
            "reviewer1": (
                "true",
                "high",
                "Matches the CGE's monthly bulletin.",
                [
                    (
                        "https://www.cgesp.org/v3/boletim-fevereiro",
                        "CGE bulletin",
                        "supports",
                        "312 mm acumulados em fevereiro",
                    )
                ],
            ),
            "reviewer2": (
                "true",
                "high",
                "CGE data confirm it.",
                [("HTTPS://WWW.CGESP.ORG/v3/boletim-fevereiro#dados", "CGE bulletin", "supports", "")],
            ),
        },
    ),
    (
        1,
        "the new drainage tunnels under Avenida Paulista halved flooding",
        "Drainage tunnels under Avenida Paulista halved flooding in the centre.",
        ["climate", "infrastructure"],
        {
            "reviewer1": (
                "misleading",
                "medium",
                "Flood reports fell, but rainfall was also lower in the comparison year.",
                [("https://dados.prefeitura.sp.gov.br/alagamentos", "Flood reports dataset", "context", "")],
            ),
        },
    ),
    (
        2,
        "drinking two to three cups of coffee a day was linked to a 12% lower risk of early death",
        "Two to three cups of coffee a day are linked to a 12% lower risk of early death.",
        ["health"],
        {
            "reviewer1": (
                "mostly_true",
                "high",
                "The UK Biobank study reports about 12% for 2-3 cups.",
                [
                    (
                        "https://doi.org/10.1093/eurjpc/zwac189",
                        "European Journal of Preventive Cardiology",
                        "supports",
                        "2-3 cups per day",
                    )
                ],
            ),
            "reviewer2": ("false", "medium", "I misread the study's hazard ratios.", []),
        },
    ),
    (
        2,
        "coffee “adds ten years to your life”",
        "Coffee adds ten years to a person's life.",
        ["health"],
        {
            "reviewer2": (
                "false",
                "high",
                "No study finds anything near ten years.",
                [
                    (
                        "https://doi.org/10.1093/eurjpc/zwac189",
                        "European Journal of Preventive Cardiology",
                        "refutes",
                        "",
                    )
                ],
            ),
        },
    ),
    (
        2,
        "Coffee is the best drink in the world",
        "",
        ["opinion"],
        {},
    ),
]

# A second cut of a claim above by another person: a span disagreement for the editor.
SECOND_CUTS = [
    (0, "reviewer1", "10,000 troops have been sent to Russia, and 18 soldiers have deserted"),
]

# The editor settles one disputed claim: (article index, quote, rating, rationale, evidence).
ADJUDICATIONS = [
    (
        2,
        "drinking two to three cups of coffee a day was linked to a 12% lower risk of early death",
        "mostly_true",
        "The study reports a 12% lower risk for 2-3 cups a day; it shows an association, not a cause.",
        [
            (
                "https://doi.org/10.1093/eurjpc/zwac189",
                "European Journal of Preventive Cardiology",
                "supports",
                "lowest risk at 2-3 cups per day",
            )
        ],
    ),
]
