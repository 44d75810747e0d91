"""The vocabulary of the synthetic prospect database: countries and their cities, names,
industries, sizes and job titles, each with a weight that makes the mix plausible (many
small companies and few large ones, many individual contributors and few chiefs, most
profiles from a few big markets)."""

from __future__ import annotations

from models import Department, EmployeeRange, RevenueRange, Seniority

# fmt: off
# Country code: (weight, phone code, web domain, name pool, company suffixes,
#                [(city, weight, postal code prefix)])
COUNTRIES: dict[str, tuple[float, str, str, str, tuple[str, ...], list[tuple[str, float, str]]]] = {
    "US": (34, "1", "com", "en", ("Inc.", "LLC", "Corp.", "Group"), [
        ("New York", 9, "100"), ("San Francisco", 6, "941"), ("Los Angeles", 6, "900"), ("Chicago", 5, "606"),
        ("Boston", 4, "021"), ("Austin", 4, "787"), ("Seattle", 4, "981"), ("Denver", 3, "802"),
        ("Atlanta", 3, "303"), ("Dallas", 3, "752"), ("Miami", 2, "331"), ("Minneapolis", 2, "554"),
        ("Philadelphia", 2, "191"), ("San Diego", 2, "921"), ("Portland", 1, "972"), ("Raleigh", 1, "276"),
    ]),
    "GB": (10, "44", "co.uk", "en", ("Ltd", "plc", "Group", "Partners"), [
        ("London", 12, "EC1"), ("Manchester", 3, "M1"), ("Birmingham", 2, "B1"), ("Leeds", 2, "LS1"),
        ("Edinburgh", 2, "EH1"), ("Bristol", 2, "BS1"), ("Glasgow", 1, "G1"), ("Cambridge", 1, "CB1"),
    ]),
    "DE": (8, "49", "de", "de", ("GmbH", "AG", "GmbH & Co. KG", "SE"), [
        ("Berlin", 5, "10"), ("Munich", 5, "80"), ("Hamburg", 4, "20"), ("Frankfurt", 3, "60"),
        ("Cologne", 2, "50"), ("Stuttgart", 2, "70"), ("Düsseldorf", 2, "40"), ("Leipzig", 1, "04"),
    ]),
    "FR": (6, "33", "fr", "fr", ("SAS", "SA", "SARL", "Groupe"), [
        ("Paris", 10, "75"), ("Lyon", 3, "69"), ("Marseille", 2, "13"), ("Toulouse", 2, "31"),
        ("Nantes", 1, "44"), ("Lille", 1, "59"), ("Bordeaux", 1, "33"),
    ]),
    "IN": (6, "91", "in", "in", ("Pvt Ltd", "Ltd", "Technologies", "Solutions"), [
        ("Bengaluru", 6, "560"), ("Mumbai", 5, "400"), ("New Delhi", 4, "110"), ("Hyderabad", 3, "500"),
        ("Pune", 3, "411"), ("Chennai", 3, "600"),
    ]),
    "CA": (4, "1", "ca", "en", ("Inc.", "Ltd.", "Corp."), [
        ("Toronto", 6, "M5"), ("Vancouver", 4, "V6"), ("Montréal", 4, "H2"), ("Calgary", 2, "T2"), ("Ottawa", 2, "K1"),
    ]),
    "NL": (4, "31", "nl", "nl", ("B.V.", "N.V.", "Groep"), [
        ("Amsterdam", 6, "10"), ("Rotterdam", 3, "30"), ("Utrecht", 2, "35"), ("Eindhoven", 2, "56"),
        ("The Hague", 2, "25"),
    ]),
    "SE": (4, "46", "se", "sv", ("AB", "Group AB", "Holding AB"), [
        ("Stockholm", 8, "111"), ("Gothenburg", 4, "411"), ("Malmö", 3, "211"), ("Uppsala", 1, "753"),
        ("Linköping", 1, "581"), ("Lund", 1, "222"),
    ]),
    "AU": (3, "61", "com.au", "en", ("Pty Ltd", "Ltd", "Group"), [
        ("Sydney", 6, "2000"), ("Melbourne", 5, "3000"), ("Brisbane", 3, "4000"), ("Perth", 2, "6000"),
    ]),
    "ES": (3, "34", "es", "es", ("S.L.", "S.A.", "Grupo"), [
        ("Madrid", 6, "280"), ("Barcelona", 6, "080"), ("Valencia", 2, "460"), ("Seville", 1, "410"),
        ("Bilbao", 1, "480"),
    ]),
    "IT": (3, "39", "it", "it", ("S.r.l.", "S.p.A.", "Gruppo"), [
        ("Milan", 7, "201"), ("Rome", 5, "001"), ("Turin", 2, "101"), ("Bologna", 2, "401"), ("Florence", 1, "501"),
    ]),
    "BR": (3, "55", "com.br", "pt", ("Ltda.", "S.A.", "Grupo"), [
        ("São Paulo", 8, "01"), ("Rio de Janeiro", 4, "20"), ("Belo Horizonte", 2, "30"), ("Curitiba", 1, "80"),
    ]),
    "CH": (2, "41", "ch", "de", ("AG", "GmbH", "SA"), [("Zurich", 5, "80"), ("Geneva", 3, "12"), ("Basel", 2, "40")]),
    "PL": (2, "48", "pl", "pl", ("Sp. z o.o.", "S.A."), [
        ("Warsaw", 6, "00"), ("Kraków", 3, "30"), ("Wrocław", 2, "50"), ("Gdańsk", 1, "80"),
    ]),
    "DK": (2, "45", "dk", "sv", ("A/S", "ApS"), [("Copenhagen", 6, "1"), ("Aarhus", 2, "8"), ("Odense", 1, "5")]),
    "NO": (2, "47", "no", "sv", ("AS", "ASA"), [("Oslo", 6, "01"), ("Bergen", 2, "50"), ("Trondheim", 1, "70")]),
    "FI": (1.5, "358", "fi", "sv", ("Oy", "Oyj"), [("Helsinki", 6, "00"), ("Espoo", 2, "02"), ("Tampere", 2, "33")]),
    "IE": (1.5, "353", "ie", "en", ("Ltd", "DAC"), [("Dublin", 8, "D0"), ("Cork", 2, "T1"), ("Galway", 1, "H9")]),
    "JP": (2, "81", "co.jp", "ja", ("K.K.", "Co., Ltd."), [
        ("Tokyo", 8, "100"), ("Osaka", 3, "530"), ("Yokohama", 2, "220"),
    ]),
    "SG": (1, "65", "com.sg", "en", ("Pte. Ltd.",), [("Singapore", 1, "01")]),
}

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
           "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Chris", "Karen",
           "Daniel", "Emily", "Matthew", "Olivia", "Anthony", "Emma", "Mark", "Sophie", "Andrew", "Grace",
           "Ryan", "Chloe", "Kevin", "Hannah", "Brian", "Laura", "Jason", "Megan", "Ethan", "Amelia"),
    "de": ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Lena", "Maximilian", "Laura", "Paul", "Julia", "Leon",
           "Sarah", "Tobias", "Katharina", "Jan", "Sophie", "Florian", "Marie", "Stefan", "Sabine", "Andreas", "Petra"),
    "fr": ("Lucas", "Emma", "Hugo", "Chloé", "Louis", "Camille", "Nathan", "Léa", "Thomas", "Manon", "Julien",
           "Inès", "Antoine", "Sarah", "Mathieu", "Claire", "Nicolas", "Élodie", "Pierre", "Juliette"),
    "in": ("Aarav", "Ananya", "Vivaan", "Diya", "Aditya", "Priya", "Arjun", "Isha", "Rohan", "Kavya", "Rahul",
           "Neha", "Vikram", "Pooja", "Sanjay", "Sneha", "Amit", "Divya", "Karan", "Meera"),
    "nl": ("Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Levi", "Tess", "Finn", "Sophie", "Bram", "Fenna",
           "Thijs", "Anouk", "Ruben", "Lotte"),
    "sv": ("Erik", "Anna", "Lars", "Maria", "Karl", "Eva", "Johan", "Karin", "Anders", "Sara", "Per", "Emma",
           "Mikael", "Linnea", "Oskar", "Ingrid", "Nils", "Astrid", "Henrik", "Sofia", "Magnus", "Elin", "Mads",
           "Freja"),
    "es": ("Hugo", "Lucía", "Mateo", "Sofía", "Martín", "María", "Pablo", "Paula", "Alejandro", "Carmen", "Javier",
           "Elena", "Diego", "Marta", "Álvaro", "Laura"),
    "it": ("Leonardo", "Sofia", "Francesco", "Giulia", "Alessandro", "Aurora", "Lorenzo", "Alice", "Matteo",
           "Ginevra", "Marco", "Chiara", "Luca", "Francesca", "Andrea", "Elena"),
    "pt": ("Miguel", "Alice", "Arthur", "Sophia", "Gabriel", "Helena", "Pedro", "Valentina", "Lucas", "Laura",
           "Rafael", "Beatriz", "João", "Mariana"),
    "pl": ("Jakub", "Zuzanna", "Antoni", "Julia", "Jan", "Maja", "Szymon", "Hanna", "Piotr", "Anna", "Tomasz",
           "Katarzyna", "Paweł", "Magdalena"),
    "ja": ("Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Ren", "Sakura", "Takumi", "Yuna", "Kenji", "Akiko",
           "Hiroshi", "Naoko"),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
           "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
           "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
           "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins",
           "Edwards", "Stewart", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Reed", "Bailey", "Kelly"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
           "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
           "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"),
    "in": ("Sharma", "Verma", "Gupta", "Patel", "Singh", "Kumar", "Reddy", "Iyer", "Nair", "Mehta", "Joshi",
           "Desai", "Rao", "Chopra", "Malhotra", "Banerjee"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
           "Meijer", "de Boer", "Mulder", "de Groot", "Bos"),
    "sv": ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
           "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hansen", "Nielsen", "Lindqvist", "Berg", "Lund",
           "Virtanen", "Korhonen", "Hagen"),
    "es": ("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
           "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
           "Bruno", "Gallo", "Conti", "De Luca"),
    "pt": ("Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
           "Costa", "Ribeiro", "Martins", "Carvalho"),
    "pl": ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
           "Szymański", "Woźniak"),
    "ja": ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
           "Kato", "Yoshida", "Yamada"),
}
# fmt: on

