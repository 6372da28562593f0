"""The DfE code lists the returns use, as each return year's guidance gives them.

A return year is named by the 31 March it ends on (2018 = 1 April 2017 to 31 March 2018). A
`CodeList` holds the codes of its first checked year and the years it changed in, so a code is
checked against the list of its own return's year, and a code valid only in other years is
named with them ("E45: in returns from 2019"). Codes outside their year's list are kept (the
journey still happens) and counted on the data-quality page, as the sector validators flag them.

Sources (read, not copied; the lists below are written out from them):
- SSDA903 2017 to 2024: the per-year schemas of SocialFinanceDigitalLabs/liia-tools
  (liiatools/spec/s903/SSDA903_schema_<year>.yml, commit 0dd821c), which name a schema by the
  year its return ends (`check_year`: "2017-18" -> 2018). 2018 to 2019 is the one change of
  reason episode ceased: the DfE's 2018 to 2019 validation checks (v1.2) list rule 149 (REC
  not valid) as amended that year, and the 2019 schema replaces E43/E44 with E45-E48.
- SSDA903 2025 on: data-to-insight/csc-validator-be-903 rule 146 (placement type) in its
  lac2024_25 and lac2025_26 rule sets (commit 10ad07c); its rules 143, 144, 149 are unchanged
  from lac2022_23.
- CIN census 2017 to 2024: liia-tools' copies of the DfE census schemas
  (liiatools/spec/cin_census/CIN_schema_<year>.xsd): referralsourcetype, reasonforclosuretype,
  categoryofabuse, primaryneedcodetype. The 2023 schema adds referral source 5D and reason for
  closure RC9 (case closed after assessment, referred to early help). data-to-insight's
  csc-validator-be-cin (commit 1bf6f22) changes none of these lists for 2024 to 2026.
Annex A lists are checked where they carry these codes (referral source, legal status, placement
type, reason ceased, reason for closure; Ofsted's template writes them as "a) E11: Adopted -
...", read as E11), each against the list of its event's collection year. Its categories of
abuse are words ("a) Neglect"), not codes, and are not checked.
Returns before 2017 are checked against the 2017 lists (the earliest schema either project
holds); the special guardianship codes E43/E44 are older than that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The first return year whose lists the sources above give.
FIRST_CHECKED_YEAR = 2017


@dataclass(frozen=True)
class CodeList:
    """One DfE code list: its codes in `FIRST_CHECKED_YEAR`, then what each later year changed.

    ``changes`` maps a return year to (codes added, codes removed) that year. ``own`` are codes
    this tool writes itself when it repairs a return (valid in every year).
    """

    label: str
    codes: frozenset[str]
    changes: dict[int, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    own: frozenset[str] = frozenset()

    def in_year(self, year: int | None) -> frozenset[str]:
        """The codes valid in the return for the year ending 31 March ``year``.

        Parameters
        ----------
        year : int or None
            The return year; None (a return of unknown year) gives every code ever valid.

        Returns
        -------
        frozenset of str
            The year's codes, with the tool's own repair codes.
        """
        if year is None:
            return frozenset(self.ever() | self.own)
        codes = set(self.codes)
        for changed in sorted(self.changes):
            if changed <= year:
                added, removed = self.changes[changed]
                codes = (codes - removed) | added
        return frozenset(codes | self.own)

    def ever(self) -> frozenset[str]:
        """Every code valid in some return year."""
        codes = set(self.codes)
        for added, _ in self.changes.values():
            codes |= added
        return frozenset(codes)

    def years_of(self, code: str) -> str | None:
        """The return years ``code`` is valid in, in words; None if it never was.

        Parameters
        ----------
        code : str
            A code as recorded.

        Returns
        -------
        str or None
            "returns from 2019", "returns to 2018", "returns 2019 to 2025", or None.
        """
        if code not in self.ever():
            return None
        years = sorted({FIRST_CHECKED_YEAR, *self.changes})
        valid = [y for y in years if code in self.in_year(y)]
        first = None if valid[0] == FIRST_CHECKED_YEAR else valid[0]
        # A code is valid from its first year until the year before the next change removing it.
        later = [y for y in years if y > valid[-1]]
        last = later[0] - 1 if later else None
        if first and last:
            return f"returns {first} to {last}"
        if first:
            return f"returns from {first}"
        return f"returns to {last}" if last else "every return"

    def outside(self, codes, year: int | None, noun: str = "return") -> list[str]:
        """Each distinct code of ``codes`` not valid in ``year``, named with the return years
        it is valid in when it is a code of other years.

        Parameters
        ----------
        codes : iterable of str
            Codes recorded in one return year (missing values already left out).
        year : int or None
            Their return year.
        noun : str
            What ``year`` is a year of ("return"; "collection year" for Annex A).

        Returns
        -------
        list of str
            Sorted texts: "ZZ", or "E45 (in the 2017 return; valid in returns from 2019)".
        """
        valid = self.in_year(year)
        out = []
        for code in sorted({str(c) for c in codes} - valid):
            years = self.years_of(code)
            out.append(f"{code} (in the {year} {noun}; valid in {years})" if years and year else code)
        return out


def _codes(*codes: str) -> frozenset[str]:
    return frozenset(codes)


# --- SSDA903 -----------------------------------------------------------------------------

#: Legal status (LS). D1 (freeing order) and E1 (placement order) also depend on the episode's
#: start: `LEGAL_STATUS_UNTIL` / `LEGAL_STATUS_FROM` (DfE rules 445 and 446).
LEGAL_STATUS = CodeList("legal status (LS)", _codes(
    "C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"))
#: Placement orders replaced freeing orders on 30 December 2005 (Adoption and Children Act
#: 2002): the DfE's rule 445 refuses D1 for an episode starting after December 2005 and rule
#: 446 refuses E1 for one starting before it.
LEGAL_STATUS_UNTIL = {"D1": "2005-12-31"}
LEGAL_STATUS_FROM = {"E1": "2005-12-01"}
#: Reason for new episode (RNE).
REASON_NEW_EPISODE = CodeList("reason for new episode (RNE)", _codes("S", "L", "P", "T", "B", "U"))
#: Placement type (PLACE). 2025 adds K3 (supported accommodation, regulated from October
#: 2023); 2026 retires H5, P2 and Z1 and splits "other placements" into Z11-Z14.
PLACEMENT = CodeList("placement type (PLACE)", _codes(
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"),
    changes={2025: (_codes("K3"), frozenset()),
             2026: (_codes("Z11", "Z12", "Z13", "Z14"), _codes("H5", "P2", "Z1"))})
#: Special guardianship in the reason episode ceased. To the 2018 return: E43 made to former
#: foster carers, E44 made to other carers. From the 2019 return each splits by whether the
#: guardian is a relative or friend: E45/E46 former foster carers (relative or friend /
#: other), E47/E48 other carers (relative or friend / other).
SGO_SPLIT_YEAR = 2019
SGO_BEFORE_SPLIT = {"E45": "E43", "E46": "E43", "E47": "E44", "E48": "E44"}
#: Reason episode ceased (REC). E99 is this tool's own "ceased, reason unknown" for an open
#: episode no later return continued (`generator.ingest.episodes903`), as the LIIA cleaner's.
REASON_EPISODE_CEASED = CodeList("reason episode ceased (REC)", _codes(
    "X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E4A", "E4B", "E41",
    "E43", "E44", "E5", "E6", "E7", "E8", "E9"),
    changes={SGO_SPLIT_YEAR: (_codes("E45", "E46", "E47", "E48"), _codes("E43", "E44"))},
    own=_codes("E99"))
#: Missing episodes (MISSING): M missing, A away from placement without authorisation.
MISSING_TYPE = CodeList("missing (MISSING)", _codes("M", "A"))


def reason_episode_ceased(year: int) -> frozenset[str]:
    """REC codes valid in the return for the year ending 31 March ``year``.

    Parameters
    ----------
    year : int
        The return year.

    Returns
    -------
    frozenset of str
        The year's REC codes (with the tool's own E99).
    """
    return REASON_EPISODE_CEASED.in_year(year)


def as_returned(code, year: int, codes: CodeList = REASON_EPISODE_CEASED):
    """A code as the return for ``year`` records it: the finer special guardianship codes of
    later returns become the one their year had (E45 -> E43 before 2019). Writers of the
    returns use it, so the files they write pass the year's own validation.

    Parameters
    ----------
    code : str or NA
        The code in the event log's vocabulary.
    year : int
        The return year the code is written into.
    codes : CodeList
        The list ``code`` belongs to (REC or CIN census reason for closure).

    Returns
    -------
    str or NA
        The code of that year.
    """
    if not isinstance(code, str) or code in codes.in_year(year):
        return code
    earlier = {**SGO_BEFORE_SPLIT, **CLOSURE_BEFORE_RC9}
    return earlier.get(code, code)


# --- CIN census ----------------------------------------------------------------------------

#: Reason for closure. RC8: case closed after assessment, no further action; RC9 (from the
#: 2023 census): case closed after assessment, referred to early help.
REASON_FOR_CLOSURE = CodeList("ReasonForClosure", frozenset(f"RC{n}" for n in range(1, 9)),
                              changes={2023: (_codes("RC9"), frozenset())})
#: Before RC9, a CIN episode closed with a step down to early help closed as "services ceased
#: for any other reason" (RC7): the code the CIN writer gives RC9 in earlier censuses.
CLOSURE_BEFORE_RC9 = {"RC9": "RC7"}
#: Referral source; 5D from the 2023 census.
REFERRAL_SOURCE = CodeList("ReferralSource", _codes(
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C",
    "6", "7", "8", "9", "10"), changes={2023: (_codes("5D"), frozenset())})
#: Category of abuse (initial and latest), unchanged 2017-2026.
CATEGORY_OF_ABUSE = CodeList("InitialCategoryOfAbuse", _codes("NEG", "PHY", "SAB", "EMO", "MUL"))
#: Factors identified at the end of an assessment (AssessmentFactors). The 2021 census splits
#: physical and sexual abuse by who abused (18A, 19A -> 18B/18C, 19B/19C); the 2022 census adds
#: 24A (child criminal exploitation). From liia-tools' CIN_schema_<year>.xsd (commit 0dd821c),
#: assessmentfactorstype, 2017 to 2024.
ASSESSMENT_FACTORS = CodeList("AssessmentFactors", _codes(
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C", "7A",
    "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18A", "19A", "20", "21",
    "22A", "23A"), changes={2021: (_codes("18B", "18C", "19B", "19C"), _codes("18A", "19A")),
                            2022: (_codes("24A"), frozenset())})
#: Before the 2021 census, physical and sexual abuse were not split by who abused: the code the
#: CIN writer gives the later codes in earlier censuses.
FACTORS_BEFORE_2021 = {"18B": "18A", "18C": "18A", "19B": "19A", "19C": "19A"}
#: Primary need (N0-N9 in the census; N1-N8 as a 903 episode's category of need).
PRIMARY_NEED = CodeList("PrimaryNeedCode", frozenset(f"N{n}" for n in range(10)))
#: DfE ethnicity codes (903 header and CIN census, unchanged 2017-2024).
ETHNICITY = CodeList("ethnicity", _codes(
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"))


def collection_year(date) -> int:
    """The collection year (the 31 March it ends on) a date falls in.

    Parameters
    ----------
    date : datetime-like
        A date.

    Returns
    -------
    int
        The year of the 31 March on or after ``date``.
    """
    return date.year + (1 if date.month > 3 else 0)
