"""Pure domain building blocks: identifiers, money, quantities, clock and errors. Imports nothing of ours."""
