"""GUM: guarantee management — comprehensive and individual guarantees, their balances and movements."""

SYSTEM = "guarantees"
