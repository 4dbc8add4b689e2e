"""Word pools and record makers for kbdev.typeset (all strings LaTeX-safe)."""
from __future__ import annotations

import random

SURNAMES = {
    "en": ["Smith", "Johnson", "Whitfield", "Harrington", "O'Brien", "McAllister", "Baker",
           "Thompson", "Ellison", "Crawford", "Pennington", "Ashworth", "Reynolds", "Fairbanks"],
    "de": ["Müller", "Schröder", "Schlögel", "Weißenborn", "Hoffmann", "von Trotha", "Kästner",
           "Brandt", "Zimmermann", "Oberländer", "Hübner", "Lindqvist"],
    "fr": ["Dubois", "Lefèvre", "de Certeau", "Rancière", "Moreau", "Chevalier", "Bourdieu",
           "Girard", "Fontaine"],
    "it": ["Bianchi", "Rossi", "De Luca", "Ginzburg", "Esposito", "Colombo", "Ferrara"],
    "es": ["García Márquez", "Fernández", "de la Cruz", "Ortega", "Núñez", "Villanueva"],
    "zh": ["Wang", "Li", "Zhang", "Chen", "Liu", "Huang", "Zhao"],
}
GIVEN = {
    "en": ["John", "Mary", "Elizabeth", "Robert", "Catherine", "David Scott", "Anne-Marie", "Peter J."],
    "de": ["Jürgen", "Karl", "Ulrike", "Hans-Georg", "Friederike", "Wolfgang", "Jost"],
    "fr": ["Michel", "Jacques", "Hélène", "François", "Jean-Luc", "Élise"],
    "it": ["Giulia", "Carlo", "Marco", "Francesca", "Umberto"],
    "es": ["José", "Gabriel", "Lucía", "Carmen", "Andrés"],
    "zh": ["Wei", "Xiaoming", "Jing", "Hong", "Yiqing"],
}
ORGS = ["World Health Organization", "United Nations Development Programme",
        "Deutsches Institut für Normung", "Organisation for Economic Co-operation and Development",
        "European Commission", "National Research Council", "Bundesamt für Statistik"]
WORDS = {
    "en": ("memory archive nation empire labour city market state knowledge power ritual "
           "border migration reform theory history practice identity religion science law "
           "violence trade culture family economy revolution citizenship language").split(),
    "de": ("Geschichte Gesellschaft Herrschaft Raum Erinnerung Staat Arbeit Stadt Reform "
           "Verwaltung Wissen Ordnung Kultur Grenze Krieg Politik").split(),
    "fr": ("histoire mémoire société pouvoir ville savoir état travail frontière culture "
           "révolution langue").split(),
    "it": ("storia memoria società potere città stato cultura lavoro").split(),
    "es": ("historia memoria sociedad poder ciudad estado cultura trabajo").split(),
}
JOIN = {"en": ["and", "in", "of", "after", "beyond", "between"],
        "de": ["und", "im", "der", "nach", "zwischen"],
        "fr": ["et", "de la", "dans", "après"], "it": ["e", "della", "nella"],
        "es": ["y", "de la", "en"]}
JOURNALS = ["Journal of Modern History", "Past \\& Present", "American Historical Review",
            "Geschichte und Gesellschaft", "Annales. Histoire, Sciences Sociales",
            "Social Science Quarterly", "Zeitschrift für Soziologie", "Studi Storici",
            "Revista de Occidente", "Comparative Studies in Society and History",
            "The Lancet", "Nature Human Behaviour", "Law Quarterly Review"]
PUBLISHERS = [("Cambridge University Press", "Cambridge"), ("Suhrkamp", "Frankfurt am Main"),
              ("Gallimard", "Paris"), ("Einaudi", "Turin"), ("Routledge", "London and New York"),
              ("Oxford University Press", "Oxford"), ("C.H. Beck", "Munich"),
              ("University of Chicago Press", "Chicago"), ("Siglo XXI", "Madrid"),
              ("Zhonghua Shuju", "Beijing"), ("Princeton University Press", "Princeton, NJ"),
              ("Verso", "London")]
SERIES = ["Studies in Social History", "Kritische Studien zur Geschichtswissenschaft",
          "Bibliothèque des histoires", "Cambridge Studies in Law and Society"]
VERBS = ["argues", "shows", "has demonstrated", "suggests", "insists", "documents", "contends"]
SUBJ = ["The evidence", "This interpretation", "Recent scholarship", "The archive",
        "Such a reading", "The debate", "One historian", "The earlier literature"]
