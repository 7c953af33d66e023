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
