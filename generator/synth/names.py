"""Names for synthetic people, and the mistakes clerks make copying them.

Surnames are common English and Welsh ones, drawn with Zipf-like weights so that, as in a real
county, a few (Smith, Jones) are shared by many unrelated children. Forenames are common
ones of the children's birth years. Nothing here is about a real person: names are drawn
independently of everything else about a child.

The mistakes are those a legal department's spreadsheet shows against the case-management
system (Harron et al. 2017, "Challenges in administrative data linkage for research"): a
letter dropped, doubled or swapped, a spelling variant (Thomson for Thompson), forenames cut
to initials or left out, a day and month of birth swapped, a digit of the day mistyped.
"""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "SMITH JONES WILLIAMS TAYLOR BROWN DAVIES EVANS WILSON THOMAS JOHNSON ROBERTS ROBINSON THOMPSON WRIGHT "
    "WALKER WHITE EDWARDS HUGHES GREEN HALL LEWIS HARRIS CLARKE PATEL JACKSON WOOD TURNER MARTIN COOPER HILL "
    "WARD MORRIS MOORE CLARK LEE KING BAKER HARRISON MORGAN ALLEN JAMES SCOTT PHILLIPS WATSON DAVIS PARKER "
    "PRICE BENNETT YOUNG GRIFFITHS MITCHELL KELLY COOK CARTER RICHARDSON BAILEY COLLINS BELL SHAW MURPHY "
    "MILLER COX RICHARDS KHAN MARSHALL ANDERSON SIMPSON ELLIS ADAMS SINGH BEGUM WILKINSON FOSTER CHAPMAN "
    "POWELL WEBB ROGERS GRAY MASON ALI HUNT HUSSAIN CAMPBELL MATTHEWS OWEN PALMER HOLMES MILLS BARNES KNIGHT "
    "LLOYD BUTLER RUSSELL BARKER FISHER STEVENS JENKINS MURRAY DIXON HARVEY GRAHAM PEARSON AHMED FLETCHER "
    "WALSH KAUR GIBSON HOWARD ANDREWS STEWART ELLIOTT REYNOLDS SAUNDERS PAYNE FOX FORD PEARCE DAY BROOKS "
    "WEST LAWRENCE COLE ATKINSON BRADLEY SPENCER GILL DAWSON BALL BURTON O'BRIEN WATTS ROSE BOOTH PERRY RYAN "
    "GRANT WELLS ARMSTRONG FRANCIS REES HAYES HART HUDSON NEWMAN BARRETT WEBSTER HUNTER GREGORY CARR LOWE "
    "PAGE MARSH RILEY DUNN WOODS PARSONS BERRY STONE REID HOLLAND HAWKINS HARDING PORTER ROBERTSON NEWTON "
    "OLIVER REED KENNEDY WILLIAMSON BIRD GARDNER SHAH DEAN LANE COLEMAN HOPKINS CHAMBERS NOWAK KOWALSKI "
    "OKAFOR ADEYEMI MENSAH NGUYEN SMITH-JONES MCDONALD MACDONALD O'CONNOR FITZGERALD"
).split()
FORENAMES = {
    "1": ("OLIVER JACK HARRY JACOB CHARLIE THOMAS GEORGE OSCAR JAMES WILLIAM NOAH ALFIE JOSHUA MUHAMMAD LEO "
          "ARCHIE ETHAN JOSEPH FREDDIE SAMUEL ALEXANDER LOGAN DANIEL ISAAC MAX MOHAMMED BENJAMIN MASON LUCAS "
          "EDWARD HARRISON JAKE DYLAN RILEY FINLEY THEO SEBASTIAN ADAM ZACHARY ARTHUR TOBY JAYDEN LUKE HARLEY "
          "LEWIS TYLER HARVEY MATTHEW DAVID REUBEN MICHAEL ELIJAH KIAN TOMMY MOHAMMAD BLAKE LUCA THEODORE "
          "STANLEY JENSON NATHAN CHARLES FRANKIE JUDE TEDDY LOUIE LOUIS RYAN HUGO BOBBY ELLIOTT DEXTER OLLIE "
          "ALEX LIAM KAI GABRIEL CONNOR AARON FREDERICK CALLUM ELLIOT ALBERT LEON RONNIE RORY JAMIE AUSTIN "
          "SETH IBRAHIM OWEN CALEB ELLIS SONNY ROBERT JOEY FELIX FINLAY JACKSON").split(),
    "2": ("AMELIA OLIVIA ISLA EMILY POPPY AVA ISABELLA JESSICA LILY SOPHIE GRACE SOPHIA MIA EVIE RUBY ELLA "
          "SCARLETT ISABELLE CHLOE SIENNA FREYA PHOEBE CHARLOTTE DAISY ALICE FLORENCE EVA SOFIA MILLIE LUCY "
          "EVELYN ELSIE ROSIE IMOGEN LOLA MATILDA ELIZABETH LAYLA HOLLY LILLY MOLLY ERIN ELLIE MAISIE MAYA "
          "ABIGAIL ELIZA GEORGIA JASMINE ESME WILLOW BELLA ANNABELLE IVY AMBER EMILIA EMMA SUMMER HANNAH "
          "ELEANOR HARRIET ROSE AMELIE LEXI MEGAN GRACIE ZARA LACEY MARTHA ANNA VIOLET DARCEY MARIA MARYAM "
          "BROOKE AISHA KATIE LEAH THEA DARCY HOLLIE AMY MOLLIE HEIDI LOTTIE BETHANY FRANCESCA FAITH HARPER "
          "NANCY BEATRICE ISABEL DARCIE LYDIA SARAH SARA JULIA VICTORIA ZOE ROBYN").split(),
}
#: Spellings one clerk writes for another's.
VARIANTS = {"THOMPSON": "THOMSON", "PHILLIPS": "PHILIPS", "CLARKE": "CLARK", "GRAY": "GREY", "MACDONALD": "MCDONALD",
            "HUSSAIN": "HUSSEIN", "MOHAMMED": "MUHAMMAD", "ELLIOTT": "ELLIOT", "MATTHEWS": "MATHEWS",
            "STEVENS": "STEPHENS", "DAVIES": "DAVIS", "REID": "READ", "O'BRIEN": "OBRIEN", "BEGUM": "BEGAM",
            "SMITH-JONES": "SMITH JONES", "O'CONNOR": "OCONNOR", "ISABELLE": "ISOBEL", "LILLY": "LILY"}


