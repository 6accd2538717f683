"""Validation findings, named by their official iJw 3.2 rule code (see docs/ijw.md)."""

from __future__ import annotations

from dataclasses import dataclass

#: rule code -> (Dutch title, English title)
RULES: dict[str, tuple[str, str]] = {
    "XML": ("Bestand is geen geldige of veilige XML", "file is not well-formed or safe XML"),
    "XSD": ("Bericht voldoet niet aan het iJw 3.2-XSD", "message does not conform to the iJw 3.2 XSD"),
    "STRUCT": ("Verplicht element ontbreekt of is onbekend", "required element missing or unknown"),
    "RS032": ("Ongeldige datum", "invalid date"),
    "CD": ("Waarde komt niet voor in de codelijst", "value not in the code list"),
    "CS002": ("BSN voldoet niet aan de elfproef", "BSN fails the 11-check"),
    "CS025": ("BerichtVersie moet 3 zijn", "BerichtVersie must be 3"),
    "CS015": ("BerichtSubversie moet 2 zijn", "BerichtSubversie must be 2"),
    "HDR": ("Berichtcode past niet bij het bericht", "BerichtCode does not match the message"),
    "LDT": ("Waarde heeft niet het juiste formaat", "value has the wrong format"),
    "CS003": ("Einddatum ligt voor de begindatum", "end date before start date"),
    "CS058": ("StatusAanlevering moet 1 of 3 zijn", "StatusAanlevering must be 1 or 3"),
    "CD041": ("Omvang is verplicht bij een specifiek product", "Omvang required with a product code"),
    "CD077": ("Omvang en Budget sluiten elkaar uit", "Omvang and Budget are mutually exclusive"),
    "CD075": ("Einddatum is verplicht bij Budget", "Einddatum required with Budget"),
    "CD076": ("Einddatum is verplicht bij frequentie per week", "Einddatum required with weekly frequency"),
    "CS338": ("Eenheid vereist frequentie 2, 4 of 6", "unit requires frequency 2, 4 or 6"),
    "CS335": ("Reden 13 alleen met Einddatum gelijk aan Ingangsdatum", "reason 13 only with end = start"),
    "CS336": ("RedenWijziging 01 is vervallen", "RedenWijziging 01 must not be sent"),
    "CD043": ("BeschikkingNummer en -ingangsdatum horen samen", "BeschikkingNummer and date go together"),
    "CD066": ("Verwijzer: ZorgverlenerCode of Naam ontbreekt of is onjuist",
              "referrer: ZorgverlenerCode/Naam missing or not allowed"),
    "TR352": ("Verzoek om wijziging zonder ongewijzigd of te wijzigen product",
              "change request without unchanged or changed product"),
    "TR353": ("Verzoek om wijziging zonder te wijzigen of nieuw product",
              "change request without changed or new product"),
    "TR381": ("ProductCode past niet bij ProductCategorie", "ProductCode does not fit ProductCategorie"),
    "CS319": ("DeclaratieNummer mag alleen letters en cijfers bevatten", "DeclaratieNummer must be alphanumeric"),
    "CS340": ("DeclaratiePeriode is geen volledige kalendermaand", "DeclaratiePeriode is not a full month"),
    "CS100": ("DeclaratiePeriode ligt voor 2021", "DeclaratiePeriode before 2021"),
    "CS337": ("ProductPeriode valt niet binnen een kalendermaand", "ProductPeriode spans more than one month"),
    "TR319": ("ProductPeriode valt na de DeclaratiePeriode", "ProductPeriode after the DeclaratiePeriode"),
    "TR335": ("Prestatie ligt meer dan vijf jaar voor de declaratiedatum",
              "service more than five years before the declaration date"),
    "CD060": ("VorigReferentieNummer hoort alleen bij een creditregel",
              "VorigReferentieNummer required iff credit"),
    "CD087": ("ProductTarief verplicht tenzij eenheid 83 (euro's)", "tariff required unless unit 83"),
    "CS339": ("Bij eenheid 83 moet het bedrag gelijk zijn aan het volume", "unit 83: amount must equal volume"),
    "TR346": ("Bedrag is niet gelijk aan volume maal tarief", "amount is not volume times tariff"),
    "TR358": ("Totaalbedrag is niet gelijk aan debet min credit", "total does not equal debit minus credit"),
    "CS325": ("Bedrag 0 moet als debet worden aangeleverd", "zero amount must be debit"),
    "TR314": ("ReferentieNummer is al eerder aangeleverd", "ReferentieNummer was already submitted"),
    "TR315": ("VorigReferentieNummer komt meer dan eens voor", "VorigReferentieNummer used more than once"),
    "TR316": ("Creditregel verwijst naar zichzelf", "credit line refers to itself"),
    "TR416": ("Meer dan een debetregel voor dezelfde toewijzing, periode en product",
              "more than one debit line for the same assignment, period and product"),
    "TR338": ("Toewijzing is in dit bericht voor meer dan een client gedeclareerd",
              "assignment declared for more than one client in this message"),
    "TR333": ("DeclaratieNummer is niet uniek", "DeclaratieNummer is not unique"),
    "TR056": ("Berichtidentificatie is al gebruikt voor een ander bericht",
              "message identification already used for a different message"),
    "TR135": ("Dagtekening ligt in de toekomst", "Dagtekening is in the future"),
    "TR342": ("Afgewezen prestaties sluiten niet aan op ingediend min toegekend bedrag",
              "rejected lines do not reconcile with submitted minus granted"),
    "TR347": ("ReferentieAanbieder is al gebruikt voor een ander verzoek",
              "ReferentieAanbieder already used for another request"),
    "TYPE": ("Berichttype wordt niet ingelezen", "message type is not ingested"),
    "CSV": ("Regel in CSV/Excel-bestand is ongeldig", "row in CSV/Excel file is invalid"),
}


@dataclass(frozen=True)
class Finding:
    """One validation failure. ``line`` is the index of the item in the message (None = whole message)."""

    rule: str
    path: str
    detail_nl: str = ""
    detail_en: str = ""
    line: int | None = None

    @property
    def reason_nl(self) -> str:
        title = RULES.get(self.rule, (self.rule, self.rule))[0]
        return f"{self.rule} {title}" + (f": {self.detail_nl}" if self.detail_nl else "")

    @property
    def reason_en(self) -> str:
        title = RULES.get(self.rule, (self.rule, self.rule))[1]
        return f"{self.rule} {title}" + (f": {self.detail_en}" if self.detail_en else "")

    @property
    def title(self) -> str:
        return f"{self.rule} {RULES.get(self.rule, (self.rule, self.rule))[0]}"