TAIL = ["that the reforms were uneven across the provinces",
        "that memory and archive were bound together in the period",
        "how the market reshaped urban labour after the war",
        "that the state relied on local knowledge more than it admitted",
        "a different chronology for the migration of rural families",
        "why citizenship remained contested in the border regions",
        "the limits of the older theory of imperial power",
        "that religious practice adapted to the new legal order"]
HEADINGS = ["Introduction", "Background", "Methods and Sources", "The Archive and its Limits",
            "Results", "Discussion", "Conclusion", "Markets and Memory", "Law and Practice",
            "A Comparative View", "Historiography"]


def person(rng: random.Random, lang: str | None = None) -> tuple[str, str]:
    lang = lang or rng.choice(list(SURNAMES))
    return rng.choice(SURNAMES[lang]), rng.choice(GIVEN[lang])


def names(rng, lang, most=3) -> str:
    people = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, most + 1])):
        s, g = person(rng, lang if rng.random() < 0.7 else None)
        people.append(f"{s}, {g}")
    return " and ".join(people)


def title(rng: random.Random, lang: str) -> str:
    w = WORDS.get(lang, WORDS["en"])
    a, b, c = rng.sample(w, 3)
    t = f"{a} {rng.choice(JOIN.get(lang, JOIN['en']))} {b}"
    if rng.random() < 0.6:
        t += f": {c} {rng.choice(JOIN.get(lang, JOIN['en']))} {rng.choice(w)}"
        if rng.random() < 0.3:
            t += f", {rng.randint(1700, 1990)}--{rng.randint(1991, 2020)}"
    return t[0].upper() + t[1:]


def record(rng: random.Random, i: int) -> dict:
    lang = rng.choice(["en"] * 5 + ["de", "de", "fr", "it", "es", "zh"])
    tlang = lang if lang != "zh" else "en"
    typ = rng.choice(["book"] * 4 + ["article"] * 4 + ["incollection"] * 2 + ["report", "online"])
    year = rng.randint(1950, 2023)
    r = {"key": f"r{i:03d}", "entrytype": typ, "title": title(rng, tlang), "date": str(year)}
    if typ == "report" or (typ == "online" and rng.random() < 0.6) or rng.random() < 0.04:
        r["author"] = "{" + rng.choice(ORGS) + "}"
    else:
        r["author"] = names(rng, lang)
    if typ == "book":
        pub, place = rng.choice(PUBLISHERS)
        r.update(publisher=pub, location=place)
        if rng.random() < 0.2:
            r["translator"] = names(rng, "en", 1)
        if rng.random() < 0.2:
            r["series"] = rng.choice(SERIES)
            r["number"] = str(rng.randint(1, 240))
        if rng.random() < 0.15:
            r["edition"] = str(rng.randint(2, 5))
    elif typ == "article":
        r.update(journaltitle=rng.choice(JOURNALS), volume=str(rng.randint(1, 120)),
                 pages=f"{(p := rng.randint(1, 700))}--{p + rng.randint(5, 40)}")
        if rng.random() < 0.5:
            r["number"] = str(rng.randint(1, 6))
        if rng.random() < 0.3:
            r["doi"] = f"10.{rng.randint(1000, 9999)}/{rng.choice('abcdefgh')}{rng.randint(10000, 99999)}"
    elif typ == "incollection":
        pub, place = rng.choice(PUBLISHERS)
        r.update(booktitle=title(rng, tlang), editor=names(rng, lang, 2), publisher=pub,
                 location=place, pages=f"{(p := rng.randint(1, 400))}--{p + rng.randint(8, 30)}")
    elif typ == "report":
        r.update(institution=r["author"].strip("{}"), type="Working Paper",
                 number=str(rng.randint(1, 99)), location=rng.choice(PUBLISHERS)[1])
    else:
        r.update(url=f"https://www.example{rng.randint(1, 99)}.org/{rng.choice(WORDS['en'])}/{rng.randint(100, 999)}",
                 urldate=f"{rng.randint(2015, 2023)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
    return r


def sentence(rng: random.Random) -> str:
    s = f"{rng.choice(SUBJ)} {rng.choice(VERBS)} {rng.choice(TAIL)}"
    if rng.random() < 0.4:
        s += f", and {rng.choice(TAIL).replace('that ', '', 1)}"
    return s


def heading(rng: random.Random) -> str:
    return rng.choice(HEADINGS)
