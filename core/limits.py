"""The largest figures the portal accepts, far above any real CSR program and far below what
a database column, or a sum of many such figures, could overflow. Forms, filters and imports
refuse anything larger with a message instead of a database error."""

MAX_RUPIAH = 10**15  # Rp 1.000 T: a budget, an amount, a total
MAX_UNIT_COST = 10**12  # Rp 1 T for one unit of a need
MAX_QUANTITY = 10_000_000  # houses, classrooms, children, households...
MAX_PEOPLE = 1_000_000_000  # beneficiaries
