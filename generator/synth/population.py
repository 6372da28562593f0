"""Who the demo children are: sex, birth month, ethnicity, disability and district.

Shares are those of a large English shire county like Kent (2011 census, DfE children in
need tables): mostly White British, with Gypsy/Roma, Nepali (in "Any other Asian") and
Eastern European ("Any other White") communities above the national average, and more demand
from the coastal districts (Thanet, Swale, Dover, Folkestone) than from the West Kent towns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.synth.days import add_months, month_starts

SEXES = ("1", "2", "0")
SEX_SHARES = (0.515, 0.480, 0.005)

ETHNICITY_SHARES = {
    "WBRI": 0.805, "WIRI": 0.005, "WOTH": 0.038, "WROM": 0.010,
    "MWBC": 0.017, "MWBA": 0.006, "MWAS": 0.009, "MOTH": 0.012,
    "AIND": 0.011, "APKN": 0.002, "ABAN": 0.003, "AOTH": 0.014,
    "BCRB": 0.003, "BAFR": 0.014, "BOTH": 0.003, "CHNE": 0.002,
    "OOTH": 0.009, "REFU": 0.012, "NOBT": 0.025,
}  # fmt: skip
ETHNICITIES = tuple(ETHNICITY_SHARES)

#: Districts weighted by child population times front-door demand per child.
LOCALITY_WEIGHTS = {
    "Ashford": 8.0, "Canterbury": 8.0, "Dartford": 6.5, "Dover": 8.5,
    "Folkestone and Hythe": 7.5, "Gravesham": 7.5, "Maidstone": 9.0, "Sevenoaks": 5.0,
    "Swale": 11.0, "Thanet": 13.0, "Tonbridge and Malling": 7.0, "Tunbridge Wells": 5.0,
}  # fmt: skip
LOCALITIES = tuple(LOCALITY_WEIGHTS)

DISABLED_SHARE = 0.10

#: Age bands (years, lower inclusive, upper exclusive) at the first contact the simulator
#: draws, with their shares. Babies are the single largest year of age in children's social
#: care; referred children are younger than those whose contacts never become referrals.
AGE_BANDS = ((0, 1), (1, 5), (5, 10), (10, 16), (16, 18))
REFERRED_AGE_SHARES = (0.17, 0.22, 0.24, 0.29, 0.08)
CONTACT_AGE_SHARES = (0.10, 0.18, 0.24, 0.34, 0.14)


@dataclass
class Children:
    """Attributes of simulated children, one numpy array per column (codes as indices)."""

    sex: np.ndarray
    ethnicity: np.ndarray
    locality: np.ndarray
    disability: np.ndarray
    birth_month: np.ndarray  # first day of the birth month, as a day number
    adult_day: np.ndarray  # 18th birthday, counted from the first day of the birth month

    def take(self, index) -> "Children":
        return Children(**{k: v[index] for k, v in self.__dict__.items()})

    @staticmethod
    def concat(*parts: "Children") -> "Children":
        return Children(
            **{k: np.concatenate([getattr(p, k) for p in parts]) for k in parts[0].__dict__}
        )

    def __len__(self) -> int:
        return len(self.sex)


def draw_children(
    rng: np.random.Generator, first_day: np.ndarray, age_shares: tuple[float, ...]
) -> Children:
    """Children whose first contact with the front door is on ``first_day``.

    The 18th birthday is counted from the first day of the birth month, the only birth date
    the extract keeps, so that no event is ever dated at 18 or over from the data's view.
    """
    n = len(first_day)
    band = rng.choice(len(AGE_BANDS), n, p=age_shares)
    low = np.array([b[0] for b in AGE_BANDS])[band]
    high = np.array([b[1] for b in AGE_BANDS])[band]
    age_days = ((low + (high - low) * rng.random(n)) * 365.25).astype(np.int64)
    birth_month = month_starts(first_day - age_days)
    weights = np.array(list(LOCALITY_WEIGHTS.values()))
    return Children(
        sex=rng.choice(len(SEXES), n, p=SEX_SHARES).astype(np.int8),
        ethnicity=rng.choice(len(ETHNICITIES), n, p=_normalised(ETHNICITY_SHARES)).astype(
            np.int8
        ),
        locality=rng.choice(len(LOCALITIES), n, p=weights / weights.sum()).astype(np.int8),
        disability=rng.random(n) < DISABLED_SHARE,
        birth_month=birth_month,
        adult_day=add_months(birth_month, 18 * 12),
    )


def _normalised(shares: dict[str, float]) -> np.ndarray:
    values = np.array(list(shares.values()))
    return values / values.sum()
