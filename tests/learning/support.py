"""Helpers for the learning tests."""

from __future__ import annotations

from academy.cohorts.schedule import helsinki_local, load_timeline


def schedule_form_data(cohort, **overrides) -> dict:
    """The schedule form as a browser would send it, with the cohort's current dates."""
    data = {}
    for entry in load_timeline(cohort).modules:
        name = f"module_{entry.module.id}_opens_at"
        local = helsinki_local(entry.opens_at)
        data[f"{name}_date"] = local.date().isoformat()
        data[f"{name}_time"] = local.strftime("%H:%M")
        for a in entry.assignments:
            for attr in ("due_at", "review_due_at", "cut_off_at"):
                name = f"assignment_{a.spec.id}_{attr}"
                local = helsinki_local(a.date(attr))
                data[f"{name}_date"] = local.date().isoformat() if local else ""
                data[f"{name}_time"] = local.strftime("%H:%M") if local else ""
    data.update(overrides)
    return data
