"""No Django admin for households and persons, on purpose.

Every write must go through `pilar.registry.actions` (validation, area checks,
history context) and every view of a full record is scoped and logged; the
generic admin would bypass both. Staff use the registry pages instead; row
history is browsable through pghistory's admin."""
