"""Provider meetings (C89): recorded, linked to signals (follow-up set), shared within the region; both engines."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdregie.analysis.signals import Signal, SignalError
from jeugdregie.analysis.signals.followup import current, history
from jeugdregie.analysis.signals.meetings import add_meeting, list_meetings
from jeugdregie.store import Database

AGB = "41388521"


def _signal(t: str = "after_stop", provider: str = AGB, period: str = "2025") -> Signal:
    return Signal(type=t, provider=provider, period=period, amount_cents=12_345, strength=1.0, summary_nl="x")


def test_meeting_links_signals_and_sets_their_followup(any_db: Database) -> None:
    s1, s2 = _signal(), _signal("tariff_deviation")
    mid = add_meeting(any_db, AGB, date(2026, 3, 2), "Declaraties na stopdatum", "Aanbieder crediteert de regels",
                      municipality="0603", agreements="Creditering voor 1 april", next_date=date(2026, 4, 1),
                      signals=[s1, s2, s1], actor="cm")
    rows = list_meetings(any_db, provider=AGB)
    assert [r["meeting_id"] for r in rows] == [mid]
    m = rows[0]
    assert m["shared"] is True and m["municipality"] == "0603" and m["next_date"] == date(2026, 4, 1)
    assert sorted(s["key"] for s in m["signals"]) == sorted([s1.key, s2.key])  # a repeated signal counts once
    now = current(any_db)
    assert now[s1.key]["status"] == "besproken" and "2026-03-02" in now[s1.key]["note"]
    assert now[s2.key]["actor"] == "cm"
    assert [r["meeting_id"] for r in list_meetings(any_db, signal_key=s2.key)] == [mid]
    assert list_meetings(any_db, signal_key=_signal("before_start").key) == []


def test_sharing_within_the_region(any_db: Database) -> None:
    add_meeting(any_db, AGB, date(2026, 1, 10), "Wachttijden", "Extra capaciteit", municipality="0603", actor="a")
    add_meeting(any_db, AGB, date(2026, 1, 11), "Tarief", "Intern houden", municipality="0603", shared=False,
                actor="a")
    add_meeting(any_db, AGB, date(2026, 1, 12), "Regionaal overleg", "Afspraken regio", actor="r")
    own = {r["subject"] for r in list_meetings(any_db, municipality="0603")}
    other = {r["subject"] for r in list_meetings(any_db, municipality="0637")}
    assert own == {"Wachttijden", "Tarief", "Regionaal overleg"}
    assert other == {"Wachttijden", "Regionaal overleg"}  # the unshared meeting stays with its municipality
    assert [r["subject"] for r in list_meetings(any_db)] == ["Regionaal overleg", "Tarief", "Wachttijden"]


def test_refuses_client_data_and_wrong_input(any_db: Database) -> None:
    with pytest.raises(SignalError, match="BSN"):
        add_meeting(any_db, AGB, date(2026, 1, 1), "Cliënt 123456782", "x", actor="a")
    with pytest.raises(SignalError, match="BSN"):
        add_meeting(any_db, AGB, date(2026, 1, 1), "ok", "ok", agreements="bel 123456782", actor="a")
    with pytest.raises(SignalError, match="leeg"):
        add_meeting(any_db, AGB, date(2026, 1, 1), "  ", "x", actor="a")
    with pytest.raises(SignalError, match="8 cijfers"):
        add_meeting(any_db, "4138", date(2026, 1, 1), "x", "y", actor="a")
    with pytest.raises(SignalError, match="andere aanbieder"):
        add_meeting(any_db, AGB, date(2026, 1, 1), "x", "y", signals=[_signal(provider="75000001")], actor="a")
    with pytest.raises(SignalError, match="vervolgdatum"):
        add_meeting(any_db, AGB, date(2026, 2, 1), "x", "y", next_date=date(2026, 1, 1), actor="a")
    with pytest.raises(SignalError, match="status"):
        add_meeting(any_db, AGB, date(2026, 2, 1), "x", "y", signals=[_signal()], followup_status="weg", actor="a")
    assert list_meetings(any_db) == [] and history(any_db) == []  # nothing half-written
