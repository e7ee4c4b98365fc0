"""Rules and the short exceptions table for country adjectives and demonyms.

CLDR names countries but has no adjectives. The rules below propose candidates;
build_places.py keeps those the German or English dictionary knows. The tables hold
what no rule derives (irregular forms, and names the news uses beside CLDR's).
"""

from __future__ import annotations

# Regions, groupings and uninhabited territories: not places readers follow by name.
SKIP_TERRITORIES = frozenset({"AQ", "BV", "HM", "TF", "UM", "CP", "DG", "EA", "IC", "QO", "ZZ"})

# Names the news uses beside CLDR's (alias syntax: "=" keeps a code exact).
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("=USA", "=US", "Vereinigte Staaten von Amerika", "Amerika", "America"),
    "GB": ("Großbritannien", "Britain", "Great Britain", "=UK", "Vereinigtes Königreich"),
    "PS": (
        "Palästina",
        "Palestine",
        "Palästinensergebiete",
        "palästinensische Gebiete",
        "Palestinian territories",
    ),
    "TR": ("Turkey", "Türkiye"),
    "CZ": ("Tschechische Republik", "Czech Republic"),
    "MM": ("Birma", "Burma", "Myanmar"),
    "CD": (
        "Demokratische Republik Kongo",
        "=DR Kongo",
        "Democratic Republic of the Congo",
        "=DR Congo",
        "=DRC",
    ),
    "CG": ("Republik Kongo", "Republic of the Congo"),
    "CI": ("Elfenbeinküste", "Ivory Coast"),
    "BY": ("Weißrussland",),
    "MK": ("Mazedonien", "Macedonia"),
    "VA": ("Vatikan", "Vatican"),
    "HK": ("Hongkong", "Hong Kong"),
    "MO": ("Macau",),
    "AE": ("=VAE", "=UAE", "Emirate", "Emirates"),
    "NL": ("Holland",),
    "KP": ("=DPRK", "=KDVR"),
    "SZ": ("Swasiland", "Swaziland"),
    "TL": ("Osttimor", "East Timor"),
    "CV": ("Kapverden", "Cape Verde"),
    "BA": ("Bosnien", "Bosnia"),
    "SA": ("Saudi Arabien",),
    "MD": ("Moldawien", "Moldau", "Moldova"),
    "KG": ("Kirgistan", "Kyrgyzstan"),
}

# Irregular German adjectives (lower case) — what no rule below derives.
DE_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "DE": ("deutsch",),
    "FR": ("französisch",),
    "AT": ("österreichisch",),
    "CH": ("schweizerisch",),
    "NL": ("niederländisch", "holländisch"),
    "BE": ("belgisch",),
    "GB": ("britisch",),
    "US": ("amerikanisch", "US-amerikanisch"),
    "IT": ("italienisch",),
    "CN": ("chinesisch",),
    "JP": ("japanisch",),
    "PL": ("polnisch",),
    "DK": ("dänisch",),
    "PT": ("portugiesisch",),
    "LB": ("libanesisch",),
    "SD": ("sudanesisch",),
    "SS": ("südsudanesisch",),
    "YE": ("jemenitisch",),
    "PS": ("palästinensisch",),
    "AE": ("emiratisch",),
    "SA": ("saudisch", "saudi-arabisch"),
    "BY": ("belarussisch", "weißrussisch"),
    "IS": ("isländisch",),
    "TH": ("thailändisch",),
    "NZ": ("neuseeländisch",),
    "EE": ("estnisch",),
    "VN": ("vietnamesisch",),
    "NP": ("nepalesisch",),
    "SN": ("senegalesisch",),
    "CD": ("kongolesisch",),
    "CG": ("kongolesisch",),
    "CA": ("kanadisch",),
    "GH": ("ghanaisch",),
    "UG": ("ugandisch",),
    "RW": ("ruandisch",),
    "KE": ("kenianisch",),
    "NG": ("nigerianisch",),
    "NE": ("nigrisch",),
    "PK": ("pakistanisch",),
    "CO": ("kolumbianisch",),
    "BO": ("bolivianisch",),
    "VE": ("venezolanisch",),
    "CL": ("chilenisch",),
    "PE": ("peruanisch",),
    "EC": ("ecuadorianisch",),
    "XK": ("kosovarisch",),
    "ME": ("montenegrinisch",),
    "MC": ("monegassisch",),
    "KR": ("südkoreanisch",),
    "KP": ("nordkoreanisch",),
    "PH": ("philippinisch",),
    "CY": ("zyprisch",),
    "MT": ("maltesisch",),
    "BA": ("bosnisch",),
    "IR": ("iranisch",),
    "IL": ("israelisch",),
    "IQ": ("irakisch",),
    "AF": ("afghanisch",),
    "EG": ("ägyptisch",),
    "SY": ("syrisch",),
    "JO": ("jordanisch",),
    "RU": ("russisch",),
    "UA": ("ukrainisch",),
    "TR": ("türkisch",),
    "GR": ("griechisch",),
}

