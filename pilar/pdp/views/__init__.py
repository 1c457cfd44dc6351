"""The data-protection pages (/pdp/), by register: requests, breaches, and the
records (overview, RoPA, DPIA, retention). Dinas Sosial and admins only (403 for
every other role); a request about a person outside the user's area is a 404."""
