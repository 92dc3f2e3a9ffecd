"""What every JSON API endpoint shares: bounded pagination, query checks, documented errors.

- ``BoundedLimitOffsetPagination``: ``limit`` 1…``MAX_LIMIT`` and ``offset`` 0…``MAX_OFFSET``;
  anything else is a 400 with a message (never a 500 from a number the database cannot hold).
- ``CheckedQueryMixin``: a query value or path value with a control character (NUL…) is a 400.
- ``add_error_responses``: a drf-spectacular postprocessing hook that documents the errors every
  operation can answer (400, 401, 403, 404, 415) with the JSON body DRF gives them.
- ``api_not_found`` / ``api_permission_denied`` / ``api_server_error``: JSON 404/403/500 for paths under /api/ (the HTML pages
  for every other path).
"""

from __future__ import annotations

import re

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from core.validation import CONTROL_RE, SURROGATE_RE

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
_WHOLE_NUMBER_RE = re.compile(r"^\d{1,12}$")


def _bounded_int(params, name: str, default: int, low: int, high: int) -> int:
    if name not in params:
        return default
    raw = params.get(name, "").strip()
    if not _WHOLE_NUMBER_RE.match(raw) or not low <= int(raw) <= high:
        raise ValidationError(
            {
                name: [
                    _("%(name)s must be a whole number from %(low)s to %(high)s.")
                    % {"name": name, "low": low, "high": high}
                ]
            }
        )
    return int(raw)


def query_int(params, name: str, *, default: int, low: int, high: int) -> int:
    """A whole-number query parameter from `low` to `high` (absent: `default`); else a 400."""
    return _bounded_int(params, name, default, low, high)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """LimitOffsetPagination whose limit and offset are checked: a bad value is a 400."""

    max_limit = MAX_LIMIT

    def get_limit(self, request):
        return _bounded_int(
            request.query_params, self.limit_query_param, self.default_limit, 1, self.max_limit
        )

    def get_offset(self, request):
        return _bounded_int(request.query_params, self.offset_query_param, 0, 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_limit})
                parameter["description"] = (
                    f"Number of results to return per page (1 to {self.max_limit}, "
                    f"default {self.default_limit})."
                )
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update({"minimum": 0, "maximum": MAX_OFFSET})
        return parameters


def bad_query_value(values) -> str | None:
    """The first value with a control character or a lone surrogate, or None."""
    for value in values:
        if isinstance(value, str) and (CONTROL_RE.search(value) or SURROGATE_RE.search(value)):
            return value
    return None


TRUE_VALUES = ("1", "true", "yes")
FALSE_VALUES = ("0", "false", "no")


def query_bool(params, name: str) -> bool:
    """A true/false query parameter (true, false, 1, 0, yes, no); anything else is a 400."""
    if name not in params:
        return False
    value = params.get(name, "").strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValidationError({name: [_("%(name)s must be true or false.") % {"name": name}]})


def query_choice(params, name: str, choices) -> str | None:
    """A query parameter that must be one of `choices` (given and empty: a 400 too)."""
    if name not in params:
        return None
    value = params.get(name, "")
    if value not in choices:
        raise ValidationError(
            {
                name: [
                    _("%(value)s is not one of: %(choices)s.")
                    % {"value": repr(value), "choices": ", ".join(sorted(choices))}
                ]
            }
        )
    return value


class CheckedQueryMixin:
    """Refuses (400) query and path values with control characters before any database read.

    A filter of `filterset_fields` given empty (``?type=``) is refused too: it filters nothing.
    """

    def initial(self, request, *args, **kwargs):
        for name, values in request.query_params.lists():
            if bad_query_value([name, *values]) is not None:
                raise ValidationError(
                    {name: [_("The value contains a control character or an invalid character.")]}
                )
            if name in (getattr(self, "filterset_fields", None) or ()) and "" in values:
                raise ValidationError({name: [_("The value cannot be empty.")]})
        for name, value in kwargs.items():
            if bad_query_value([value]) is not None:
                raise ValidationError(
                    {name: [_("The value contains a control character or an invalid character.")]}
                )
        super().initial(request, *args, **kwargs)


# ---------------------------------------------------------------- OpenAPI: documented errors

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` and/or one list of messages per field or parameter.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid query parameter or request body; the body names each problem.",
    "401": "Authentication credentials were missing or invalid.",
    "403": "Not allowed for this user.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "409": "Conflict: changed since your version, or its state forbids the change.",
    "413": "Request body too large.",
    "415": "Unsupported media type of the request body.",
}


def _error(code: str) -> dict:
    return {
        "description": ERROR_DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer.

    400 where it takes parameters or a body; 404 where the path names an object; 401 and 403
    where credentials are read (a bad token is refused even on a public endpoint); 415 (and 413)
    where it reads a body. A response the view already documents is kept as it is.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            wanted = ["400"]  # a malformed query string or body is a 400 on every endpoint
            if "{" in path:
                wanted.append("404")
            security = operation.get("security")
            if security is None or any(s for s in security):
                wanted.append("401")
            if security is not None and not any(not s for s in security):
                wanted.append("403")  # needs a user
            if method in ("put", "post", "patch"):
                wanted += ["403", "413", "415"]
            del parameters
            for code in wanted:
                responses.setdefault(code, _error(code))
            for code, response in responses.items():
                # an error the view documents by its description only gets the error body
                if code in ERROR_DESCRIPTIONS and "content" not in response:
                    response["content"] = _error(code)["content"]
    return result


# ---------------------------------------------------------------- JSON errors under /api/


def api_not_found(request, exception=None):
    """404: JSON for /api/ paths, the site's page for the rest."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def api_permission_denied(request, exception=None):
    """403: JSON for /api/ paths, the site's page for the rest."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("You do not have permission to perform this action.")}, status=403
        )
    return defaults.permission_denied(request, exception)


def api_server_error(request):
    """500: JSON for /api/ paths, the site's page for the rest."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)
