"""The API toolkit every app's `api.py` uses: authentication and role checks,
the error body and the one error map (`ERRORS`), pagination, identity-number
display, filter checks, pydantic errors in Indonesian, the request parser that
refuses control characters and out-of-range numbers, and the exception handlers
(`install_error_handlers`). `pilar/api.py` only builds the instance and mounts
the apps' routers; no app imports it.

Endpoints follow the same rules as the pages: objects are fetched through
`restrict(user, ...)` (out-of-area = 404, like a missing record) and every write
goes through an action, so validation, scoping and row history are identical
whichever way the data arrives.

Error bodies are always JSON with an Indonesian `message`; input errors (422)
also carry `errors` (field -> list of messages) and `codes` (field -> code).
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from pilar.accounts.middleware import pending_step
from pilar.accounts.models import ApiToken
from pilar.core.disclosure import note_disclosed
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.failures import FAILURE_TYPES, classify, one_line
from pilar.core.identity import mask
from pilar.core.numbers import OFFSET_MAX, find_out_of_range
from pilar.core.text import find_forbidden

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

logger = logging.getLogger(__name__)


# Once a minute is enough to see which tokens are in use, without a write per call.
TOKEN_TOUCH_INTERVAL = datetime.timedelta(minutes=1)

MSG_UNAUTHENTICATED = (
    "Autentikasi diperlukan: kirim header 'Authorization: Bearer <token>' "
    "atau masuk (login) terlebih dahulu."
)
MSG_BAD_TOKEN = (
    "Token API tidak valid, sudah kedaluwarsa, sudah dicabut, atau penggunanya tidak aktif."
)
MSG_TWO_FACTOR = "Selesaikan verifikasi dua langkah (2FA) di halaman login sebelum memakai API."
MSG_CSRF = "Pemeriksaan CSRF gagal: muat ulang halaman lalu coba lagi."
MSG_NO_PEOPLE = "Peran Anda tidak memiliki akses ke data individu dan keluarga."
MSG_READ_ONLY = "Peran Anda hanya dapat membaca data, tidak dapat menambah atau mengubah."
MSG_NOT_FOUND = "Data tidak ditemukan."
MSG_INVALID = "Data tidak valid. Periksa isian yang ditandai."
MSG_BAD_BODY = "Isi permintaan bukan JSON yang valid."
MSG_CONFLICT = "Data bentrok dengan data lain yang baru saja disimpan. Muat ulang lalu coba lagi."
MSG_SERVER = "Terjadi kesalahan pada server. Kejadian ini sudah dicatat."

# Permission levels an endpoint can require (checked during authentication,
# so a refused role gets 403 before its input is even parsed).
ANY = "any"  # any active user, `mitra` included (regions, reference data)
PEOPLE = "people"  # read people's data: not `mitra`
EDIT = "edit"  # write people's data: not `mitra`, not `pimpinan`


def check_permission(user: User, permission: str):
    if permission in (PEOPLE, EDIT) and not user.can_see_people:
        raise AuthorizationError(403, MSG_NO_PEOPLE)
    if permission == EDIT and not user.can_edit:
        raise AuthorizationError(403, MSG_READ_ONLY)
    return user


MSG_TOKEN_READ_ONLY = "Token ini hanya untuk membaca data; permintaan mengubah data ditolak."
MSG_TOKEN_APP = "Token ini tidak berlaku untuk bagian API ini."
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
API_ROOT = "/api/v1"


def token_for_key(key: str) -> ApiToken | None:
    """The unrevoked, unexpired token ``key`` of an active user, or None."""

    key = key.strip()
    if not key:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user__district", "user__village")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(key: str):
    """The active user owning the (unrevoked, unexpired) token `key`, or None."""
    token = token_for_key(key)
    return token.user if token is not None else None


def check_token_scope(token: ApiToken, request: HttpRequest) -> None:
    """A token narrower than its user: read-only, or one part of the API."""
    path = request.path
    api_path = path[len(API_ROOT) :] if path.startswith(API_ROOT) else path
    if not token.allows_path(api_path):
        raise AuthorizationError(403, MSG_TOKEN_APP)
    if token.read_only and request.method not in SAFE_METHODS:
        raise AuthorizationError(403, MSG_TOKEN_READ_ONLY)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer plr_...`. A token that is present but wrong, expired or
    revoked is refused outright (no fallback to the session), so a client notices."""

    def __init__(self, permission: str = ANY) -> None:
        self.permission = permission
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str):
        found = token_for_key(token)
        if found is None:
            raise AuthenticationError(401, MSG_BAD_TOKEN)
        user = found.user
        # pghistory's request class hooks this assignment, so row history written
        # by this request records the token's user (the middleware ran before
        # the token was known and saw an anonymous user).
        request.user = user
        check_token_scope(found, request)
        return check_permission(user, self.permission)


