"""Programme monitoring: the Customs programme's indicators (output, result, impact), budget, collaborative actions,
expert teams, training, PICS, surveys, IT projects, the catalogue of European electronic systems with their
availability, support incidents, the data-quality checks of the published figures, the indicators the running box
computes itself, and the annual progress report (docs/programme.md)."""

SYSTEM = "programme"
