"""Word lists the demo company is made from: places, names, companies, what sales people write.

Kept apart from :mod:`cli.demo` so that the generator reads as logic, not as lists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    name: str
    code: str
    currency: str
    legal_forms: tuple[str, ...]
    # Postal code pattern: "9" a digit, "A" a capital letter, anything else as is.
    postal: str
    # Phone patterns in the same notation, the first a landline, the rest mobiles.
    phones: tuple[str, ...]
    streets: tuple[str, ...]
    # (city, latitude, longitude)
    cities: tuple[tuple[str, float, float], ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "Sweden",
        "se",
        "SEK",
        ("AB",),
        "999 99",
        ("+46 8 999 99 99", "+46 70 999 99 99", "+46 73 999 99 99"),
        ("Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan", "Sveavägen", "Hamngatan", "Östra Hamngatan"),
        (
            ("Stockholm", 59.3293, 18.0686),
            ("Göteborg", 57.7089, 11.9746),
            ("Malmö", 55.6050, 13.0038),
            ("Uppsala", 59.8586, 17.6389),
            ("Linköping", 58.4108, 15.6214),
        ),
        ("Anna", "Erik", "Karin", "Lars", "Sofia", "Johan", "Maja", "Oskar", "Elsa", "Magnus", "Linnea", "Anders"),
        ("Andersson", "Johansson", "Lindqvist", "Berg", "Nilsson", "Svensson", "Ek", "Holm", "Sandberg", "Åberg"),
    ),
    Country(
        "Norway",
        "no",
        "EUR",
        ("AS",),
        "9999",
        ("+47 22 99 99 99", "+47 999 99 999"),
        ("Karl Johans gate", "Storgata", "Kirkegata", "Dronningens gate", "Bryggen", "Torggata"),
        (("Oslo", 59.9139, 10.7522), ("Bergen", 60.3913, 5.3221), ("Trondheim", 63.4305, 10.3951)),
        ("Ingrid", "Ola", "Kari", "Henrik", "Silje", "Espen", "Ragnhild", "Sindre", "Tuva", "Håkon"),
        ("Hansen", "Haugen", "Solberg", "Bakke", "Strand", "Dahl", "Lie", "Moen", "Berntsen", "Ødegård"),
    ),
    Country(
        "Denmark",
        "dk",
        "EUR",
        ("ApS", "A/S"),
        "9999",
        ("+45 99 99 99 99",),
        ("Vesterbrogade", "Nørregade", "Østergade", "Frederiksberggade", "Bredgade", "Amagertorv"),
        (("København", 55.6761, 12.5683), ("Aarhus", 56.1629, 10.2039), ("Odense", 55.4038, 10.4024)),
        ("Mette", "Søren", "Kasper", "Ida", "Freja", "Mads", "Line", "Rasmus", "Camilla", "Jesper"),
        ("Jensen", "Nielsen", "Pedersen", "Sørensen", "Møller", "Kristensen", "Larsen", "Thomsen", "Poulsen"),
    ),
    Country(
        "Finland",
        "fi",
        "EUR",
        ("Oy",),
        "99999",
        ("+358 9 999 9999", "+358 40 999 9999", "+358 50 999 9999"),
        ("Mannerheimintie", "Aleksanterinkatu", "Hämeenkatu", "Esplanadi", "Yliopistonkatu", "Kauppakatu"),
        (("Helsinki", 60.1699, 24.9384), ("Tampere", 61.4978, 23.7610), ("Turku", 60.4518, 22.2666)),
        ("Mikko", "Aino", "Johanna", "Matti", "Sanna", "Jukka", "Liisa", "Ville", "Emilia", "Antti"),
        ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Kallio", "Laine", "Heikkinen", "Koskinen", "Lehtonen"),
    ),
    Country(
        "Germany",
        "de",
        "EUR",
        ("GmbH", "AG"),
        "99999",
        ("+49 30 9999999", "+49 151 99999999", "+49 170 9999999"),
        ("Hauptstraße", "Bahnhofstraße", "Friedrichstraße", "Schillerstraße", "Lindenallee", "Marktplatz"),
        (("Berlin", 52.5200, 13.4050), ("Hamburg", 53.5511, 9.9937), ("München", 48.1351, 11.5820)),
        ("Jonas", "Katrin", "Thomas", "Julia", "Felix", "Lena", "Stefan", "Sabine", "Lukas", "Miriam"),
        ("Müller", "Schmidt", "Becker", "Wagner", "Hoffmann", "Schäfer", "Koch", "Richter", "Wolf", "Neumann"),
    ),
    Country(
        "Netherlands",
        "nl",
        "EUR",
        ("B.V.",),
        "9999 AA",
        ("+31 20 999 9999", "+31 6 9999 9999"),
        ("Keizersgracht", "Herengracht", "Coolsingel", "Damrak", "Prinsengracht", "Stationsplein"),
        (("Amsterdam", 52.3676, 4.9041), ("Rotterdam", 51.9244, 4.4777), ("Utrecht", 52.0907, 5.1214)),
        ("Pieter", "Sanne", "Lotte", "Daan", "Femke", "Bram", "Eva", "Joost", "Anouk", "Ruben"),
        ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"),
    ),
    Country(
        "United Kingdom",
        "uk",
        "USD",
        ("Ltd",),
        "AA9 9AA",
        ("+44 20 9999 9999", "+44 7700 999999"),
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "King Street", "Queen's Road"),
        (("London", 51.5072, -0.1276), ("Manchester", 53.4808, -2.2426), ("Edinburgh", 55.9533, -3.1883)),
        ("Oliver", "Emily", "James", "Charlotte", "Harry", "Amelia", "George", "Sophie", "William", "Grace"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Clarke", "Walker", "Wright", "Hughes"),
    ),
)
# Sweden first: the demo company is Swedish and most of its market is at home.
COUNTRY_WEIGHTS = (40, 12, 10, 12, 12, 7, 7)

# The demo company's own people: (name, role is admin, teams by index into TEAMS).
USERS: tuple[tuple[str, bool, tuple[int, ...]], ...] = (
    ("Astrid Lindqvist", True, ()),
    ("Mikael Virtanen", False, (0,)),
    ("Sofie Jensen", False, (1,)),
    ("Lars Haugen", False, (0,)),
    ("Elin Johansson", False, (0,)),
    ("Jonas Becker", False, (1,)),
)
TEAMS = ("Nordics", "Continental")
USER_DOMAIN = "demo-sales.example"

ORG_STEMS = (
    "Nordvik", "Fjällmark", "Solberg", "Havtorn", "Lindholm", "Eketorp", "Skogsberg", "Ahlgren", "Vesterby",
    "Kallio", "Aurora", "Polaris", "Brightwater", "Kestrel", "Granit", "Lumi", "Saga", "Tundra", "Vinterhav",
    "Norrsken", "Stormvik", "Hjortö", "Nyhavn", "Kastell", "Rosenlund", "Falkenberg", "Ørnes", "Vargö",
    "Silverlake", "Blåbär", "Midgard", "Fyrtorn", "Isbjörn", "Kompass", "Ankaret", "Tallbacka",
)  # fmt: skip
ORG_TRADES = (
    "Logistik", "Bygg", "Data", "Konsult", "Analytics", "Energi", "Design", "Medical", "Foods", "Systems",
    "Robotics", "Software", "Media", "Fastigheter", "Marine", "Solar", "Textil", "Maskin", "Retail", "Finans",
)  # fmt: skip

JOB_TITLES = (
    "CEO", "CFO", "CTO", "Head of Sales", "Sales Manager", "Purchasing Manager", "Operations Manager",
    "IT Manager", "Marketing Director", "Office Manager", "Project Manager", "Procurement Specialist",
    "Head of Customer Success", "Founder", "Product Owner",
)  # fmt: skip

LEAD_TOPICS = (
    "CRM licences", "Annual support contract", "Website redesign", "Pilot project", "Fleet tracking",
    "Consulting hours", "Hardware upgrade", "Training package", "Cloud migration", "Enterprise plan",
    "New office roll-out", "Renewal", "Integration project", "Data warehouse", "Security audit",
)  # fmt: skip

# (subject, type) of the activities a lead collects.
ACTIVITIES = (
    ("Intro call", "CALL"),
    ("Follow-up call", "CALL"),
    ("Discovery meeting", "MEETING"),
    ("Product demo", "MEETING"),
    ("Send proposal", "TASK"),
    ("Send price list", "EMAIL"),
    ("Check budget approval", "TASK"),
    ("Contract deadline", "DEADLINE"),
    ("Lunch with decision maker", "LUNCH"),
    ("Reply to questions", "EMAIL"),
)

NOTES = (
    "Spoke with {first} today: they are comparing us with two other vendors.",
    "{first} asked for references from customers in the same industry.",
    "Budget is set for next quarter. Decision by the board in {month}.",
    "Met {first} at the trade fair. Very interested in the {topic}.",
    "They use spreadsheets today and are outgrowing them.",
    "No answer on the phone, left a voicemail.",
    "{first} wants a trial before committing.",
    "Price is the main concern; a multi-year deal could help.",
)
MENTION_NOTES = (
    "@{user} can you join the next call with {first}? They asked about integrations.",
    "Handing over to @{user}, who knows the {country} market better.",
    "@{user} please prepare a quote for the {topic}.",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")

UTM_SOURCES = ("google", "linkedin", "newsletter", "facebook", "partner-site")
UTM_MEDIUMS = ("cpc", "social", "email", "referral")
UTM_CAMPAIGNS = ("spring-offer", "webinar-crm", "nordic-expansion", "retargeting")

# How leads arrive, with weights: most by hand, from the web and from imports.
SOURCES = (
    ("MANUAL", 25),
    ("WEB_FORM", 20),
    ("IMPORT", 12),
    ("PROSPECTOR", 10),
    ("API", 8),
    ("DEAL", 7),
    ("CHATBOT", 5),
    ("LIVE_CHAT", 5),
    ("WEB_VISITORS", 5),
    ("WORKFLOW_AUTOMATION", 3),
)
EXTRA_LABEL = ("Partner", "purple")

# For email addresses and domains: the letters of the names above, in plain ASCII.
ASCII = str.maketrans(
    {"å": "a", "ä": "a", "ö": "o", "ø": "o", "æ": "ae", "ü": "u", "ß": "ss", "é": "e", "'": "", " ": "-"}
)


def ascii_slug(text: str) -> str:
    return text.lower().translate(ASCII).replace(".", "").replace("/", "")