class SessionAuth(APIKeyCookie):
    """The Django login session, for the browser (pages calling the API).
    Writes need the CSRF token; a session still waiting for 2FA is refused
    (the 2FA middleware leaves /api/ alone because tokens do not need it)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, permission: str = ANY) -> None:
        self.permission = permission
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request):
                raise HttpError(403, MSG_CSRF)
        return request.COOKIES.get(self.param_name, "")

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None

        if pending_step(request) is not None:
            raise AuthenticationError(401, MSG_TWO_FACTOR)
        return check_permission(user, self.permission)


def auth_for(permission: str) -> list:
    return [TokenAuth(permission), SessionAuth(permission)]


AUTH_ANY = auth_for(ANY)
AUTH_PEOPLE = auth_for(PEOPLE)
AUTH_EDIT = auth_for(EDIT)


# Shared schemas and helpers ---------------------------------------------------


class ErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] | None = None
    codes: dict[str, str] | None = None


class PageParams(Schema):
    limit: int = Field(25, ge=1, le=200, description="Jumlah data per halaman (maks. 200).")
    offset: int = Field(0, ge=0, le=OFFSET_MAX, description="Lewati sejumlah data pertama.")


def paginate(qs, params: PageParams) -> tuple[list, int]:
    """One COUNT and one page query."""
    count = qs.count()
    items = list(qs[params.offset : params.offset + params.limit]) if count else []
    return items, count


def show_id(user: User, value: str | None) -> str | None:
    """NIK / No. KK in full for roles that may reveal them, masked otherwise."""
    if not value:
        return None
    if not user.can_reveal_ids:
        return mask(value)
    note_disclosed(value)  # the access log records who received it (audit middleware)
    return value


def check_filter_codes(params, cleaned: dict[str, str]) -> None:
    """A filter value that cleans away to nothing ("abc" as a kelurahan code) would
    silently mean "no filter" and return everything; refuse it instead."""
    errors = {}
    for name, value in cleaned.items():
        if str(getattr(params, name, "") or "").strip() and not value:
            if name == "nik":
                errors[name] = ["NIK hanya boleh berisi angka."]
            else:
                errors[name] = ["Kode wilayah harus berupa angka, misalnya 36.71.01.1001."]
    if errors:
        raise InvalidInput(errors)


# Fields named differently by the actions than by the API input; applied to
# every error so all endpoints answer in the names the client sent.
API_FIELD_NAMES = {
    "village": "kelurahan",
    "person": "person_id",
    "household": "household_id",
    "to_household": "household_id",
}


def api_field_name(field: str) -> str:
    """'village' -> 'kelurahan'; nested names ('members[0].nik') are left alone."""
    return API_FIELD_NAMES.get(field, field)


def rename_fields(exc: InvalidInput) -> InvalidInput:
    return InvalidInput(
        {api_field_name(k): v for k, v in exc.errors.items()},
        message=exc.message,
        codes={api_field_name(k): v for k, v in exc.codes.items()},
    )


# The API instance -------------------------------------------------------------


# Answers any endpoint can give whatever its own code does (a malformed or oversized
# body, a missing token, an out-of-range path id, the database being down): listed
# once here rather than in every app's `response=` so the document never forgets one.
COMMON_ERRORS = {
    400: "Isi permintaan tidak dapat dibaca (JSON atau multipart rusak).",
    401: "Autentikasi diperlukan atau token tidak valid.",
    403: "Peran Anda tidak memiliki akses.",
    404: "Data tidak ditemukan.",
    409: "Data bentrok dengan penyimpanan lain.",
    413: "Isi permintaan terlalu besar.",
    422: "Isian tidak valid.",
    429: "Terlalu banyak permintaan; coba lagi setelah Retry-After detik.",
    503: "Basis data sedang tidak dapat dihubungi; coba lagi nanti.",
}


def document_common_errors(schema: dict) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    schema.setdefault("components", {}).setdefault("schemas", {})
    schema["components"]["schemas"].setdefault("ErrorOut", ErrorOut.model_json_schema())
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            codes = [401, 403, 422, 429, 503]
            if "requestBody" in operation:
                codes += [400, 413]
            if "{" in path:
                codes.append(404)
            if method in ("post", "put", "patch", "delete"):
                codes.append(409)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    str(code),
                    {
                        "description": COMMON_ERRORS[code],
                        "content": {"application/json": {"schema": error_ref}},
                    },
                )


MSG_NUMBER_RANGE = "Angka di luar batas yang dapat disimpan."
MSG_NOT_OBJECT = "Harus berupa objek JSON."


class PilarParser(Parser):
    """ninja's JSON and form parser, plus the checks every request gets whatever its
    schema says: no string (key or value) with control or bidi characters
    (pilar.core.text) and no integer beyond PostgreSQL's bigint (pilar.core.numbers).
    A NUL would otherwise reach PostgreSQL, which refuses it with a 500, and a huge
    integer fails the whole statement."""

    def parse_body(self, request: HttpRequest):
        data = json.loads(request.body)
        # Every body of this API is an object; pydantic would read `[null, null]` (or
        # 5) as an object with no fields set, and a PATCH would answer 200.
        if not isinstance(data, dict):
            raise InvalidInput({"__all__": [MSG_NOT_OBJECT]})
        self._check(data)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        result = super().parse_querydict(data, list_fields, request)
        # Uploaded files are not text; their names are checked by the fields.
        if data is not request.FILES:
            self._check(result)
        return result

    @staticmethod
    def _check(data) -> None:
        found = find_forbidden(data)
        if found:
            raise InvalidInput({found[0]: [found[1]]})
        field = find_out_of_range(data)
        if field:
            raise InvalidInput({field: [MSG_NUMBER_RANGE]})


# Error handlers -----------------------------------------------------------------


# The renderer the API instance uses by default: error bodies are encoded the same way.
RENDERER = JSONRenderer()


def error_response(
    request: HttpRequest,
    status: int,
    message: str,
    errors: dict[str, list[str]] | None = None,
    codes: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"message": message}
    if errors is not None:
        body["errors"] = errors
        body["codes"] = codes or {}
    response = HttpResponse(
        RENDERER.render(request, body, response_status=status),
        status=status,
        content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}",
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="pilar"'
    return response


def on_invalid_input(request, exc: InvalidInput):
    exc = rename_fields(exc)
    return error_response(request, 422, exc.message, exc.errors, exc.codes)


def on_not_allowed(request, exc):
    # "Not yours" answers exactly like "missing".
    return error_response(request, 404, MSG_NOT_FOUND)


def on_permission_denied(request, exc):
    # Visible to the user but not theirs to act on (e.g. verifying one's own report).
    return error_response(request, 403, str(exc) or HTTP_MESSAGES[403])


def on_not_found(request, exc):
    return error_response(request, 404, MSG_NOT_FOUND)


HTTP_MESSAGES = {
    400: "Permintaan tidak dapat diproses.",
    401: MSG_UNAUTHENTICATED,
    403: "Anda tidak memiliki akses.",
    404: MSG_NOT_FOUND,
    405: "Metode HTTP ini tidak didukung untuk alamat ini.",
    429: "Terlalu banyak permintaan. Coba lagi nanti.",
}
# ninja's own English messages, replaced by the Indonesian ones above.
NINJA_DEFAULT_MESSAGES = {"", "Unauthorized", "Forbidden", "Too many requests."}


def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, InvalidInput):
        # ninja wraps whatever the body parser raises in a 400; PilarParser's refusals
        # are field errors.
        return on_invalid_input(request, exc.__cause__)
    message = exc.message
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        return error_response(request, 400, MSG_BAD_BODY, {"__all__": [MSG_BAD_BODY]})
    if message == "CSRF check Failed":
        message = MSG_CSRF
    elif message in NINJA_DEFAULT_MESSAGES:
        message = HTTP_MESSAGES.get(exc.status_code, message)
    return error_response(request, exc.status_code, message)


def loc_to_field(loc: tuple | list) -> str:
    """ninja's loc, e.g. ("body", "payload", "members", 0, "nik"), as the field
    name the actions use: "members[0].nik"."""
    parts = list(loc[1:])  # drop the source (body, query, path)
    # The endpoints name their body parameter `payload` or `body`; clients know
    # neither, so field names start inside it.
    if loc and loc[0] == "body" and parts and parts[0] in ("payload", "body"):
        parts = parts[1:]
    field = ""
    for part in parts:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += ("." if field else "") + str(part)
    return field or "__all__"


def pydantic_message(error: dict) -> str:
    """pydantic's error (type + ctx) told in Indonesian."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind.startswith("pilar_"):
        # Pilar's own validators (pilar.core.text, pilar.core.dates) speak Indonesian.
        return error.get("msg") or "Nilai tidak valid."
    if kind == "missing":
        return "Wajib diisi."
    if kind == "extra_forbidden":
        return "Kolom ini tidak dikenal."
    if kind.startswith("int_") or kind == "int_type":
        return "Harus berupa bilangan bulat."
    if kind.startswith(("float_", "decimal_")):
        return "Harus berupa angka."
    if kind.startswith(("date_", "datetime_")):
        return "Tanggal tidak valid: gunakan format TTTT-BB-HH (misalnya 1975-08-17)."
    if kind.startswith("bool_"):
        return "Harus berupa true atau false."
    if kind.startswith("string_") and kind != "string_type":
        if "max_length" in ctx:
            return f"Paling banyak {ctx['max_length']} karakter."
        if "min_length" in ctx:
            return f"Paling sedikit {ctx['min_length']} karakter."
        return "Teks tidak valid."
    if kind == "string_type":
        return "Harus berupa teks."
    if kind in ("list_type", "tuple_type", "set_type"):
        return "Harus berupa daftar (array)."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "Harus berupa objek JSON."
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return (
            f"Pilihan tidak dikenal. Pilihan: {expected}." if expected else "Pilihan tidak dikenal."
        )
    if kind in ("less_than_equal", "less_than"):
        return f"Nilai maksimal {ctx.get('le', ctx.get('lt'))}."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Nilai minimal {ctx.get('ge', ctx.get('gt'))}."
    if kind == "json_invalid":
        return MSG_BAD_BODY
    return "Nilai tidak valid."


