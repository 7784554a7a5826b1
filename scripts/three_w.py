"""The 3W programme (seed 001): four organisations' elderly services, 32 first-line managers,
30 Lean projects followed at seven workshop days, and the closing seminar "Hyvät käytännöt
jakoon" on 11.4.2019 — as data, and `play()` that records it through the JSON API.

`play(client)` drives any httpx-compatible client (FastAPI's TestClient, or an `httpx.Client`
against a running server). Everything is back-dated with `occurred_on`, in the order it
happened; every request carries an Idempotency-Key named after its step (`3w:<step>`), so
playing it twice records nothing new. No randomness: the same data every time.

Where the story stops: the programme is open, on the morning of workshop 7 (21.3.2019).
Workshops 1 to 6 are held and every enrolled project checked in at each of them; for
workshop 7, 20 of the 29 projects have checked in and 9 have not yet, so the dashboard
has something to say under "missing for the next workshop", and the workshop-7 digest and
pack are what a coordinator would open that morning. Workshop 7 and the seminar are
scheduled, not held; closing the programme would freeze it (a closed programme takes no
check-ins), which is the wrong state for a demo of workshop day.

Other parts of the story: one project is withdrawn after workshop 3 (and discontinued, with
its lessons); one check-in of workshop 4 is corrected a few days later (the history keeps
both); one project is paused over Christmas; workshop 5 was moved by a week; twelve projects
run PDSA experiments, some decided, some still open. People are demo roles, never real names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

KEY_PREFIX = "3w"
PROGRAMME_NAME = "3W-kehittämisohjelma ikäihmisten palveluihin"
PROGRAMME_DESCRIPTION = (
    "Sosiaalitaidon koordinoima neljän kunnan yhteinen 3W (WinWinWin) -kehittämisohjelma: "
    "ikäihmisten palvelujen lähiesimiehet ja tiimien vastaavat luovat uusia rakenteita ja "
    "toimintatapoja johtamis- ja kehittämistyöhönsä. Kehittämistyön keskiössä ovat "
    "Lean-menetelmän toimintakäytännöt; jokainen osallistuja vie omassa yksikössään läpi "
    "päivittäisen työn kannalta keskeisen projektin, jonka etenemistä seurataan yhteisissä "
    "työpajoissa."
)
PERIOD = (date(2018, 8, 1), date(2019, 5, 31))
COORDINATOR = "Ikäihmisten palvelujen kehittämiskoordinaattori, Sosiaalitaito (demo)"

UNITS = ("Ympärivuorokautinen hoito", "Kotihoito", "Palveluohjaus", "Päivätoiminta")


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str
    kind: str


ORGANISATIONS = (
    Organisation("kirkkonummi", "Kirkkonummen kunta", "municipality"),
    Organisation("raasepori", "Raaseporin kaupunki", "municipality"),
    Organisation("vihti", "Perusturvakuntayhtymä Karviainen, Vihti", "joint_authority"),
    Organisation("karkkila", "Perusturvakuntayhtymä Karviainen, Karkkila", "joint_authority"),
)
TOWN = {"kirkkonummi": "Kirkkonummi", "raasepori": "Raasepori", "vihti": "Vihti", "karkkila": "Karkkila"}


@dataclass(frozen=True)
class Participant:
    slug: str
    role: str  # the title the seed's target group lists
    organisation: str
    unit: str

    @property
    def name(self) -> str:
        return f"{self.role}, {TOWN[self.organisation]} (demo)"


def _participants() -> tuple[Participant, ...]:
    round_the_clock, home_care, guidance, day_care = UNITS
    rows = {
        "kirkkonummi": (
            ("oh", "Osastonhoitaja", round_the_clock),
            ("aoh", "Apulaisosastonhoitaja", round_the_clock),
            ("asumis", "Asumisyksikön päällikkö", round_the_clock),
            ("vsh", "Vastuusairaanhoitaja", round_the_clock),
            ("tpa", "Tiiminvetäjä, tehostettu palveluasuminen", round_the_clock),
            ("kh-ae", "Kotihoidon alue-esimies", home_care),
            ("kh-tv", "Kotihoidon tiiminvetäjä", home_care),
            ("po-tv", "Palveluohjaajien tiiminvastaava", guidance),
            ("po", "Palveluohjauksen esimies", guidance),
            ("pt", "Päivätoiminnan vastaava", day_care),
        ),
        "raasepori": (
            ("oh", "Osastonhoitaja", round_the_clock),
            ("aoh", "Apulaisosastonhoitaja", round_the_clock),
            ("asumis", "Asumisyksikön päällikkö", round_the_clock),
            ("vsh", "Vastuusairaanhoitaja", round_the_clock),
            ("kh-ae", "Kotihoidon alue-esimies", home_care),
            ("kh-tv", "Kotihoidon tiiminvetäjä", home_care),
            ("po", "Palveluohjauksen esimies", guidance),
            ("pt", "Päivätoiminnan vastaava", day_care),
        ),
        "vihti": (
            ("oh", "Osastonhoitaja", round_the_clock),
            ("asumis", "Asumisyksikön päällikkö", round_the_clock),
            ("vsh", "Vastuusairaanhoitaja", round_the_clock),
            ("kh-ae", "Kotihoidon alue-esimies", home_care),
            ("kh-tv", "Kotihoidon tiiminvetäjä", home_care),
            ("kotiutus", "Kotiutustiimin vastaava", home_care),
            ("po", "Palveluohjauksen esimies", guidance),
            ("pt", "Päivätoiminnan vastaava", day_care),
        ),
        "karkkila": (
            ("oh", "Osastonhoitaja", round_the_clock),
            ("asumis", "Asumisyksikön päällikkö", round_the_clock),
            ("tpa", "Tiiminvetäjä, tehostettu palveluasuminen", round_the_clock),
            ("kh-ae", "Kotihoidon alue-esimies", home_care),
            ("kh-tv", "Kotihoidon tiiminvetäjä", home_care),
            ("po-tv", "Palveluohjaajien tiiminvastaava", guidance),
        ),
    }
    return tuple(
        Participant(f"{org[:2]}-{slug}", role, org, unit)
        for org, roles in rows.items()
        for slug, role, unit in roles
    )


PARTICIPANTS = _participants()


@dataclass(frozen=True)
class Workshop:
    slug: str
    day: date
    title: str
    agenda: str
    kind: str = "workshop"
    scheduled_day: date | None = None  # first scheduled on this day, then moved to `day`
    held: bool = True


WORKSHOPS = (
    Workshop(
        "w1",
        date(2018, 9, 13),
        "Työpaja 1: Lean-ajattelu ja oman projektin rajaus",
        "Arvo asiakkaalle; projektin rajaus ja tavoite; tiimin kokoaminen",
    ),
    Workshop(
        "w2",
        date(2018, 10, 11),
        "Työpaja 2: Arvovirta ja hukka",
        "Nykytilan arvovirtakuvaus; hukkakävely; vertaisryhmät kunnittain ristiin",
    ),
    Workshop(
        "w3",
        date(2018, 11, 15),
        "Työpaja 3: PDSA-kokeilut",
        "Muutosidea kokeiluksi: ennuste ja mittari; ensimmäisten kokeilujen suunnittelu",
    ),
    Workshop(
        "w4",
        date(2018, 12, 13),
        "Työpaja 4: Mittaaminen ja visuaalinen johtaminen",
        "Ajassa seurattavat mittarit; tilannetaulu; kokeilujen tulokset vertaisryhmissä",
    ),
    Workshop(
        "w5",
        date(2019, 1, 24),
        "Työpaja 5: Tiimin innostaminen ja ratkaisukeskeinen valmentaminen",
        "Ratkaisukeskeinen palaveri; vahvuudet esimiestyössä; muutosvastarinta",
        scheduled_day=date(2019, 1, 17),
    ),
    Workshop(
        "w6",
        date(2019, 2, 21),
        "Työpaja 6: Muutoksen vakiinnuttaminen",
        "Standardityö ja ohjeet; päivittäisjohtaminen; levittäminen toisiin yksiköihin",
    ),
    Workshop(
        "w7",
        date(2019, 3, 21),
        "Työpaja 7: Tulokset näkyviksi",
        "Tulosten kokoaminen; posterit seminaariin; jatkosuunnitelmat",
        held=False,
    ),
)
SEMINAR = Workshop(
    "seminar",
    date(2019, 4, 11),
    "Hyvät käytännöt jakoon -päätösseminaari",
    "Projektien tulokset kaikille kiinnostuneille: posterit, puheenvuorot, festarit",
    kind="seminar",
    held=False,
)
RESCHEDULE_REASON = "Siirretty viikolla: kouluttaja sairastui."

# Check-in series: a score on the IHI scale and a status per workshop, "2.5a" = 2.5 amber.
PROFILES = {
    "steady": "1g 1.5g 2g 2.5g 3g 3.5g 4g",
    "fast": "1g 2g 2.5g 3g 3.5g 4g 4.5g",
    "strong": "1.5g 2g 3g 3.5g 4g 4.5g 5g",
    "slow": "0.5g 1g 1.5g 2g 2.5g 3g 3a",
    "stall": "1g 1.5g 2g 2a 2a 2.5a 2.5a",
    "late": "0.5g 0.5a 1g 1.5g 2.5g 3g 3.5g",
    "trouble": "1g 1.5g 1.5a 1.5r 2a 2a 2r",
    "recovered": "1g 1.5g 2g 2a 3g 3.5g 3.5g",  # workshop 4's 2a is corrected to 3g afterwards
    "withdrawn": "1g 1.5a 1.5r",
}
RAG = {"g": "green", "a": "amber", "r": "red"}

# What was done and what comes next, by where the project is on the scale.
DONE = {
    0.5: "Projektin aihe valittu yhdessä esimiehen kanssa.",
    1.0: "Tiimi koottu ja projektin tavoite kirjattu.",
    1.5: "Nykytila kartoitettu: tiimi kuvasi prosessin ja keräsi lähtötason.",
    2.0: "Arvovirta kuvattu ja hukat tunnistettu; muutoksia ei vielä tehty.",
    2.5: "Ensimmäinen muutos kokeiltu, mutta mittarissa ei vielä näy parannusta.",
    3.0: "Mittari näyttää pientä parannusta kokeilun jälkeen.",
    3.5: "Parannus näkyy mittarissa usean viikon ajan.",
    4.0: "Merkittävä parannus: uusi tapa on käytössä koko yksikössä.",
    4.5: "Uusi toimintatapa on pysynyt, ja ohje on kirjoitettu.",
    5.0: "Tulokset ovat pysyneet, ja toinen yksikkö on ottanut mallin käyttöön.",
}
NEXT = {
    0.5: "Kootaan tiimi ja sovitaan ensimmäinen tapaaminen.",
    1.0: "Kuvataan nykytila ja kerätään lähtötaso.",
    1.5: "Arvovirtakuvaus tiimin kanssa.",
    2.0: "Valitaan ensimmäinen muutosidea ja suunnitellaan kokeilu.",
    2.5: "Toinen kokeilukierros muutetulla suunnitelmalla.",
    3.0: "Laajennetaan muutos koko yksikköön.",
    3.5: "Kirjoitetaan ohje ja sovitaan, kuka seuraa mittaria.",
    4.0: "Vakiinnutetaan ja valmistellaan seminaariesitys.",
    4.5: "Tarjotaan mallia naapuriyksiköille.",
    5.0: "Esitellään tulokset Hyvät käytännöt jakoon -seminaarissa.",
}
HELP_AMBER = "Vertaistukea työpajassa: miten muut ovat saaneet koko tiimin mukaan?"


@dataclass(frozen=True)
class Experiment:
    """One PDSA cycle: planned, then as far as the story goes (started, studied, decided)."""

    title: str
    change_idea: str
    prediction: str
    measure: str
    planned: date
    started: date | None = None
    observations: tuple[tuple[date, float, str], ...] = ()
    studied: tuple[date, str, str] | None = None  # day, result, learning
    decided: tuple[date, str, str] | None = None  # day, decision, rationale


@dataclass(frozen=True)
class Project:
    slug: str  # also the owner's participant slug
    title: str
    summary: str
    themes: tuple[str, ...]
    goal: str
    profile: str
    started: date
    help: str = ""  # help needed when red
    team: tuple[str, ...] = ()
    notes: tuple[tuple[date, str], ...] = ()
    experiment: Experiment | None = None
    later_moves: tuple[tuple[str, date], ...] = ()  # after start: pause, resume, evaluate, complete


def _projects() -> tuple[Project, ...]:
    d = date
    return (
        # ---- Kirkkonummi -----------------------------------------------------------------
        Project(
            "ki-oh",
            "Asukkaan päivärytmi ympärivuorokautisessa hoidossa",
            "Aamutoimet asukkaan omaan rytmiin: heräämisajat kirjataan ja aamupala tarjotaan "
            "joustavasti kello 7–10.",
            ("ympärivuorokautinen hoito", "asiakaslähtöisyys", "Lean"),
            "Jokaisen asukkaan aamurytmi on kirjattu ja toteutuu",
            "steady",
            d(2018, 9, 24),
            experiment=Experiment(
                "Joustava aamupala",
                "Aamupala tarjotaan kello 7–10 asukkaan heräämisen mukaan, ei yhteen aikaan.",
                "Odotamme, että aamun levottomuus vähenee ja aamupala maistuu paremmin.",
                "Aamupalan jättäneet asukkaat (lkm/vk)",
                d(2018, 10, 22),
                started=d(2018, 10, 29),
                observations=((d(2018, 11, 19), 3, "Kolmas viikko: aamupalan jätti väliin 3 asukasta."),),
                studied=(
                    d(2018, 12, 3),
                    "Aamupalan jättäneitä 3 viikossa, ennen 9; aamuhoitajan kiire tasoittui.",
                    "Yövuoron kanssa sovittava heräämisten kirjaaminen, muuten tieto katoaa.",
                ),
                decided=(d(2018, 12, 10), "adopt", "Käytäntö koko osastolle tammikuusta."),
            ),
            later_moves=(("evaluate", d(2019, 3, 4)),),
        ),
        Project(
            "ki-aoh",
            "Lääkejakelun virheiden vähentäminen",
            "Dosetit jaetaan rauhoitetussa tilassa ja tarkistetaan parityönä; poikkeamat käydään "
            "läpi viikoittain.",
            ("lääkehoito", "potilasturvallisuus", "Lean"),
            "Lääkepoikkeamat puolittuvat vuoden loppuun mennessä",
            "recovered",
            d(2018, 9, 17),
            team=("ki-vsh",),
            notes=((d(2018, 11, 26), "Lääkehuone saatiin rauhoitettua: ovessa Älä häiritse -kyltti."),),
            experiment=Experiment(
                "Rauhoitettu jakohetki",
                "Dosettijako tehdään suljetussa lääkehuoneessa ilman puhelinta.",
                "Odotamme, että jakovirheet vähenevät puoleen.",
                "Lääkepoikkeamat (lkm/kk)",
                d(2018, 11, 19),
                started=d(2018, 11, 26),
                observations=((d(2018, 12, 10), 7, "Marraskuussa 7 poikkeamaa, lokakuussa 11."),),
            ),
        ),
        Project(
            "ki-asumis",
            "Hoitajan aikaa asukkaalle: hukan tunnistaminen",
            "Lean-hukkakävely: turhat haku- ja siirtymismatkat pois, säästetty aika asukkaiden ulkoiluun.",
            ("Lean", "hukka", "ympärivuorokautinen hoito"),
            "Jokainen asukas pääsee ulos vähintään kahdesti viikossa",
            "fast",
            d(2018, 9, 17),
            experiment=Experiment(
                "Hoitotarvikkeet käytävän varrelle",
                "Hoitotarvikkeet siirretään keskusvarastosta käytävän lokerikkoihin.",
                "Odotamme, että hoitajan hakumatkat lyhenevät ja aikaa vapautuu ulkoiluun.",
                "Ulkoilukerrat (lkm/vk)",
                d(2018, 10, 15),
                started=d(2018, 10, 22),
                observations=((d(2018, 11, 12), 24, "Ulkoilukertoja 24 viikossa, ennen 11."),),
                studied=(
                    d(2018, 11, 14),
                    "Ulkoilukerrat kaksinkertaistuivat; hakumatkoja ei enää kirjattu hukaksi.",
                    "Pieni järjestelymuutos vapauttaa eniten aikaa.",
                ),
                decided=(d(2018, 11, 15), "adopt", "Lokerikot jäävät, täyttövastuu nimetään."),
            ),
            later_moves=(("evaluate", d(2019, 2, 25)),),
        ),
        Project(
            "ki-tpa",
            "Vuoronvaihdon raportointi seisomapalaverina",
            "Suullinen raportti korvataan kymmenen minuutin seisomapalaverilla taulun äärellä.",
            ("päivittäisjohtaminen", "Lean", "tehostettu palveluasuminen"),
            "Vuoronvaihto kestää enintään 15 minuuttia",
            "steady",
            d(2018, 10, 1),
        ),
        Project(
            "ki-kh-ae",
            "Kotihoidon reittisuunnittelun selkeyttäminen",
            "Käyntireitit suunnitellaan alueittain edellisenä päivänä; siirtymäajat näkyviin.",
            ("kotihoito", "toiminnanohjaus", "Lean"),
            "Välittömän asiakasajan osuus nousee 60 prosenttiin",
            "slow",
            d(2018, 10, 8),
        ),
        Project(
            "ki-kh-tv",
            "Kotihoidon päivittäisjohtamisen taulu",
            "Tiimin tilannetaulu: päivän poikkeamat, resurssit ja parannusideat näkyviin "
            "vartin aamupalaverissa.",
            ("päivittäisjohtaminen", "kotihoito", "visuaalinen johtaminen"),
            "Tilannetaulu käytössä joka arkiaamu",
            "strong",
            d(2018, 9, 14),
            experiment=Experiment(
                "Vartin aamupalaveri taululla",
                "Aamupalaveri pidetään seisten tilannetaulun äärellä, enintään 15 minuuttia.",
                "Odotamme, että aamun lähtö asiakkaille nopeutuu ja poikkeamat tulevat esiin.",
                "Aamupalaverin kesto (min)",
                d(2018, 9, 24),
                started=d(2018, 10, 1),
                observations=((d(2018, 10, 29), 14, "Palaveri kesti keskimäärin 14 min, ennen 35."),),
                studied=(
                    d(2018, 11, 5),
                    "Palaveri lyheni 35 minuutista 14 minuuttiin; poikkeamat kirjataan taululle.",
                    "Taulu toimii, kun joku vastaa sen päivittämisestä iltapäivällä.",
                ),
                decided=(d(2018, 11, 8), "adopt", "Taulu kaikkiin Kirkkonummen kotihoidon tiimeihin."),
            ),
            later_moves=(("evaluate", d(2019, 1, 28)), ("complete", d(2019, 3, 11))),
        ),
        Project(
            "ki-po-tv",
            "Palveluohjauksen puhelinajan jonojen purku",
            "Takaisinsoittopalvelu ja selkeä puhelinaika; asiakas saa vastauksen samana päivänä.",
            ("palveluohjaus", "saavutettavuus"),
            "Kaikkiin yhteydenottoihin vastataan samana päivänä",
            "steady",
            d(2018, 9, 20),
            experiment=Experiment(
                "Takaisinsoitto puhelinajan ulkopuolella",
                "Puhelinajan ulkopuolella soittanut saa takaisinsoiton saman päivän aikana.",
                "Odotamme, että jonossa luopuneiden osuus laskee alle 10 prosenttiin.",
                "Jonosta luopuneet (%)",
                d(2018, 11, 20),
                started=d(2018, 11, 26),
            ),
        ),
        Project(
            "ki-po",
            "Palvelutarpeen arvioinnin läpimenoaika",
            "Arviointiprosessi kuvataan arvovirtana; odotusvaiheita karsitaan, jotta päätös syntyy "
            "lakisääteisessä ajassa.",
            ("palveluohjaus", "arvovirta", "Lean"),
            "Palvelutarpeen arvio valmis seitsemässä arkipäivässä",
            "late",
            d(2019, 1, 7),
        ),
        Project(
            "ki-pt",
            "Päivätoiminnan ryhmien uudelleenjärjestely",
            "Ryhmät kootaan toimintakyvyn ja kiinnostusten mukaan; kuljetukset yhdistetään.",
            ("päivätoiminta", "asiakaslähtöisyys"),
            "Ryhmät vastaavat asiakkaiden toiveita ja kuljetusmatkat lyhenevät",
            "steady",
            d(2018, 10, 1),
        ),
        # ---- Raasepori ---------------------------------------------------------------------
        Project(
            "ra-oh",
            "Kaatumisten ehkäisy hoivaosastolla",
            "Kaatumisvaaran arvio tulovaiheessa ja yöajan kierrot riskiasukkaiden luona.",
            ("potilasturvallisuus", "ympärivuorokautinen hoito"),
            "Kaatumiset vähenevät kolmanneksella",
            "fast",
            d(2018, 9, 17),
            experiment=Experiment(
                "Yökierto riskiasukkaiden luona",
                "Yövuoro käy kaatumisvaarassa olevien asukkaiden luona kahden tunnin välein.",
                "Odotamme, että yöaikaiset kaatumiset vähenevät puoleen.",
                "Kaatumiset yöaikaan (lkm/kk)",
                d(2018, 10, 15),
                started=d(2018, 10, 22),
                observations=((d(2018, 11, 26), 2, "Marraskuussa 2 yökaatumista, syyskuussa 5."),),
                studied=(
                    d(2018, 12, 4),
                    "Yökaatumiset vähenivät viidestä kahteen kuukaudessa.",
                    "Kierto toimii, kun riskiasukkaat on merkitty yövuoron listaan.",
                ),
                decided=(d(2018, 12, 11), "adopt", "Kierto vakiintuu; arvio kirjataan tulotarkastukseen."),
            ),
        ),
        Project(
            "ra-aoh",
            "Hoitotyön kirjaamisen yhtenäistäminen",
            "Yhteinen kirjaamisen malli ja esimerkkifraasit; kirjaaminen tehdään käynnin aikana.",
            ("kirjaaminen", "ympärivuorokautinen hoito"),
            "Jokaisesta asukkaasta päivittäinen rakenteinen kirjaus",
            "slow",
            d(2018, 10, 15),
        ),
        Project(
            "ra-asumis",
            "Omaiset mukaan asukkaan arkeen",
            "Omaisille tarjotaan tehtäviä ja vuorovaikutusiltoja; toiveet kirjataan hoitosuunnitelmaan.",
            ("omaiset", "asiakaslähtöisyys", "palveluasuminen"),
            "Puolet omaisista osallistuu arkeen kuukausittain",
            "steady",
            d(2018, 10, 1),
            notes=((d(2018, 12, 5), "Ensimmäinen omaisten ilta: paikalla 14 omaista."),),
        ),
        Project(
            "ra-vsh",
            "Sijaisten perehdytyksen tarkistuslista",
            "Lyhyt tarkistuslista ja perehdyttäjäpari jokaiselle uudelle sijaiselle.",
            ("perehdytys", "henkilöstö"),
            "Jokainen sijainen perehdytetään listan mukaan",
            "fast",
            d(2018, 9, 17),
        ),
        Project(
            "ra-kh-ae",
            "Kotihoidon käyntien sisällön vakiointi",
            "Toistuville käynneille sovitaan vakiosisältö, jotta käynti ei riipu hoitajasta.",
            ("kotihoito", "standardityö", "Lean"),
            "Vakiosisältö kaikilla toistuvilla käynneillä",
            "trouble",
            d(2018, 10, 8),
            help="Tiimiin tarvitaan toinen sairaanhoitaja; esimiehen tuki työvuorosuunnitteluun.",
            later_moves=(("pause", d(2018, 12, 17)), ("resume", d(2019, 1, 14))),
        ),
        Project(
            "ra-kh-tv",
            "Asiakkaan palvelu omalla kielellä kotihoidossa",
            "Työvuorot suunnitellaan niin, että ruotsinkielinen asiakas saa hoitajan, joka puhuu "
            "hänen kieltään.",
            ("kaksikielisyys", "kotihoito", "asiakaslähtöisyys"),
            "Ruotsinkielisistä käynneistä 90 prosenttia omalla kielellä",
            "steady",
            d(2018, 9, 24),
            experiment=Experiment(
                "Kielitaito työvuorolistaan",
                "Työvuorolistaan merkitään hoitajien kielitaito, ja käynnit jaetaan sen mukaan.",
                "Odotamme, että ruotsinkielisistä käynneistä yli 80 % tehdään ruotsiksi.",
                "Omalla kielellä tehdyt käynnit (%)",
                d(2018, 10, 29),
                started=d(2018, 11, 5),
                observations=((d(2018, 12, 3), 84, "Marraskuussa 84 % käynneistä ruotsiksi, ennen 55 %."),),
                studied=(
                    d(2019, 1, 7),
                    "Omalla kielellä tehdyt käynnit nousivat 55 prosentista 84 prosenttiin.",
                    "Sijaisia varten tarvitaan oma merkintä.",
                ),
                decided=(d(2019, 1, 9), "adapt", "Jatketaan ja lisätään sijaisten kielitaito listaan."),
            ),
        ),
        Project(
            "ra-po",
            "Omaishoidon vapaiden suunnittelu ennakkoon",
            "Omaishoitajien vapaat suunnitellaan puoleksi vuodeksi kerrallaan.",
            ("omaishoito", "palveluohjaus"),
            "Jokaisella omaishoitajalla on vapaasuunnitelma",
            "stall",
            d(2018, 10, 1),
        ),
        Project(
            "ra-pt",
            "Päivätoiminnan kuljetusten yhdistäminen",
            "Kuljetukset yhdistetään asuinalueittain ja aikataulut sovitaan taksin kanssa.",
            ("päivätoiminta", "kuljetukset"),
            "Kuljetusmatka enintään 45 minuuttia suuntaansa",
            "late",
            d(2019, 1, 8),
        ),
        # ---- Vihti (Karviainen) ------------------------------------------------------------
        Project(
            "vi-oh",
            "Ruokailuhetken rauhoittaminen",
            "Ruokailussa hoitajat istuvat asukkaiden kanssa; tarjoilu pöytiin ja taustamelu pois.",
            ("ravitsemus", "ympärivuorokautinen hoito"),
            "Asukkaiden painonlasku pysähtyy",
            "fast",
            d(2018, 9, 24),
        ),
        Project(
            "vi-asumis",
            "Yöhoidon työnjako ja levon turvaaminen",
            "Yökierrot suunnitellaan asukkaan unen mukaan; tarpeettomat herätykset jäävät pois.",
            ("yöhoito", "ympärivuorokautinen hoito"),
            "Asukkaiden yöuni ei keskeydy turhaan",
            "steady",
            d(2018, 10, 8),
        ),
        Project(
            "vi-vsh",
            "Painehaavojen ennaltaehkäisy",
            "Ihon tarkistus ja asentohoito kirjataan vuoroittain; riskiasukkaille oma patja.",
            ("potilasturvallisuus", "hoitotyö"),
            "Uusia painehaavoja ei synny",
            "slow",
            d(2018, 10, 15),
        ),
        Project(
            "vi-kh-ae",
            "Kotihoidon aamukäyntien porrastus",
            "Aamukäynnit porrastetaan asiakkaan tarpeen mukaan: kiireelliset lääke- ja "
            "insuliinikäynnit ensin, muut kello yhdeksän jälkeen.",
            ("kotihoito", "Lean", "toiminnanohjaus"),
            "Lääkekäynneistä alle 5 prosenttia myöhässä",
            "fast",
            d(2018, 9, 24),
            team=("vi-kotiutus",),
            notes=(
                (d(2018, 11, 28), "Asiakkaille lähetettiin kirje käyntiaikojen muutoksesta."),
                (d(2018, 10, 3), "Tiimin kanssa sovittu kolmen aallon malli."),
            ),
            experiment=Experiment(
                "Porrastetut aamukäynnit Nummelan tiimissä",
                "Aamukäynnit jaetaan kolmeen aaltoon: lääke- ja insuliinikäynnit 7–8.30, "
                "hygieniakäynnit 8.30–10, muut kello 10 jälkeen.",
                "Odotamme, että myöhästyneiden lääkekäyntien osuus laskee alle viiteen prosenttiin.",
                "Myöhästyneet lääkekäynnit (%)",
                d(2018, 10, 15),
                started=d(2018, 10, 22),
                observations=(
                    (d(2018, 11, 5), 18, "Ensimmäinen viikko: 18 % lääkekäynneistä myöhässä (ennen 31 %)."),
                    (d(2018, 11, 26), 6, "Neljäs viikko: 6 % myöhässä; reititys tarkistettiin."),
                ),
                studied=(
                    d(2018, 12, 3),
                    "Myöhästyneet lääkekäynnit laskivat 31 prosentista 6 prosenttiin neljässä viikossa; "
                    "aamuvuoron ylityöt loppuivat.",
                    "Porrastus toimii, kun asiakkaille kerrotaan käyntiajan muutoksesta etukäteen.",
                ),
                decided=(
                    d(2018, 12, 5),
                    "adopt",
                    "Käyttöön kaikissa Vihdin kotihoidon tiimeissä tammikuusta.",
                ),
            ),
            later_moves=(("evaluate", d(2019, 3, 4)),),
        ),
        Project(
            "vi-kh-tv",
            "Kotiutuksen tarkistuslista sairaalasta kotihoitoon",
            "Sairaalan ja kotihoidon yhteinen tarkistuslista: lääkkeet, apuvälineet ja ensikäynti "
            "sovitaan ennen kotiutusta.",
            ("kotiutus", "kotihoito", "yhteistyö"),
            "Ensikäynti kotiutuspäivänä jokaiselle asiakkaalle",
            "strong",
            d(2018, 9, 14),
            experiment=Experiment(
                "Tarkistuslista osastolle",
                "Osaston hoitaja täyttää tarkistuslistan kotihoidon kanssa puhelimessa ennen kotiutusta.",
                "Odotamme, että kotiutuspäivän ensikäynti toteutuu yli 90 prosentilla.",
                "Ensikäynti kotiutuspäivänä (%)",
                d(2018, 10, 1),
                started=d(2018, 10, 8),
                observations=((d(2018, 11, 5), 88, "Lokakuussa 88 % sai ensikäynnin kotiutuspäivänä."),),
                studied=(
                    d(2018, 11, 12),
                    "Ensikäynti toteutui 88 prosentilla, ennen 60 prosentilla.",
                    "Viikonloppujen kotiutukset tarvitsevat oman sopimuksen.",
                ),
                decided=(d(2018, 11, 14), "adapt", "Lista jää, viikonlopuille oma kokeilu."),
            ),
            later_moves=(("evaluate", d(2019, 2, 18)),),
        ),
        Project(
            "vi-po",
            "Asiakkaan ensikontaktin yhden luukun malli",
            "Yksi puhelinnumero ja vastuutyöntekijä heti ensimmäisestä yhteydenotosta.",
            ("palveluohjaus", "asiakaslähtöisyys"),
            "Asiakas kertoo asiansa vain kerran",
            "steady",
            d(2018, 10, 1),
        ),
        Project(
            "vi-pt",
            "Päivätoiminnan liikuntaryhmän tulosten seuranta",
            "Toimintakykymittaukset kolmen kuukauden välein; tulokset asiakkaan kanssa läpi.",
            ("päivätoiminta", "toimintakyky", "mittaaminen"),
            "Kaikilla ryhmäläisillä mitattu toimintakyky ja oma tavoite",
            "stall",
            d(2018, 10, 15),
        ),
        # ---- Karkkila (Karviainen) ---------------------------------------------------------
        Project(
            "ka-oh",
            "Hoitotarvikkeiden tilaaminen kanban-kortein",
            "Tarvikkeet tilataan kanban-korteilla, kun hyllyn merkkiraja ylittyy.",
            ("Lean", "kanban", "logistiikka"),
            "Hoitotarvikkeet eivät lopu kesken",
            "fast",
            d(2018, 9, 17),
            experiment=Experiment(
                "Kanban-kortit hyllyyn",
                "Jokaisen tarvikkeen hyllypaikkaan tilauskortti; kortit kerätään maanantaisin.",
                "Odotamme, että kesken loppuneet tarvikkeet vähenevät nollaan.",
                "Kesken loppuneet tarvikkeet (lkm/kk)",
                d(2018, 10, 8),
                started=d(2018, 10, 15),
                observations=((d(2018, 11, 12), 1, "Lokakuussa yksi tarvike loppui, ennen 6."),),
                studied=(
                    d(2018, 11, 19),
                    "Kesken loppuneet tarvikkeet vähenivät kuudesta yhteen kuukaudessa.",
                    "Korttien keruupäivä pitää nimetä yhdelle ihmiselle.",
                ),
                decided=(d(2018, 11, 21), "adopt", "Kanban vakiintuu kaikille osastoille."),
            ),
        ),
        Project(
            "ka-asumis",
            "Omahoitajuus asumisyksikössä",
            "Jokaiselle asukkaalle nimetään omahoitaja ja varaomahoitaja.",
            ("omahoitajuus", "palveluasuminen"),
            "Jokaisella asukkaalla on nimetty omahoitaja",
            "steady",
            d(2018, 9, 24),
        ),
        Project(
            "ka-tpa",
            "Työvuorosuunnittelun ergonominen malli",
            "Vuorot suunnitellaan ergonomisesti: ei aamua illan jälkeen, toiveet kirjataan.",
            ("työhyvinvointi", "työvuorot"),
            "Sairauspoissaolot vähenevät",
            "trouble",
            d(2018, 10, 15),
            help="Vuorosuunnittelun ohjelma ei tue mallia; tarvitaan henkilöstöhallinnon apua.",
        ),
        Project(
            "ka-kh-ae",
            "Kotihoidon etäkäynnit kuvapuhelulla",
            "Osa muistutus- ja lääkekäynneistä tehdään kuvapuhelulla asiakkaan suostumuksella.",
            ("kotihoito", "digitalisaatio", "etäpalvelu"),
            "Kymmenen asiakasta etäkäyntien piirissä",
            "late",
            d(2019, 1, 7),
            team=("ka-kh-tv",),
            experiment=Experiment(
                "Iltapäivän lääkemuistutus kuvapuhelulla",
                "Kolmen asiakkaan iltapäivän lääkemuistutus tehdään kuvapuhelulla.",
                "Odotamme, että käynnit onnistuvat ja hoitajalta säästyy ajoaikaa.",
                "Onnistuneet etäkäynnit (%)",
                d(2019, 2, 4),
                started=d(2019, 2, 11),
            ),
        ),
        Project(
            "ka-kh-tv",
            "Kotihoidon avainten hallinta",
            "Asiakkaiden avaimet yhteen lukittavaan kaappiin ja kuittauslista käyttöön.",
            ("kotihoito", "turvallisuus"),
            "Yksikään avain ei katoa",
            "withdrawn",
            d(2018, 10, 1),
        ),
        Project(
            "ka-po-tv",
            "Palveluohjauksen asiakastyytyväisyyden mittaaminen",
            "Lyhyt palautekysely jokaisen ohjauskäynnin jälkeen; tulokset tiimipalaverissa kuukausittain.",
            ("palveluohjaus", "asiakaspalaute", "mittaaminen"),
            "Palaute jokaiselta kymmeneltä asiakkaalta kuukaudessa",
            "steady",
            d(2018, 10, 1),
            experiment=Experiment(
                "Palautekortti käynnin päätteeksi",
                "Ohjaaja jättää käynnin lopuksi kolmen kysymyksen palautekortin ja palautuskuoren.",
                "Odotamme, että kortteja palautuu vähintään kolmannes.",
                "Palautettuja kortteja (%)",
                d(2019, 1, 28),
            ),
        ),
    )


PROJECTS = _projects()
WITHDRAWN = "ka-kh-tv"
WITHDRAWAL = (
    date(2018, 11, 29),
    "Avainten hallinta siirtyi kunnan sähköisen lukituksen hankkeeseen.",
    "Hanke vaati tietohallinnon päätöksen; lähiesimiehen projektiksi se oli liian laaja.",
)
DIGEST_PROJECT = "vi-kh-ae"  # the initiative the scenario test reads in the workshop-4 digest
CORRECTED = ("ki-aoh", "w4")  # the check-in corrected after the workshop
CORRECTION = (
    date(2018, 12, 18),
    3.0,
    "green",
    "Korjaus: marraskuun poikkeamaluku puuttui työpajassa; poikkeamat vähenivät 11:stä 7:ään.",
)
# Not yet checked in on the morning of workshop 7.
MISSING_AT_W7 = frozenset(
    {"ki-tpa", "ki-po", "ra-aoh", "ra-po", "ra-pt", "vi-vsh", "vi-pt", "ka-tpa", "ka-asumis"}
)
ABSENT = frozenset({("ra-vsh", "w2"), ("vi-asumis", "w5")})  # no check-in that day


def scores(project: Project) -> list[tuple[float, str]]:
    return [(float(token[:-1]), RAG[token[-1]]) for token in PROFILES[project.profile].split()]


# ---- what a play returns ----------------------------------------------------------


@dataclass
class Played:
    """The ids the API gave out, by the scenario's slugs."""

    organisations: dict[str, str] = field(default_factory=dict)
    units: dict[tuple[str, str], str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    coordinator: str = ""
    initiatives: dict[str, str] = field(default_factory=dict)
    experiments: dict[str, str] = field(default_factory=dict)
    programme: str = ""
    workshops: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    replayed: int = 0  # answered from the idempotency cache: nothing recorded


class ScenarioError(RuntimeError):
    """The API refused a step of the scenario."""


# ---- the timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One request of the scenario, on the day it happened; `order` puts the workshop's own
    steps (held, check-ins) after everything else of that day."""

    day: date
    order: int
    key: str
    action: str
    args: tuple[Any, ...] = ()


def timeline() -> list[Step]:
    """Every step after the registrations, in the order it happened."""
    steps: list[Step] = []
    add = steps.append
    add(Step(date(2018, 6, 15), 0, "programme", "create_programme"))
    for n, project in enumerate(PROJECTS):
        add(
            Step(date(2018, 4, 9) + timedelta(days=n), 0, f"initiative:{project.slug}", "propose", (project,))
        )
        add(
            Step(
                date(2018, 8, 20) + timedelta(days=n % 7),
                0,
                f"plan:{project.slug}",
                "move",
                (project, "plan"),
            )
        )
        add(Step(date(2018, 8, 30), 1, f"enrol:{project.slug}", "enrol", (project,)))
        add(Step(project.started, 0, f"start:{project.slug}", "move", (project, "start")))
        for verb, day in project.later_moves:
            add(Step(day, 0, f"{verb}:{project.slug}", "move", (project, verb)))
        for index, (day, text) in enumerate(project.notes):
            add(Step(day, 0, f"note:{project.slug}:{index}", "note", (project, text, day)))
        if project.experiment is not None:
            steps.extend(_experiment_steps(project, project.experiment))
    for workshop in (*WORKSHOPS, SEMINAR):
        add(Step(date(2018, 8, 31), 0, f"workshop:{workshop.slug}", "schedule", (workshop,)))
        if workshop.scheduled_day is not None:
            add(Step(date(2018, 12, 20), 0, f"reschedule:{workshop.slug}", "reschedule", (workshop,)))
        if workshop.held:
            add(Step(workshop.day, 1, f"held:{workshop.slug}", "hold", (workshop,)))
    withdrawn_on, reason, lessons = WITHDRAWAL
    add(Step(withdrawn_on, 0, f"withdraw:{WITHDRAWN}", "withdraw", (WITHDRAWN, reason)))
    add(Step(withdrawn_on, 0, f"discontinue:{WITHDRAWN}", "discontinue", (WITHDRAWN, reason, lessons)))
    for number, workshop in enumerate(WORKSHOPS):
        for project in PROJECTS:
            series = scores(project)
            if number >= len(series) or (project.slug, workshop.slug) in ABSENT:
                continue
            if workshop.slug == "w7" and project.slug in MISSING_AT_W7:
                continue
            add(
                Step(
                    workshop.day, 2, f"check-in:{project.slug}:{workshop.slug}", "check_in", (project, number)
                )
            )
    slug, workshop_slug = CORRECTED
    add(Step(CORRECTION[0], 0, f"check-in:{slug}:{workshop_slug}:correction", "correct", CORRECTED))
    # A stable sort: steps of one day keep the order they were added in.
    return sorted(steps, key=lambda s: (s.day, s.order))


def _experiment_steps(project: Project, experiment: Experiment) -> Iterator[Step]:
    key = f"experiment:{project.slug}"
    yield Step(experiment.planned, 0, key, "plan_experiment", (project, experiment))
    if experiment.started is not None:
        yield Step(
            experiment.started, 0, f"{key}:start", "experiment_step", (project, "start", experiment.started)
        )
    for index, (day, value, text) in enumerate(experiment.observations):
        yield Step(day, 0, f"{key}:observation:{index}", "observe", (project, experiment, day, value, text))
    if experiment.studied is not None:
        yield Step(experiment.studied[0], 0, f"{key}:study", "study", (project, experiment))
    if experiment.decided is not None:
        yield Step(experiment.decided[0], 0, f"{key}:decision", "decide", (project, experiment))


# ---- playing it through the API ----------------------------------------------------


class Player:
    def __init__(self, client: httpx.Client, actor_header: tuple[str, str] | None) -> None:
        self.client = client
        self.headers = {actor_header[0]: actor_header[1]} if actor_header else {}
        self.played = Played()
        self.participants = {p.slug: p for p in PARTICIPANTS}

    def post(self, key: str, path: str, body: dict[str, Any] | None = None, *, status: int = 200) -> Any:
        headers = {**self.headers, "Idempotency-Key": f"{KEY_PREFIX}:{key}"}
        response = self.client.post(path, json=body, headers=headers)
        self.played.requests += 1
        if response.headers.get("Idempotent-Replayed") == "true":
            self.played.replayed += 1
        if response.status_code != status:
            raise ScenarioError(
                f"3W step {key}: POST {path} answered {response.status_code}, "
                f"expected {status}: {response.text[:500]}"
            )
        return response.json() if response.content else None

    # ---- registrations -------------------------------------------------------------

    def register(self) -> None:
        played = self.played
        for organisation in ORGANISATIONS:
            body = self.post(
                f"organisation:{organisation.slug}",
                "/api/organisations",
                {"name": organisation.name, "kind": organisation.kind},
                status=201,
            )
            played.organisations[organisation.slug] = body["id"]
            for index, unit in enumerate(UNITS):
                body = self.post(
                    f"unit:{organisation.slug}:{index}",
                    f"/api/organisations/{body['id']}/units",
                    {"name": unit},
                )
            for unit_row in body["units"]:
                played.units[(organisation.slug, unit_row["name"])] = unit_row["id"]
        coordinator = self.post("person:coordinator", "/api/people", {"name": COORDINATOR}, status=201)
        played.coordinator = coordinator["id"]
        for participant in PARTICIPANTS:
            person = self.post(
                f"person:{participant.slug}",
                "/api/people",
                {
                    "name": participant.name,
                    "organisation_id": played.organisations[participant.organisation],
                    "unit_id": played.units[(participant.organisation, participant.unit)],
                },
                status=201,
            )
            played.people[participant.slug] = person["id"]

    # ---- the steps ---------------------------------------------------------------------

    def run(self, step: Step) -> None:
        getattr(self, step.action)(step, *step.args)

    def create_programme(self, step: Step) -> None:
        body = self.post(
            step.key,
            "/api/programmes",
            {
                "name": PROGRAMME_NAME,
                "description": PROGRAMME_DESCRIPTION,
                "period_start": PERIOD[0].isoformat(),
                "period_end": PERIOD[1].isoformat(),
                "organisation_ids": [self.played.organisations[o.slug] for o in ORGANISATIONS],
                "coordinator_id": self.played.coordinator,
                "occurred_on": step.day.isoformat(),
            },
            status=201,
        )
        self.played.programme = body["id"]

    def propose(self, step: Step, project: Project) -> None:
        owner = self.participants[project.slug]
        body = self.post(
            step.key,
            "/api/initiatives",
            {
                "title": project.title,
                "summary": project.summary,
                "organisation_id": self.played.organisations[owner.organisation],
                "unit_id": self.played.units[(owner.organisation, owner.unit)],
                "owner_id": self.played.people[owner.slug],
                "themes": list(project.themes),
                "target_group": "Ikäihmiset ja heidän läheisensä",
                "goals": [project.goal],
                "team": [{"person_id": self.played.people[m], "role": "tiimin jäsen"} for m in project.team],
                "occurred_on": step.day.isoformat(),
            },
            status=201,
        )
        self.played.initiatives[project.slug] = body["id"]

    def move(self, step: Step, project: Project, verb: str) -> None:
        path = f"/api/initiatives/{self.played.initiatives[project.slug]}/{verb}"
        body: dict[str, Any] = {"occurred_on": step.day.isoformat()}
        if verb == "pause":
            body["reason"] = "Henkilöstövaje joulun aikaan; projekti jatkuu tammikuussa."
        self.post(step.key, path, body)

    def note(self, step: Step, project: Project, text: str, day: date) -> None:
        path = f"/api/initiatives/{self.played.initiatives[project.slug]}/notes"
        self.post(step.key, path, {"text": text, "occurred_on": day.isoformat()})

    def enrol(self, step: Step, project: Project) -> None:
        path = f"/api/programmes/{self.played.programme}/initiatives"
        body = {"initiative_id": self.played.initiatives[project.slug], "occurred_on": step.day.isoformat()}
        self.post(step.key, path, body)

    def schedule(self, step: Step, workshop: Workshop) -> None:
        body = self.post(
            step.key,
            f"/api/programmes/{self.played.programme}/workshops",
            {
                "day": (workshop.scheduled_day or workshop.day).isoformat(),
                "title": workshop.title,
                "kind": workshop.kind,
                "agenda": workshop.agenda,
            },
            status=201,
        )
        self.played.workshops[workshop.slug] = body["id"]

    def _workshop_path(self, workshop: Workshop) -> str:
        return f"/api/programmes/{self.played.programme}/workshops/{self.played.workshops[workshop.slug]}"

    def reschedule(self, step: Step, workshop: Workshop) -> None:
        body = {"day": workshop.day.isoformat(), "reason": RESCHEDULE_REASON}
        self.post(step.key, f"{self._workshop_path(workshop)}/reschedule", body)

    def hold(self, step: Step, workshop: Workshop) -> None:
        self.post(step.key, f"{self._workshop_path(workshop)}/held", {"occurred_on": step.day.isoformat()})

    def withdraw(self, step: Step, slug: str, reason: str) -> None:
        path = f"/api/programmes/{self.played.programme}/withdrawals"
        body = {
            "initiative_id": self.played.initiatives[slug],
            "reason": reason,
            "occurred_on": step.day.isoformat(),
        }
        self.post(step.key, path, body)

    def discontinue(self, step: Step, slug: str, reason: str, lessons: str) -> None:
        path = f"/api/initiatives/{self.played.initiatives[slug]}/discontinue"
        self.post(step.key, path, {"occurred_on": step.day.isoformat(), "reason": reason, "lessons": lessons})

    def check_in(self, step: Step, project: Project, number: int) -> None:
        score, status = scores(project)[number]
        self._check_in(
            step,
            project.slug,
            WORKSHOPS[number],
            score=score,
            status=status,
            done=DONE[score],
            help_needed=project.help if status == "red" else HELP_AMBER if status == "amber" else "",
        )

    def correct(self, step: Step, slug: str, workshop_slug: str) -> None:
        _, score, status, done = CORRECTION
        workshop = next(w for w in WORKSHOPS if w.slug == workshop_slug)
        self._check_in(step, slug, workshop, score=score, status=status, done=done, help_needed="")

    def _check_in(
        self,
        step: Step,
        slug: str,
        workshop: Workshop,
        *,
        score: float,
        status: str,
        done: str,
        help_needed: str,
    ) -> None:
        self.post(
            step.key,
            f"/api/initiatives/{self.played.initiatives[slug]}/check-ins",
            {
                "programme_id": self.played.programme,
                "workshop_id": self.played.workshops[workshop.slug],
                "status": status,
                "progress_score": score,
                "done": done,
                "next_steps": NEXT[score],
                "help_needed": help_needed,
                "occurred_on": step.day.isoformat(),
            },
            status=201,
        )

    # ---- experiments -------------------------------------------------------------------

    def plan_experiment(self, step: Step, project: Project, experiment: Experiment) -> None:
        owner = self.participants[project.slug]
        body = self.post(
            step.key,
            f"/api/initiatives/{self.played.initiatives[project.slug]}/experiments",
            {
                "title": experiment.title,
                "change_idea": experiment.change_idea,
                "prediction": experiment.prediction,
                "plan_who": owner.role,
                "measures": [experiment.measure],
                "occurred_on": step.day.isoformat(),
            },
            status=201,
        )
        self.played.experiments[project.slug] = body["id"]

    def _experiment_path(self, project: Project) -> str:
        return f"/api/experiments/{self.played.experiments[project.slug]}"

    def experiment_step(self, step: Step, project: Project, verb: str, day: date) -> None:
        self.post(step.key, f"{self._experiment_path(project)}/{verb}", {"occurred_on": day.isoformat()})

    def observe(
        self, step: Step, project: Project, experiment: Experiment, day: date, value: float, text: str
    ) -> None:
        self.post(
            step.key,
            f"{self._experiment_path(project)}/observations",
            {
                "text": text,
                "values": [{"name": experiment.measure, "value": value}],
                "occurred_on": day.isoformat(),
            },
        )

    def study(self, step: Step, project: Project, experiment: Experiment) -> None:
        assert experiment.studied is not None
        day, result, learning = experiment.studied
        body = {"result": result, "learning": learning, "occurred_on": day.isoformat()}
        self.post(step.key, f"{self._experiment_path(project)}/study", body)

    def decide(self, step: Step, project: Project, experiment: Experiment) -> None:
        assert experiment.decided is not None
        day, decision, rationale = experiment.decided
        body = {"decision": decision, "rationale": rationale, "occurred_on": day.isoformat()}
        self.post(step.key, f"{self._experiment_path(project)}/decision", body)


def play(client: httpx.Client, *, actor_header: tuple[str, str] | None = None) -> Played:
    """Record the whole 3W programme through the JSON API. `actor_header` is (header, user
    name) when the server runs behind a sign-in proxy. Playing it again records nothing new:
    every request is an idempotent replay of the first."""
    player = Player(client, actor_header)
    player.register()
    for step in timeline():
        player.run(step)
    return player.played
