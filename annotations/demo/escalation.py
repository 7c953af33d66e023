"""The demo desk's lead article: a real-world-shaped piece on a North Korean escalation, its
checkable figures mixed with analysis and opinion, with its main claims highlighted and judged by
both demo reviewers: most agreed, one disagreement left open, one settled by the editor.

The text is the piece as it was pasted in, its paragraphs (and the headings among them) split by
blank lines; the quotes below are exact words of it.
"""

ARTICLE = {
    "title": "Escalation on the Korean Peninsula: border crossings destroyed, 1.4 million “volunteers”",
    "publisher": "Global Affairs Review",
    "author": "Staff writer",
    "url": "https://example.org/world/korean-peninsula-escalation",
    "published_at": "2024-10-17T08:00:00+00:00",
    "language": "en",
}

ARTICLE["text"] = (
    "In a significant escalation of hostilities, North Korea has taken aggressive steps that threaten"
    " to destabilize the entire Korean Peninsula and beyond. Over the last 48 hours, the North Korean"
    " regime has engaged in a series of provocative actions that raise serious concerns about the "
    "potential for broader conflict, both within the region and globally.\n\n"
    "Destruction of Border Crossings\n\n"
    "In a symbolic and strategic move, North Korea has demolished key infrastructure along the "
    "Demilitarized Zone (DMZ), blowing up roads and rail bridges that connect the country with South "
    "Korea. These crossings were not only vital for trade and humanitarian efforts but also served as"
    " limited channels of communication between the two Koreas. The destruction of these links "
    "signals an intentional and dramatic severance of relations, deepening the divide between the "
    "North and South.\n\n"
    "The official reasoning provided by the North Korean regime is that the South violated their "
    "airspace with a drone and dropped propaganda leaflets across the border. However, this "
    "explanation is likely insufficient given the magnitude of the response. North Korea’s actions "
    "appear to be a calculated step towards further militarization and isolation, setting the stage "
    "for more extreme measures.\n\n"
    "Mass Mobilization and Military Build-Up\n\n"
    "North Korea’s aggressive stance is further evidenced by reports that 1.4 million of its "
    'citizens, many of them students, have "volunteered" for military service in a suspiciously short'
    " time. While labeled as a voluntary enlistment, the authoritarian nature of the regime suggests "
    "coercion is at play. The enlistment surge is likely a show of strength as North Korea continues "
    "to amass one of the world’s largest standing armies, positioning itself for potential conflict.\n\n"
    "Additionally, North Korea has positioned approximately 10,000 artillery pieces along its "
    "southern border, ready to fire on South Korea at a moment's notice. These artillery positions "
    "are part of a broader military buildup that is heightening tensions on the peninsula and "
    "threatening the fragile armistice that has technically been in place since the Korean War.\n\n"
    "North Korean Troops in Ukraine\n\n"
    "Simultaneously, North Korea has deepened its ties with Russia by deploying troops to support "
    "Moscow’s war efforts in Ukraine. Reports indicate that around 10,000 North Korean soldiers have "
    "been sent to aid Russian forces, primarily in operating advanced missile systems. North Korean "
    "personnel are believed to be directly involved in operating ballistic missile systems in regions"
    " such as Bryansk and Kursk, where their involvement has been critical to Russian operations.\n\n"
    "The deployment of these troops is not just an isolated effort to assist Russia but is part of a "
    "larger geopolitical alignment. North Korea, Russia, China, and Iran are increasingly "
    "coordinating their actions, forming an alliance of authoritarian regimes that threatens the "
    "stability of the global order. North Korean soldiers fighting on foreign soil—alongside Russian "
    "troops—demonstrate Pyongyang’s willingness to export its military force as part of this broader "
    "strategic realignment.\n\n"
    "Defection and Deserters\n\n"
    "Amid these deployments, reports have surfaced of North Korean soldiers defecting from their "
    "posts in Ukraine. According to Ukrainian intelligence, at least 18 North Korean soldiers have "
    "fled from their positions in the Bryansk region and crossed into Ukraine. These defectors are "
    "likely seeking asylum, raising questions about morale among North Korean troops sent to fight "
    "far from home. The prospect of defections adds another layer of complexity to North Korea’s "
    "involvement in the Ukrainian war, revealing cracks in its military’s discipline and cohesion.\n\n"
    "The Risk of Conflict Escalation\n\n"
    "The recent surge in tensions between North and South Korea coincides with heightened military "
    "activities from China and Russia, both of whom are key allies of Pyongyang. China's naval "
    "exercises around Taiwan and Russia’s ongoing war in Ukraine suggest a coordinated effort by "
    "these nations to challenge the U.S. and its allies across multiple regions. North Korea’s "
    "aggressive posture on the Korean Peninsula could be part of a broader strategy to keep U.S. and "
    "NATO forces stretched thin, dividing their attention and resources.\n\n"
    "As South Korea and its allies monitor the situation, the risk of miscalculation grows. The "
    "destruction of border crossings, mass military mobilization, and heightened rhetoric between "
    "North and South Korea could easily spiral into direct conflict. With North Korea now more deeply"
    " integrated into a strategic partnership with Russia and China, any conflict on the Korean "
    "Peninsula could quickly draw in other global powers.\n\n"
    "Strategic Implications\n\n"
    "The ramifications of a North Korean escalation extend far beyond the peninsula. Should conflict "
    "erupt, the U.S. and its allies, including South Korea and Japan, would face significant "
    "challenges in containing the situation. A full-scale conflict would likely involve cyber "
    "warfare, missile strikes, and potentially the use of nuclear weapons, given North Korea’s "
    "advancing capabilities in that domain.\n\n"
    "Moreover, North Korea’s growing alliance with Russia and China further complicates the "
    "situation. Any aggressive move against North Korea could trigger broader retaliation from its "
    "allies, drawing the U.S. into a multi-front conflict involving Taiwan, Ukraine, and the Korean "
    "Peninsula.\n\n"
    "North Korea's recent actions are pushing the region toward a dangerous tipping point. The "
    "combination of border destruction, military mobilization, and foreign troop deployments "
    "indicates that Pyongyang is prepared to escalate tensions to unprecedented levels. As diplomatic"
    " options dwindle, the international community must carefully navigate the unfolding situation to"
    " prevent the Korean Peninsula from becoming the next flashpoint in an increasingly unstable "
    "global landscape."
)

