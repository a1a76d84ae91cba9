"""Programme tables: the monitoring framework (indicators, yearly results and breakdowns, facts, budget, relations
between figures), its registers (IT projects, expert teams, the catalogue of European electronic systems with their
reported availability, PICS statistics), the activity data recorded year by year (collaborative actions, meetings,
participants, training, survey answers, support incidents) and the box's own health probes."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from eucustoms.platform.db import BigIntPK, ExactDecimal, UTCDateTime, metadata

Figure = ExactDecimal()

# -- the framework and the published figures --------------------------------------------------------------------

programme_dataset = Table(
    "programme_dataset",
    metadata,
    Column("name", String(40), primary_key=True),  # "apr2024"
    Column("year", Integer, nullable=False),
    Column("document", Text),
    Column("digest", String(64), nullable=False),  # SHA-256 of the file loaded
    Column("survey", JSON),  # {respondents, printed, line, read}
    Column("meta", JSON),
    Column("loaded_by", String(120), nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
)

programme_indicator = Table(
    "programme_indicator",
    metadata,
    Column("id", String(64), primary_key=True),  # "RES 2.1 sub-indicator 1"
    Column("label", String(80), nullable=False),  # as printed: "RES 2.1. Sub-indicator 1"
    Column("name", Text, nullable=False),
    Column("level", String(3), nullable=False),  # OP / RES / IMP
    Column("objective", Text),
    Column("disaggregation", Text),
    Column("unit", String(32), nullable=False),
    Column("direction", String(12), nullable=False),  # increase / decrease / none
    Column("source", String(12), nullable=False),  # recorded / computed
    Column("live", String(40)),  # the box's computation of a computed indicator
    Column("register", String(32)),
    Column("survey", String(48)),
    Column("target", JSON),  # {value, printed, kind, year, from, to, direction, line, read}
    Column("milestones", JSON),  # {year: {value, printed, line, read}}
    Column("notes", JSON),
    Column("position", Integer, nullable=False),
)

programme_result = Table(
    "programme_result",
    metadata,
    Column("indicator_id", String(64), ForeignKey("programme_indicator.id"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("value", Figure),
    Column("printed", String(200), nullable=False),
    Column("period", String(16)),  # when the value is of another period than the report's year (IMP 1: 2023)
    Column("narrative", Text),
    Column("dimensions", JSON, nullable=False),  # [{dimension, label, aggregate, total, read}]
    Column("claims", JSON, nullable=False),
    Column("source", JSON, nullable=False),  # {line, read, dataset} or {recorded: ...}
    Column("origin", String(12), nullable=False),  # dataset / recorded
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

programme_breakdown = Table(
    "programme_breakdown",
    metadata,
    Column("indicator_id", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("dimension", String(48), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("label", Text, nullable=False),
    Column("value", Figure),
    Column("printed", String(200), nullable=False),
    Column("unit", String(32)),
    Column("share", Figure),
    Column("share_printed", String(20)),
    Column("parent", String(64)),
    Column("system", String(40)),  # the catalogue entry (Annex 5 acronym) a per-system figure is about
    Column("line", Integer),
    Column("position", Integer, nullable=False),
)

programme_fact = Table(
    "programme_fact",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("label", Text, nullable=False),
    Column("value", Figure),
    Column("printed", String(120), nullable=False),
    Column("unit", String(32)),
    Column("qualifier", String(12), nullable=False),  # exact / approx / more_than
    Column("section", String(60)),
    Column("source", JSON, nullable=False),
)

programme_budget = Table(
    "programme_budget",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("label", Text, nullable=False),
    Column("amount", Figure, nullable=False),
    Column("printed", String(60), nullable=False),
    Column("kind", String(20), nullable=False),  # commitment / total / financing_decision
    Column("note", Text),
    Column("source", JSON, nullable=False),
    Column("position", Integer, nullable=False),  # the order of the report's table
)

programme_relation = Table(
    "programme_relation",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("check", String(32), nullable=False),
    Column("spec", JSON, nullable=False),
    Column("note", Text),
)

# -- registers ------------------------------------------------------------------------------------------------------

programme_it_project = Table(
    "programme_it_project",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("register", String(16), primary_key=True),  # it_projects (MASP-C) / ucc_projects
    Column("name", String(160), primary_key=True),
    Column("phase", String(16), primary_key=True),  # initiating / executing / "" for UCC projects
    Column("status", String(24), nullable=False),  # ongoing / completed / on_hold / in_operation / ...
    Column("rag", String(16)),  # green / delayed / ...
    Column("component", String(12)),  # new / upgrade
    Column("planned_delivery", String(10)),  # "2024-Q4"
    Column("revised_delivery", String(10)),
    Column("cost_status", String(16)),  # as_planned / over
    Column("released_as_required", Boolean),
    Column("delivered_on_time", Boolean),
    Column("details", JSON, nullable=False),  # line, read, note, printed_status
)

programme_expert_team = Table(
    "programme_expert_team",
    metadata,
    Column("code", String(24), primary_key=True),
    Column("name", Text, nullable=False),
    Column("grant", String(80), nullable=False),
    Column("mff", JSON),  # [first year, last year] of the financial framework of the grant
    Column("objective", Text),
    Column("duration_months", Integer),
    Column("initial_duration_months", Integer),
    Column("extensions", JSON, nullable=False),
    Column("end_month", String(7)),  # "2026-11"
    Column("printed_duration", String(60)),
    Column("countries", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # active / closed / in_preparation
    Column("outputs", Text),
    Column("developments", Text),
    Column("source", JSON, nullable=False),
)

programme_system = Table(
    "programme_system",
    metadata,
    Column("acronym", String(40), primary_key=True),
    Column("number", Integer),  # the number in Annex 5
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),  # central / trans-european / trader-portal / dissemination / network / tool / programme
    Column("ucc", Boolean, nullable=False),
    Column("box", String(32)),  # the eucustoms package that implements it
    Column("financed_in", JSON, nullable=False),  # years it is listed in Annex 5
    Column("source", JSON, nullable=False),
)

programme_availability = Table(
    "programme_availability",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("key", String(40), primary_key=True),  # as the report names it ("CS/RD2", "ICS2 MON", "CCN2")
    Column("system", String(40)),  # the catalogue acronym, where one matches
    Column("value", Figure),
    Column("printed", String(120), nullable=False),
    Column("indicator_id", String(64), nullable=False),
    Column("source", JSON, nullable=False),
)

programme_pics = Table(
    "programme_pics",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("measure", String(24), primary_key=True),  # groups / active_users / interactions
    Column("dimension", String(24), primary_key=True),  # "" / scope / category / country
    Column("key", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# -- activity data recorded through the year (ART2 and the training portal in the box) -----------------------------

programme_action = Table(
    "programme_action",
    metadata,
    Column("reference", String(40), primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(24), nullable=False),  # project_group / working_visit / seminar / workshop / ...
    Column("areas", JSON, nullable=False),  # union_law, best_practices, cooperation, competency, innovation, ...
    Column("lead_country", String(2)),  # null: the Commission's
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

programme_meeting = Table(
    "programme_meeting",
    metadata,
    Column("reference", String(40), primary_key=True),
    Column("action", String(40), ForeignKey("programme_action.reference"), nullable=False),
    Column("title", Text, nullable=False),
    Column("format", String(10), nullable=False),  # physical / online / hybrid
    Column("area", String(24), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("host_country", String(2)),
    Column("status", String(12), nullable=False),  # operational / cancelled
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
Index("ix_programme_meeting_start", programme_meeting.c.start_date)

programme_participation = Table(
    "programme_participation",
    metadata,
    Column("meeting", String(40), ForeignKey("programme_meeting.reference"), primary_key=True),
    Column("country", String(2), primary_key=True),
    Column("participants", Integer, nullable=False),
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

programme_training = Table(
    "programme_training",
    metadata,
    Column("reference", String(40), primary_key=True),  # the course or event
    Column("country", String(2), primary_key=True),  # whose people were trained ("EU": the Commission's record)
    Column("year", Integer, nullable=False),
    Column("kind", String(12), nullable=False),  # elearning / clep / it_training
    Column("title", Text, nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("new_course", Boolean, nullable=False),
    Column("languages", JSON, nullable=False),  # language versions produced in the year (eLearning)
    Column("customs_officials", Integer, nullable=False),
    Column("economic_operators", Integer, nullable=False),
    Column("other_professionals", Integer, nullable=False),
    Column("quality", JSON),  # eLearning evaluation: {content, methodology, technology} in %
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
Index("ix_programme_training_year", programme_training.c.year)

programme_survey = Table(
    "programme_survey",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("country", String(2), primary_key=True),  # the responding administration
    Column("question", String(48), primary_key=True),
    Column("answer", JSON, nullable=False),  # awareness: level; scores: 0-100; yes/no: true/false
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

programme_incident = Table(
    "programme_incident",
    metadata,
    Column("reference", String(40), primary_key=True),
    Column("country", String(2), nullable=False),  # the reporting administration
    Column("system", String(40), nullable=False),  # catalogue acronym
    Column("category", String(12), nullable=False),  # gold / silver / bronze / best_effort
    Column("opened_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime),
    Column("due_at", UTCDateTime),
    Column("satisfaction", Integer),  # 1-5, the reporter's rating of the support
    Column("summary", Text),
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)
Index("ix_programme_incident_opened", programme_incident.c.opened_at)

# -- the box's health probes (OP 1.3 computed) -------------------------------------------------------------------------

programme_probe = Table(
    "programme_probe",
    metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("round", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("system", String(32), nullable=False),  # the box package probed ("eos", "ccn2", ...)
    Column("target", String(8), nullable=False),  # the domain for the network probe, "" otherwise
    Column("up", Boolean, nullable=False),
    Column("latency_ms", Float),
    Column("detail", Text),
)
Index("ix_programme_probe_system_at", programme_probe.c.system, programme_probe.c.at)

TABLES = (
    programme_dataset, programme_indicator, programme_result, programme_breakdown, programme_fact, programme_budget,
    programme_relation, programme_it_project, programme_expert_team, programme_system, programme_availability,
    programme_pics, programme_action, programme_meeting, programme_participation, programme_training,
    programme_survey, programme_incident, programme_probe,
)
