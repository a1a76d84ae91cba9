"""One package per EU system. A system uses core, refdata and platform, and other systems only through
their ``service`` functions or messages on the bus."""
