"""Domain core: types, enums, money, clock, errors, settings and ports. Imports no framework."""
