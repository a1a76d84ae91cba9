"""One module per system flow. A flow's unit of traffic is a :class:`~eucustoms.sim.flows.base.Story`: an ENS
filing and what follows it, an import declaration to its release, a transit movement, a proof of Union status,
a look-up… Each story is generated from its own seeded random stream (deterministic), and its steps call the
systems' service functions (or the HTTP API, for the public look-ups) at the simulated time they happen."""
