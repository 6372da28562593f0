"""The DfE code lists the returns use, by collection year where they changed.

A collection year is named by the 31 March it ends on (2018 = 1 April 2017 to 31 March 2018).
Codes outside the list for their year are kept (the journey still happens) and counted on the
data-quality page; the sector validators (D2I's 903 and CIN validators) flag the same codes.
"""

from __future__ import annotations

#: SSDA903 legal status (LS).
LEGAL_STATUS = frozenset({"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"})
#: SSDA903 reason for new episode (RNE).
REASON_NEW_EPISODE = frozenset({"S", "L", "P", "T", "B", "U"})
#: SSDA903 placement type (PLACE).
PLACEMENT = frozenset({
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
})
#: SSDA903 reason episode ceased (REC) valid in every year we read; E99 is the sector
#: cleaner's "ceased, reason unknown" for an open episode no later return continued.
_REC_ALWAYS = {"X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E4A", "E4B", "E41",
               "E5", "E6", "E7", "E8", "E9", "E99"}
#: Special guardianship. The SSDA903 guide for the 2014 to 2015 return (the year the Children
#: and Families Act 2014 made residence orders child arrangement orders, E41) split the special
#: guardianship codes by whether the guardian is a relative or friend: E45-E48 replace E43/E44
#: from the return for the year ending 31 March 2015. The last return to take E43/E44 is 2014's.
SGO_NEW_CODES_FROM = 2015
_REC_SGO_OLD = {"E43", "E44"}
_REC_SGO_NEW = {"E45", "E46", "E47", "E48"}
#: Missing episodes: M missing, A away from placement without authorisation.
MISSING_TYPE = frozenset({"M", "A"})


def reason_episode_ceased(year: int) -> frozenset[str]:
    """REC codes valid in the return for the collection year ending 31 March ``year``."""
    return frozenset(_REC_ALWAYS | (_REC_SGO_OLD if year < SGO_NEW_CODES_FROM else _REC_SGO_NEW))


#: CIN census reason for closure.
REASON_FOR_CLOSURE = frozenset({f"RC{n}" for n in range(1, 10)})
#: CIN census referral source (2014 onwards).
REFERRAL_SOURCE = frozenset({
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C",
    "5D", "6", "7", "8", "9", "10",
})
#: CIN census category of abuse.
CATEGORY_OF_ABUSE = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})
#: DfE ethnicity codes.
ETHNICITY = frozenset({
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
})


def collection_year(date) -> int:
    """The collection year (the 31 March it ends on) a date falls in."""
    return date.year + (1 if date.month > 3 else 0)