# Irregular German nouns for the people.
DE_DEMONYMS: dict[str, tuple[str, ...]] = {
    "DE": ("Deutsche", "Deutscher"),
    "FR": ("Franzose", "Französin"),
    "GB": ("Brite", "Britin"),
    "IL": ("Israeli", "Israelin"),
    "PS": ("Palästinenser", "Palästinenserin"),
    "CN": ("Chinese", "Chinesin"),
    "PL": ("Pole", "Polin"),
    "RU": ("Russe", "Russin"),
    "TR": ("Türke", "Türkin"),
    "AF": ("Afghane", "Afghanin"),
    "LB": ("Libanese", "Libanesin"),
    "SA": ("Saudi",),
    "US": ("Amerikaner", "Amerikanerin", "US-Amerikaner"),
    "UA": ("Ukrainer", "Ukrainerin"),
    "IR": ("Iraner", "Iranerin"),
    "IQ": ("Iraker", "Irakerin"),
    "SY": ("Syrer", "Syrerin"),
    "EG": ("Ägypter", "Ägypterin"),
    "JO": ("Jordanier", "Jordanierin"),
    "YE": ("Jemenit", "Jemenitin"),
    "DK": ("Däne", "Dänin"),
    "GR": ("Grieche", "Griechin"),
    "NL": ("Niederländer", "Niederländerin"),
    "JP": ("Japaner", "Japanerin"),
    "IT": ("Italiener", "Italienerin"),
}

# Irregular English adjectives / demonyms.
EN_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "DE": ("German",),
    "FR": ("French", "Frenchman", "Frenchmen"),
    "GB": ("British", "Briton"),
    "NL": ("Dutch",),
    "CH": ("Swiss",),
    "US": ("American",),
    "CN": ("Chinese",),
    "JP": ("Japanese",),
    "PL": ("Polish", "Pole"),
    "ES": ("Spanish", "Spaniard"),
    "TR": ("Turkish", "Turk"),
    "FI": ("Finnish", "Finn"),
    "SE": ("Swedish", "Swede"),
    "DK": ("Danish", "Dane"),
    "NO": ("Norwegian",),
    "IE": ("Irish",),
    "IS": ("Icelandic",),
    "GR": ("Greek",),
    "IL": ("Israeli",),
    "IQ": ("Iraqi",),
    "YE": ("Yemeni",),
    "SA": ("Saudi",),
    "AE": ("Emirati",),
    "QA": ("Qatari",),
    "KW": ("Kuwaiti",),
    "OM": ("Omani",),
    "PK": ("Pakistani",),
    "AF": ("Afghan",),
    "BD": ("Bangladeshi",),
    "TH": ("Thai",),
    "PH": ("Philippine", "Filipino"),
    "NZ": ("New Zealander",),
    "LB": ("Lebanese",),
    "SD": ("Sudanese",),
    "SS": ("South Sudanese",),
    "VN": ("Vietnamese",),
    "PT": ("Portuguese",),
    "NE": ("Nigerien",),
    "CD": ("Congolese",),
    "CG": ("Congolese",),
    "PS": ("Palestinian",),
    "BY": ("Belarusian",),
    "KR": ("South Korean",),
    "KP": ("North Korean",),
    "CZ": ("Czech",),
    "SK": ("Slovak",),
    "HR": ("Croat", "Croatian"),
    "RS": ("Serb", "Serbian"),
    "BA": ("Bosnian",),
    "XK": ("Kosovar",),
    "CY": ("Cypriot",),
    "MT": ("Maltese",),
    "UA": ("Ukrainian",),
    "RU": ("Russian",),
    "IR": ("Iranian",),
    "SY": ("Syrian",),
    "EG": ("Egyptian",),
    "JO": ("Jordanian",),
}