def zipf_weights(n: int, exponent: float = 1.0) -> np.ndarray:
    """Weights 1/rank**exponent, normalised: a few names common, most rare."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def draw_surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` surnames, common ones more often (rank-frequency about 1/rank)."""
    return rng.choice(np.array(SURNAMES, dtype=object), size=n, p=zipf_weights(len(SURNAMES), 0.6))


def draw_forenames(rng: np.random.Generator, sex: np.ndarray) -> np.ndarray:
    """A forename for each child, from the boys' or girls' list by ``sex`` ("1"/"2"; else either)."""
    out = np.empty(len(sex), dtype=object)
    for code in ("1", "2"):
        names = np.array(FORENAMES[code], dtype=object)
        rows = np.flatnonzero(sex == code) if code == "1" else np.flatnonzero(sex != "1")
        out[rows] = rng.choice(names, size=len(rows), p=zipf_weights(len(names), 0.7))
    return out


def misspell(rng: np.random.Generator, name: str) -> str:
    """One clerk's mistake: a known variant spelling, else a letter dropped, doubled, swapped or changed."""
    if name in VARIANTS and rng.random() < 0.6:
        return VARIANTS[name]
    letters = list(name)
    if len(letters) < 3:
        return name
    i = int(rng.integers(1, len(letters) - 1))
    kind = rng.integers(0, 4)
    if kind == 0:
        del letters[i]
    elif kind == 1:
        letters.insert(i, letters[i])
    elif kind == 2:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        letters[i] = "AEIOUY"[int(rng.integers(0, 6))] if letters[i] in "AEIOUY" else letters[i]
        if letters[i] == name[i]:
            letters.insert(i, "E")
    return "".join(letters)
