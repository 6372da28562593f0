"""The data-quality checks, registered here and nowhere else: each check's name and what it
looks for.

Readers (`generator.ingest`), the quality stage (`generator.quality`) and the map replay
(`generator.pathway.replay`) report what they find as `Finding`s named by these checks; the
data-quality page lists every finding and, below them, the checks that found nothing, from
this list. A test builds every example and fails on a finding whose check is not here.
"""

from __future__ import annotations

#: Check name -> what it looks for, in the order the data-quality page lists clean checks.
CHECKS: dict[str, str] = {
    "unknown event": "event names outside the event vocabulary",
    "unparseable dates": "values in date columns that are not dates",
    "dates after the extract": "dates after the 31 March of the return they are in",
    "event before birth": "events dated before the child's month of birth",
    "end before start": "episodes, plans and missing episodes that end before they start",
    "assessments authorised before they started": "authorisation dated before the assessment's start",
    "duplicate episodes": "the same episode in more than one return",
    "episodes in more than one return": "903 episodes repeated in a later year's return",
    "episodes in more than one census": "CIN census episodes repeated in a later year's census",
    "open episode in an earlier return": "an episode with no end date in a return that is not the latest",
    "open episode replaced in a later return": "an episode still open in one return and continued or ended in a later one",
    "gap after a continuing episode": "a 903 episode marked as continuing (X1) with no next episode on its end date",
    "overlapping episodes": "903 episodes that end after the next one starts",
    "duplicate missing episodes": "the same missing episode more than once",
    "duplicate reviews": "the same looked-after review in more than one return",
    "duplicate events": "the same event for the same child on the same day",
    "codes outside the code list": "codes not in the DfE list for their year",
    "rows without a child id": "rows of a return with no child id",
    "episodes without a start date": "903 episode rows whose start (DECOM) is blank",
    "events without a date": "rows whose event date is blank",
    "episodes without a referral date": "CIN census episodes with no referral date",
    "assessment factors without a date": "CIN census assessment factors whose assessment has no date that can be read",
    "events before their referral": "CIN census steps dated before their episode's referral",
    "events for children missing from the children table": "events of children with no attributes",
    "returns merged": "the same event of the same child on the same day in two returns, counted once",
    "returns disagree": "an event two returns both hold with a different code or date",
    "events outside the period": "events before or after the report's period",
    "903 and CIN census matched on child id": "how many children of the 903 and the CIN census are the same child",
    "tables not used": "tables of a return that no page reads",
    "lists not used": "Annex A lists that no page reads",
    "Annex A sheets that are not lists": "sheets of an Annex A workbook that hold no list (title, guidance)",
    "Annex A lists not read": "Annex A lists carejourneys knowingly skips (adoption, adopters)",
    "referrals with no outcome after a long time": "referrals with no recorded next step",
    "ids that look like names": "child ids that look like a person's name",
    "ids that look like dates of birth": "child ids that look like a date",
    "proceedings without names": "a proceedings list with no surname, forename or initials column (linked on dates)",
    "proceedings without a name": "proceedings rows with neither a surname nor initials",
    "proceedings without a date of birth": "proceedings rows whose date of birth is blank or unreadable",
    "proceedings without an application date": "proceedings rows with no application (issue) date",
    "proceedings with an order not in the list": "interim or final order labels that are not a known order",
    "proceedings ending before they start": "orders dated before the application, or an application before birth",
    "orders the court cannot make at the child's age": "care, supervision or placement orders for a child of 17 or over",
    "final orders without a date": "a final order with no final hearing date, or a date with no order",
    "person list rows without a date of birth or name": "person-list rows with no child id, surname or date of birth",
    "clerical decisions about unknown pairs": "review decisions naming a proceedings row or child the data does not hold",
    "pathway map: events the map does not place": "events whose name a pathway map does not list",
    "pathway map: events out of order": "an ending event for a stage the child had not reached",
    "pathway map: journeys entering mid-map": "journeys whose first station is not an entry station",
}