def on_validation_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = api_field_name(loc_to_field(error.get("loc", ())))
        message = pydantic_message(error)
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return error_response(request, 422, MSG_INVALID, errors, {})


def on_data_error(request, exc):
    # A value the schema let through but the column cannot hold (a number beyond a
    # smallint, say): bad input, not a bug in the request's handling. Logged so the
    # missing bound gets added to the schema.
    logger.warning("API data error on %s: %s", request.path, exc)
    return error_response(request, 422, MSG_INVALID, {"__all__": [MSG_NUMBER_RANGE]}, {})


def on_integrity_error(request, exc):
    # Validation runs before every write; this is a race with a concurrent save
    # (e.g. the same NIK entered twice at once). The transaction was rolled back.
    logger.warning("API integrity error on %s: %s", request.path, exc)
    return error_response(request, 409, MSG_CONFLICT)


def on_request_failure(request, exc):
    """A malformed multipart body (400), an oversized body or too many fields (413),
    the database unreachable (503 + Retry-After): pilar.core.failures decides."""
    failure = classify(exc)
    if failure is None:
        return on_unexpected(request, exc)
    if failure.status == 503:
        logger.warning(
            "Database unavailable on %s %s: %s", request.method, request.path, one_line(exc)
        )
    response = error_response(request, failure.status, failure.message)
    if failure.retry_after is not None:
        response["Retry-After"] = str(failure.retry_after)
    return response


def on_unexpected(request, exc):
    # A bug, not bad input: logged with its traceback; the client still gets JSON.
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return error_response(request, 500, MSG_SERVER)


# Handlers in the order they were declared (ninja picks the most specific class).
HANDLERS = (
    (InvalidInput, on_invalid_input),
    (NotAllowed, on_not_allowed),
    (PermissionDenied, on_permission_denied),
    (Http404, on_not_found),
    (HttpError, on_http_error),
    (ValidationError, on_validation_error),
    (DataError, on_data_error),
    (IntegrityError, on_integrity_error),
    *((failure_type, on_request_failure) for failure_type in FAILURE_TYPES),
    (Exception, on_unexpected),
)


def install_error_handlers(api: NinjaAPI) -> None:
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)


# The error answers every endpoint declares beside its success schema.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
