"""COPIS on SQLite and PostgreSQL: a Union application for action granted, goods detained under it in another
member state, the simplified destruction procedure with deemed agreement, proceedings and release, statistics."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from copis_support import (
    DE_OFFICER,
    DECLARANT,
    DECLARANT_TRADER,
    HOLDER,
    NL_OFFICER,
    RIGHT_HOLDER,
    detain,
    granted,
    lodge,
    step,
)

from eucustoms.core.errors import Forbidden, IncorrectState, Rejected
from eucustoms.platform import notifications
from eucustoms.systems.copis import service
from eucustoms.systems.copis.messages import (
    DeclarantResponse,
    DetentionExtension,
    GrantAction,
    HolderResponse,
    Outcome,
    Proceedings,
)


def test_application_detention_and_destruction_with_deemed_agreement(pbox, clock):
    app = lodge(pbox)
    assert app.state == "lodged" and app.kind == "union" and app.member_states == ["DE", "NL", "BE"]
    assert app.decision_due == date(2026, 4, 13)  # 30 working days (Art. 9(1))
    with pytest.raises(Forbidden):
        step(pbox, "grant", app.reference, GrantAction(), principal=NL_OFFICER)  # lodged with DE's department
    app = step(pbox, "grant", app.reference, GrantAction())
    assert (app.valid_from, app.valid_to) == (date(2026, 3, 3), date(2027, 3, 2))  # from the next day, one year
    assert not app.in_force and app.extension_request_by == date(2027, 1, 19)
    with pytest.raises(Rejected):  # not in force before tomorrow
        detain(pbox, app.reference)
    clock.advance(timedelta(days=1))

    d = detain(pbox, app.reference)
    assert d.state == "detained" and d.country == "NL" and d.articles == 1200
    assert d.due == date(2026, 3, 17) and d.rights == [{"type": "trademark", "name": "NORDLICHT", "registration_number": "018123456"}]
    with pbox.read() as conn:
        assert [n["message_type"] for n in notifications.pending(conn, HOLDER)] == ["COPIS_GRANTED", "COPIS_DETENTION"]
        assert [n["message_type"] for n in notifications.pending(conn, DECLARANT)] == ["COPIS_DETENTION"]
    step(pbox, "respond_holder", d.reference, HolderResponse(infringement=True, agree_to_destruction=True), principal=RIGHT_HOLDER)
    with pytest.raises(Rejected) as early:
        step(pbox, "destroy", d.reference, Outcome(reason="counterfeit"), principal=NL_OFFICER)
    assert "until 2026-03-17" in early.value.issues[0].reason
    clock.advance(timedelta(days=15))
    shown = step(pbox, "show_detention", d.reference, principal=DECLARANT_TRADER)
    assert shown.declarant_deemed_agreement
    with pytest.raises(Rejected):  # the declarant's period is over
        step(pbox, "respond_declarant", d.reference, DeclarantResponse(agree_to_destruction=False), principal=DECLARANT_TRADER)
    destroyed = step(pbox, "destroy", d.reference, Outcome(reason="destroyed under customs control"), principal=NL_OFFICER)
    assert destroyed.state == "destroyed" and [e["action"] for e in destroyed.events] == ["detain", "respond_holder", "destroy"]
    with pytest.raises(IncorrectState):
        step(pbox, "release", d.reference, Outcome(reason="x"), principal=NL_OFFICER)

    with pbox.read() as conn:
        stats = service.statistics(conn, DE_OFFICER)
        assert stats["detentions"] == 0  # DE's officers see DE's detentions
        stats = service.statistics(conn, NL_OFFICER)
        assert stats["by_right_type"] == {"trademark": {"detentions": 1, "articles": 1200}}
        assert stats["by_country"] == {"NL": {"detentions": 1, "articles": 1200}} and stats["by_outcome"] == {"destroyed": 1}
        total, items = service.list_detentions(conn, RIGHT_HOLDER, application=app.reference)
        assert total == 1 and items[0].reference == d.reference
        assert service.show_application(conn, RIGHT_HOLDER, app.reference).detentions == 1


def test_opposition_proceedings_release_and_time_limits(pbox, clock):
    app = granted(pbox, clock)
    opposed = detain(pbox, app.reference, rights=["NORDLICHT", "008765432-0001"])
    assert {r["type"] for r in opposed.rights} == {"trademark", "design"}
    step(pbox, "respond_declarant", opposed.reference, DeclarantResponse(agree_to_destruction=False, reason="genuine goods"),
         principal=DECLARANT_TRADER)
    step(pbox, "respond_holder", opposed.reference, HolderResponse(infringement=True, agree_to_destruction=True),
         principal=RIGHT_HOLDER)
    with pytest.raises(Rejected) as blocked:
        step(pbox, "destroy", opposed.reference, Outcome(reason="x"), principal=NL_OFFICER)
    assert blocked.value.issues[0].reason == "the declarant opposed destruction"
    p = step(pbox, "start_proceedings", opposed.reference, Proceedings(court="Rechtbank Den Haag", reference="C/09/1"),
             principal=RIGHT_HOLDER)
    assert p.state == "proceedings" and p.proceedings["court"] == "Rechtbank Den Haag"
    assert step(pbox, "release", opposed.reference, Outcome(reason="no infringement found"), principal=NL_OFFICER).state == "released"

    quiet = detain(pbox, app.reference)
    with pytest.raises(Rejected):  # the right holder still has time
        step(pbox, "release", quiet.reference, Outcome(reason="x"), principal=NL_OFFICER)
    extended = step(pbox, "extend_detention", quiet.reference, DetentionExtension(working_days=10, reason="samples analysed"),
                    principal=NL_OFFICER)
    assert extended.due == date(2026, 3, 31) and extended.extended_by == 10
    with pytest.raises(Rejected):
        step(pbox, "extend_detention", quiet.reference, DetentionExtension(working_days=1, reason="again"), principal=NL_OFFICER)
    clock.advance(timedelta(days=30))
    with pytest.raises(Rejected):  # too late to start proceedings
        step(pbox, "start_proceedings", quiet.reference, Proceedings(court="c", reference="r"), principal=RIGHT_HOLDER)
    assert step(pbox, "release", quiet.reference, Outcome(reason="no proceedings"), principal=NL_OFFICER).state == "released"

    fish = detain(pbox, app.reference, perishable=True)
    assert fish.due == date(2026, 4, 7)  # 3 working days after Thursday 2 April
    with pytest.raises(Rejected) as perishable:
        step(pbox, "extend_detention", fish.reference, DetentionExtension(working_days=2, reason="x"), principal=NL_OFFICER)
    assert "perishable" in perishable.value.issues[0].reason
    denied = step(pbox, "respond_holder", fish.reference, HolderResponse(infringement=False, agree_to_destruction=False),
                  principal=RIGHT_HOLDER)
    assert step(pbox, "release", denied.reference, Outcome(reason="holder: genuine"), principal=NL_OFFICER).state == "released"
    with pbox.read() as conn:
        stats = service.statistics(conn, NL_OFFICER, since=date(2026, 3, 1))
    assert stats["by_right_type"] == {"design": {"detentions": 1, "articles": 1200},
                                      "trademark": {"detentions": 3, "articles": 3600}}
    assert stats["by_outcome"] == {"released": 3}
