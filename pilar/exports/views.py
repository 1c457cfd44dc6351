"""Export of the household, person and PPKS lists to XLSX and CSV, and the BNBA
(by-name-by-address) list of validated PPKS records (`pilar.exports.bnba`).

Each export takes the list's own query parameters and filter definition, so what a
user sees is what they download; scoping comes from the same helpers as the list.
Every export is written to the access log with its filter, format and row count.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.exports import bnba, restricted
from pilar.exports import columns as cols
from pilar.ppks.filters import PpksRecordFilter, ppks_records_for
from pilar.registry.filters import HouseholdFilter, PersonFilter, households_for, persons_for


def _export(
    request,
    fmt: str,
    *,
    flt,
    qs,
    rows: Callable,
    columns: Callable,
    object_type: str,
    name: str,
    sheet_name: str = "",
    leave_out: Callable = restricted.persons,
):
    user = request.user
    if not user.can_see_people:
        raise PermissionDenied
    # Persons whose processing is restricted stay out of every bulk export (decision 43).
    qs, left_out = leave_out(qs)
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters=flt.as_dict(),
        columns=columns(user),
        rows=rows(qs, user),
        object_type=object_type,
        name=name,
        sheet_name=sheet_name,
        left_out=left_out,
    )


@login_required
def households(request: AuthedRequest, fmt: str):
    flt = HouseholdFilter.from_params(request.GET)
    return _export(
        request,
        fmt,
        flt=flt,
        qs=households_for(request.user, flt),
        rows=cols.household_rows,
        columns=cols.household_columns,
        object_type="households",
        name="keluarga",
        leave_out=restricted.households,
    )


@login_required
def persons(request: AuthedRequest, fmt: str):
    flt = PersonFilter.from_params(request.GET)
    return _export(
        request,
        fmt,
        flt=flt,
        qs=persons_for(request.user, flt),
        rows=cols.person_rows,
        columns=cols.person_columns,
        object_type="persons",
        name="individu",
    )


@login_required
def ppks_records(request: AuthedRequest, fmt: str):
    flt = PpksRecordFilter.from_params(request.GET)
    return _export(
        request,
        fmt,
        flt=flt,
        qs=ppks_records_for(request.user, flt),
        rows=cols.ppks_rows,
        columns=cols.ppks_columns,
        object_type="ppks_records",
        name="ppks",
        leave_out=restricted.ppks_records,
    )


@login_required
def bnba_export(request: AuthedRequest, fmt: str):
    """BNBA of validated, active PPKS records under the PPKS list's filter; the log
    records the filter as applied (with status=aktif and validated=ya)."""
    flt = bnba.bnba_filter(PpksRecordFilter.from_params(request.GET))
    return _export(
        request,
        fmt,
        flt=flt,
        qs=bnba.bnba_records(request.user, flt),
        rows=bnba.bnba_rows,
        columns=bnba.bnba_columns,
        object_type="bnba",
        leave_out=restricted.ppks_records,
        name="bnba-ppks",
        sheet_name="BNBA PPKS",
    )