def de_adjective_candidates(name: str) -> list[str]:
    """Regular German adjectives for a country name, most likely first."""
    if " " in name:
        return []
    lower = name[0].lower() + name[1:]
    candidates: list[str] = []
    if lower.endswith("ien"):  # Syrien → syrisch, Jordanien → jordanisch
        candidates += [lower[:-3] + "isch", lower[:-3] + "ianisch"]
    elif lower.endswith("yen"):  # Libyen → libysch
        candidates.append(lower[:-2] + "sch")
    elif lower.endswith("ei"):  # Türkei → türkisch, Slowakei → slowakisch
        candidates.append(lower[:-2] + "isch")
    elif lower.endswith("istan"):  # Usbekistan → usbekisch
        candidates += [lower[:-5] + "isch", lower + "isch"]
    elif lower.endswith("stan"):  # Kasachstan → kasachisch
        candidates.append(lower[:-4] + "isch")
    elif lower.endswith("land"):  # Russland → russisch, Griechenland → griechisch
        stem = lower[:-4]
        candidates += [stem + "isch", stem.removesuffix("en") + "isch", stem + "ländisch"]
    elif lower.endswith("ia"):  # Sambia → sambisch, Kenia → kenianisch
        candidates += [lower[:-2] + "isch", lower + "nisch"]
    elif lower.endswith("a"):  # Kuba → kubanisch, Uganda → ugandisch
        candidates += [lower + "nisch", lower[:-1] + "isch", lower + "isch"]
    elif lower.endswith("o"):  # Mexiko → mexikanisch
        candidates += [lower[:-1] + "anisch", lower + "isch"]
    elif lower.endswith("en"):  # Schweden → schwedisch, Ägypten → ägyptisch
        candidates += [lower[:-2] + "isch", lower + "isch"]
    else:  # Iran → iranisch, Nepal → nepalesisch, Ungarn → ungarisch
        candidates += [lower + "isch", lower + "esisch", lower + "ianisch", lower[:-1] + "isch"]
    return candidates


def de_demonym_candidates(adjective: str) -> list[str]:
    """Nouns for the people from the adjective: iranisch → Iraner, schwedisch → Schwede."""
    stem = adjective.removesuffix("isch")
    if stem == adjective or " " in stem or "-" in stem:
        return []
    noun = stem[0].upper() + stem[1:]
    return [noun + "er", noun + "e", noun + "i", noun + "ier"]


def en_adjective_candidates(name: str) -> list[str]:
    """Regular English adjectives / demonyms: Syria → Syrian, Nepal → Nepali."""
    if " " in name or "-" in name:
        return []
    candidates = [name + "n", name + "ian", name + "an", name + "i", name + "ese"]
    if name.endswith(("a", "e", "o", "y")):  # Italy → Italian, Mexico → Mexican
        candidates += [name[:-1] + "ian", name[:-1] + "an", name[:-1] + "ese"]
    if name.endswith("um"):  # Belgium → Belgian
        candidates.append(name[:-2] + "an")
    if name.endswith("stan"):  # Uzbekistan → Uzbek
        candidates += [name[:-5], name[:-4]]
    return candidates