# Evidence of the verdicts below: (url, title, stance, quoted passage).
JCS_BRIEFING = (
    "https://example.org/evidence/jcs-briefing-2024-10-15",
    "Joint Chiefs of Staff briefing, 15 October 2024",
    "supports",
    "the North blew up sections of the Gyeongui and Donghae roads north of the MDL",
)
KCNA_VOLUNTEERS = (
    "https://example.org/evidence/kcna-volunteers-2024-10-16",
    "KCNA: youth volunteer for the army",
    "context",
    "some 1.4 million young people applied to join or rejoin the army",
)
NIS_TROOPS = (
    "https://example.org/evidence/nis-briefing-troops-russia",
    "National Intelligence Service briefing to the National Assembly",
    "supports",
    "about 10,000 troops, with 3,000 already in Russia",
)
ARMISTICE = (
    "https://example.org/evidence/korean-war-armistice-agreement-1953",
    "Korean War Armistice Agreement, 27 July 1953",
    "supports",
    "a complete cessation of hostilities ... until a final peaceful settlement is achieved",
)

# The claims: (quote, restatement, tags, verdicts by reviewer: rating, confidence, rationale, evidence).
CLAIMS = [
    (
        "North Korea has demolished key infrastructure along the Demilitarized Zone (DMZ), blowing up roads "
        "and rail bridges that connect the country with South Korea",
        "North Korea blew up roads and rail links across the DMZ that connect it with South Korea.",
        ["military", "border"],
        {
            "reviewer1": (
                "true",
                "high",
                "South Korea's JCS reported and filmed the explosions.",
                [JCS_BRIEFING],
            ),
            "reviewer2": (
                "true",
                "high",
                "The JCS video shows the Gyeongui and Donghae road sections blown up.",
                [JCS_BRIEFING],
            ),
        },
    ),
    (
        "the South violated their airspace with a drone and dropped propaganda leaflets across the border",
        "North Korea says a South Korean drone dropped leaflets over its territory.",
        ["border", "north-korea"],
        {
            "reviewer1": (
                "unverifiable",
                "medium",
                "North Korea's accusation is on record; whether a drone flew has not been established.",
                [],
            ),
            "reviewer2": (
                "unverifiable",
                "medium",
                "Seoul neither confirmed nor denied; no independent evidence of the flights.",
                [],
            ),
        },
    ),
    (
        '1.4 million of its citizens, many of them students, have "volunteered" for military service',
        "1.4 million North Koreans, many of them students, volunteered for military service.",
        ["military", "north-korea"],
        {
            "reviewer1": (
                "unverifiable",
                "high",
                "The figure comes from KCNA alone; nobody outside can count it.",
                [KCNA_VOLUNTEERS],
            ),
            "reviewer2": (
                "unverifiable",
                "high",
                "A state media figure with nothing to check it against.",
                [],
            ),
        },
    ),
    (
        "North Korea has positioned approximately 10,000 artillery pieces along its southern border",
        "About 10,000 North Korean artillery pieces are positioned along the southern border.",
        ["military"],
        {
            "reviewer1": (
                "mostly_true",
                "medium",
                "Estimates of artillery near the DMZ run to about 10,000 tubes and rocket launchers.",
                [],
            ),
            "reviewer2": (
                "mixed",
                "low",
                "The 10,000 figure counts the whole forward force; only part of it can reach the South.",
                [],
            ),
        },
    ),
    (
        "the fragile armistice that has technically been in place since the Korean War",
        "The Korean War ended in an armistice, not a peace treaty, still formally in force.",
        ["history"],
        {
            "reviewer1": (
                "true",
                "high",
                "The 1953 armistice was never replaced by a peace treaty.",
                [ARMISTICE],
            ),
            "reviewer2": ("true", "high", "No peace treaty has been signed since 1953.", [ARMISTICE]),
        },
    ),
    (
        "around 10,000 North Korean soldiers have been sent to aid Russian forces",
        "North Korea sent about 10,000 soldiers to help Russia's forces.",
        ["military", "russia"],
        {
            "reviewer1": (
                "mostly_true",
                "medium",
                "The NIS estimate is about 10,000; only part of them had arrived in October.",
                [NIS_TROOPS],
            ),
            "reviewer2": (
                "mostly_true",
                "medium",
                "South Korean and US officials gave figures of 10,000 to 12,000.",
                [NIS_TROOPS],
            ),
        },
    ),
    (
        "primarily in operating advanced missile systems",
        "North Korean soldiers in Russia mainly operate advanced missile systems.",
        ["military", "russia"],
        {
            "reviewer1": (
                "unverifiable",
                "low",
                "The article names no source for the role of the troops.",
                [],
            ),
            "reviewer2": (
                "misleading",
                "medium",
                "Officials describe infantry and artillery units training for the front, not missile crews.",
                [NIS_TROOPS],
            ),
        },
    ),
    (
        "at least 18 North Korean soldiers have fled from their positions in the Bryansk region",
        "At least 18 North Korean soldiers deserted their positions in the Bryansk region.",
        ["military", "russia"],
        {
            "reviewer1": (
                "unverifiable",
                "medium",
                "Reported from Ukrainian intelligence only; not confirmed by anyone else.",
                [],
            ),
            "reviewer2": ("unverifiable", "medium", "A single-source report that no one could confirm.", []),
        },
    ),
    (
        "North Korea, Russia, China, and Iran are increasingly coordinating their actions",
        "",
        ["opinion"],
        {
            "reviewer1": (
                "not_checkable",
                "high",
                "An analyst's reading of events, not a fact to check.",
                [],
            ),
            "reviewer2": ("not_checkable", "high", "A judgement about alignment; nothing to verify.", []),
        },
    ),
]

# The editor settles the disagreement on the troops' role: (quote, rating, rationale, evidence).
ADJUDICATIONS = [
    (
        "primarily in operating advanced missile systems",
        "misleading",
        "Officials who counted the troops describe infantry units; the missile role is the article's own "
        "assertion, stated as fact.",
        [NIS_TROOPS],
    ),
]