INDUSTRIES: list[tuple[str, float]] = [
    ("Software", 12),
    ("IT Services", 9),
    ("Financial Services", 7),
    ("Manufacturing", 8),
    ("Healthcare", 6),
    ("Retail", 6),
    ("Marketing & Advertising", 5),
    ("Construction", 5),
    ("Real Estate", 4),
    ("Education", 4),
    ("Logistics & Transportation", 4),
    ("Consulting", 5),
    ("Telecommunications", 2),
    ("Energy", 2),
    ("Hospitality", 3),
    ("Legal Services", 2),
    ("Automotive", 2),
    ("Food & Beverages", 3),
    ("Media", 2),
    ("Pharmaceuticals", 2),
    ("Insurance", 2),
    ("Non-profit", 2),
    ("Government", 1),
    ("E-commerce", 3),
]

# Most companies are small; a profile database holds more people of the big ones.
EMPLOYEE_RANGES: list[tuple[EmployeeRange, float, float]] = [
    # (range, share of companies, relative number of profiles per company)
    (EmployeeRange.EMPLOYEES_1_10, 30, 1),
    (EmployeeRange.EMPLOYEES_11_50, 28, 3),
    (EmployeeRange.EMPLOYEES_51_200, 20, 8),
    (EmployeeRange.EMPLOYEES_201_500, 9, 15),
    (EmployeeRange.EMPLOYEES_501_1000, 5, 25),
    (EmployeeRange.EMPLOYEES_1001_5000, 5, 45),
    (EmployeeRange.EMPLOYEES_5001_10000, 1.5, 70),
    (EmployeeRange.EMPLOYEES_10001_PLUS, 1.5, 120),
]
# Revenue follows size, with some spread either way.
REVENUE_BY_SIZE: dict[EmployeeRange, int] = {
    EmployeeRange.EMPLOYEES_1_10: 0,
    EmployeeRange.EMPLOYEES_11_50: 1,
    EmployeeRange.EMPLOYEES_51_200: 2,
    EmployeeRange.EMPLOYEES_201_500: 3,
    EmployeeRange.EMPLOYEES_501_1000: 4,
    EmployeeRange.EMPLOYEES_1001_5000: 5,
    EmployeeRange.EMPLOYEES_5001_10000: 6,
    EmployeeRange.EMPLOYEES_10001_PLUS: 6,
}
REVENUE_RANGES = list(RevenueRange)

