"""Counted nouns for every message the tool writes: in pages, the terminal and errors.

"1 row", "2 rows", never "row(s)": `counted` is the one place a count meets its noun.
"""

from __future__ import annotations


def counted(value, noun: str, plural: str | None = None, number=lambda v: f"{v:,}") -> str:
    """A count and its noun in agreement: ``1 finding``, ``2 findings``, ``1,204 children``
    (``plural`` for a noun that does not just add -s; ``number`` formats the count). A
    disclosure symbol such as "c" keeps the plural: it stands for several.

    >>> counted(1, "row"), counted(1204, "child", "children"), counted("c", "child", "children")
    ('1 row', '1,204 children', 'c children')
    """
    many = plural or f"{noun}s"
    if isinstance(value, str):
        return f"{value} {many}"
    return f"{number(value)} {noun if value == 1 else many}"


#: The DfE's ethnicity codes (CIN census and SSDA903, unchanged 2017-2024) in the census
#: guidance's words, so a page names a group rather than showing its code.
ETHNICITY_NAMES = {
    "WBRI": "White British", "WIRI": "White Irish", "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background", "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean", "MWBA": "White and Black African", "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean", "BAFR": "Black African", "BOTH": "Any other Black background",
    "CHNE": "Chinese", "OOTH": "Any other ethnic group",
    "REFU": "Refused", "NOBT": "Information not yet obtained",
}


def ethnic_group(code):
    """The name of a DfE ethnicity code (``WBRI`` -> ``White British``); anything else as given.

    >>> ethnic_group("WBRI"), ethnic_group("MWBA"), ethnic_group("local code")
    ('White British', 'White and Black African', 'local code')
    """
    return ETHNICITY_NAMES.get(str(code).strip().upper(), code) if isinstance(code, str) else code
