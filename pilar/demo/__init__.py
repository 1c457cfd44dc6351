"""Synthetic data, gathered outside the domain apps: the registry generator (`generator`,
`seeding`: `pilar seed`), the demo users and the story the demo tells (`users`,
`reports`, `assessments`, `renovations`: `pilar demo`), and the duplicate truth sets
the dedup model is trained and measured on (`truthset`, `dedup_train`).

The top layer: it builds data through every app's actions, and no app imports it."""