NAME_WORDS = (
    "North",
    "Blue",
    "Bright",
    "Silver",
    "Green",
    "Summit",
    "Nova",
    "Vertex",
    "Apex",
    "Harbor",
    "Pioneer",
    "Quantum",
    "Cedar",
    "Atlas",
    "Beacon",
    "Crest",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Horizon",
    "Iron",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Oak",
    "Polar",
    "River",
    "Sterling",
    "Titan",
    "Union",
    "Vista",
    "Westwind",
    "Zenith",
    "Aurora",
    "Cobalt",
    "Ember",
    "Fjord",
)
NAME_NOUNS = (
    "Systems",
    "Labs",
    "Works",
    "Analytics",
    "Logistics",
    "Partners",
    "Dynamics",
    "Health",
    "Capital",
    "Foods",
    "Energy",
    "Media",
    "Robotics",
    "Networks",
    "Solutions",
    "Consulting",
    "Design",
    "Retail",
    "Motors",
    "Software",
    "Cloud",
    "Data",
    "Industries",
    "Construction",
    "Ventures",
    "Learning",
    "Security",
    "Bio",
)

SENIORITY_BY_SIZE: dict[str, list[tuple[Seniority, float]]] = {
    "small": [
        (Seniority.ENTRY, 20),
        (Seniority.SENIOR, 20),
        (Seniority.MANAGER, 18),
        (Seniority.DIRECTOR, 8),
        (Seniority.VP, 3),
        (Seniority.C_LEVEL, 12),
        (Seniority.OWNER, 15),
        (Seniority.PARTNER, 4),
    ],
    "large": [
        (Seniority.ENTRY, 30),
        (Seniority.SENIOR, 28),
        (Seniority.MANAGER, 22),
        (Seniority.DIRECTOR, 11),
        (Seniority.VP, 5),
        (Seniority.C_LEVEL, 2),
        (Seniority.OWNER, 0.3),
        (Seniority.PARTNER, 1.7),
    ],
}
DEPARTMENTS: list[tuple[Department, float]] = [
    (Department.SALES, 18),
    (Department.MARKETING, 10),
    (Department.ENGINEERING, 16),
    (Department.PRODUCT, 5),
    (Department.IT, 8),
    (Department.FINANCE, 8),
    (Department.HUMAN_RESOURCES, 6),
    (Department.OPERATIONS, 12),
    (Department.CUSTOMER_SUCCESS, 7),
    (Department.LEGAL, 3),
    (Department.PURCHASING, 4),
    (Department.EXECUTIVE, 3),
]
# The function a title names, per department.
FUNCTION: dict[Department, str] = {
    Department.EXECUTIVE: "Strategy",
    Department.SALES: "Sales",
    Department.MARKETING: "Marketing",
    Department.ENGINEERING: "Engineering",
    Department.PRODUCT: "Product",
    Department.IT: "IT",
    Department.FINANCE: "Finance",
    Department.HUMAN_RESOURCES: "People",
    Department.OPERATIONS: "Operations",
    Department.CUSTOMER_SUCCESS: "Customer Success",
    Department.LEGAL: "Legal",
    Department.PURCHASING: "Procurement",
}
INDIVIDUAL_TITLES: dict[Department, tuple[str, ...]] = {
    Department.EXECUTIVE: ("Executive Assistant", "Chief of Staff", "Business Analyst"),
    Department.SALES: (
        "Account Executive",
        "Sales Development Representative",
        "Account Manager",
        "Sales Representative",
        "Key Account Manager",
    ),
    Department.MARKETING: (
        "Marketing Specialist",
        "Content Marketer",
        "Growth Marketer",
        "SEO Specialist",
        "Brand Manager",
    ),
    Department.ENGINEERING: (
        "Software Engineer",
        "Backend Developer",
        "Frontend Developer",
        "DevOps Engineer",
        "Data Engineer",
        "QA Engineer",
    ),
    Department.PRODUCT: ("Product Manager", "Product Designer", "UX Researcher", "Product Owner"),
    Department.IT: ("System Administrator", "IT Support Specialist", "Network Engineer", "Security Analyst"),
    Department.FINANCE: ("Accountant", "Financial Analyst", "Controller", "Payroll Specialist"),
    Department.HUMAN_RESOURCES: ("Recruiter", "HR Generalist", "Talent Acquisition Specialist", "HR Business Partner"),
    Department.OPERATIONS: ("Operations Analyst", "Project Manager", "Logistics Coordinator", "Office Manager"),
    Department.CUSTOMER_SUCCESS: ("Customer Success Manager", "Support Specialist", "Onboarding Specialist"),
    Department.LEGAL: ("Legal Counsel", "Paralegal", "Compliance Officer"),
    Department.PURCHASING: ("Buyer", "Purchasing Agent", "Procurement Specialist"),
}
CHIEF_TITLES: dict[Department, str] = {
    Department.EXECUTIVE: "Chief Executive Officer",
    Department.SALES: "Chief Revenue Officer",
    Department.MARKETING: "Chief Marketing Officer",
    Department.ENGINEERING: "Chief Technology Officer",
    Department.PRODUCT: "Chief Product Officer",
    Department.IT: "Chief Information Officer",
    Department.FINANCE: "Chief Financial Officer",
    Department.HUMAN_RESOURCES: "Chief People Officer",
    Department.OPERATIONS: "Chief Operating Officer",
    Department.CUSTOMER_SUCCESS: "Chief Customer Officer",
    Department.LEGAL: "General Counsel",
    Department.PURCHASING: "Chief Procurement Officer",
}


def job_title(seniority: Seniority, department: Department, pick: float) -> str:
    """A title for a seniority in a department; ``pick`` in [0, 1) chooses among the variants."""
    function = FUNCTION[department]
    if seniority in (Seniority.ENTRY, Seniority.SENIOR):
        base = INDIVIDUAL_TITLES[department]
        title = base[int(pick * len(base))]
        return f"Senior {title}" if seniority == Seniority.SENIOR and pick < 0.7 else title
    if seniority == Seniority.MANAGER:
        return (f"{function} Manager", f"Head of {function}" if pick < 0.2 else f"{function} Team Lead")[pick >= 0.6]
    if seniority == Seniority.DIRECTOR:
        return f"Director of {function}" if pick < 0.6 else f"{function} Director"
    if seniority == Seniority.VP:
        return f"VP of {function}" if pick < 0.7 else f"Vice President, {function}"
    if seniority == Seniority.C_LEVEL:
        return CHIEF_TITLES[department]
    if seniority == Seniority.OWNER:
        return ("Founder", "Co-Founder", "Owner", "Founder & CEO")[int(pick * 4)]
    return ("Partner", "Managing Partner", "Senior Partner")[int(pick * 3)]
