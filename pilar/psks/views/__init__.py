"""PSKS pages by topic: workers, training events, decrees and allowances, and the
public certificate check."""
