"""How label facts read to a person, the same on every page, command and export."""


def accuracy_line(estimate: dict | None) -> str:
    """An accuracy estimate (learning.accuracy.Estimate.as_dict(), as label sets keep it) in one line."""
    if not estimate:
        return ""
    wrong, audited = estimate["wrong_frames"], estimate["audited"]
    if not audited and estimate["low"] < estimate["estimate"]:
        return (f"about {100 * estimate['estimate']:.1f} % right by the model's own confidences; not audited yet, "
                "so nothing has checked them")
    line = (f"{100 * estimate['estimate']:.1f} % right, 95 % CI {100 * estimate['low']:.1f}–"
            f"{100 * estimate['high']:.1f}, about {wrong} frame{'s' if wrong != 1 else ''} wrong")
    return f"{line}; {audited} frame{'s' if audited != 1 else ''} audited"


def accuracy_short(estimate: dict | None) -> str:
    """The same, for a table cell: "98.7 % right (CI 97.9–99.3) · ~260 wrong · 40 audited"."""
    if not estimate or not estimate["audited"]:
        return ""
    return (f"{100 * estimate['estimate']:.1f} % right (CI {100 * estimate['low']:.1f}–{100 * estimate['high']:.1f})"
            f" · ~{estimate['wrong_frames']} wrong · {estimate['audited']} audited")
