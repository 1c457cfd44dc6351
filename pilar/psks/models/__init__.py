"""The PSKS app's tables, by topic: the workers (workers.py), their training
(training.py) and their decrees and allowances (appointments.py)."""

from pilar.psks.models.appointments import Allowance, AllowancePeriod, Appointment
from pilar.psks.models.training import (
    Attendance,
    Participant,
    TrainingEvent,
    TrainingMaterial,
    TrainingQuestion,
)
from pilar.psks.models.workers import PsksType, PsksWorker, PsksWorkerQuerySet

__all__ = [
    "Allowance",
    "AllowancePeriod",
    "Appointment",
    "Attendance",
    "Participant",
    "PsksType",
    "PsksWorker",
    "PsksWorkerQuerySet",
    "TrainingEvent",
    "TrainingMaterial",
    "TrainingQuestion",
]
