"""The programs API (mounted at /api/v1/programs): one router built from the topic
modules, each with its own router (programs.py's is the root):

- programs.py: programs, the rule field registry, preview, saving a rule;
- beneficiaries.py: beneficiaries of the programs a user may read (partners too);
- deliveries.py: deliveries of an enrollment, one month paid to many;
- candidates.py: the candidate list (generate, read, add by hand);
- enrollments.py: enrollments (list, propose/approve/reject/complete), usage;
- national.py: participation in national programs from the centre's data;
- schemas.py: every request and response schema.

Each endpoint calls the same action the pages call, so validation, the manager
check and row history are identical whichever way the data arrives.
"""

from __future__ import annotations

from pilar.programs.api import (
    beneficiaries,
    candidates,
    deliveries,
    enrollments,
    national,
    programs,
)

# The programs module's router is the root: its paths are the collection itself
# ("" and "/{id}"), which a nested router cannot have (ninja would add a slash).
# The order of the modules is the order of the operations in the OpenAPI document.
router = programs.router
TOPICS = (programs, beneficiaries, deliveries, candidates, enrollments, national)

# Operation ids stay `pilar_programs_api_<function>` as published when the endpoints
# lived in one module: pilar/api.py names an `api` package's endpoints by the package.
for topic in TOPICS:
    if topic is not programs:
        router.add_router("", topic.router)
