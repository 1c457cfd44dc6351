"""Row-history trackers shared by every model that holds people's data."""

import pghistory


def history_trackers() -> tuple:
    """Fresh tracker instances for one model (pghistory binds a tracker to its model).

    Besides insert/update/delete (the NEW row), each update also stores the OLD row
    as a "before_update" event, so a timeline can always say "from X to Y" even when
    the row's earlier history is missing (rows loaded in bulk without triggers).
    The trigger names sort "before_update_*" before "update_*", and PostgreSQL fires
    triggers of one event in name order, so the OLD snapshot gets the lower pgh_id.
    """
    return (
        pghistory.InsertEvent(),
        pghistory.UpdateEvent("before_update", row=pghistory.Old),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )
