"""The leaderboard's HTTP API (docs/leaderboard.md, "The API"): routes under `/v1`, mounted at `/api`.

Every answer is JSON (the CSV export aside) with `X-Content-Type-Options: nosniff`: device strings are returned
exactly as stored and it is the pages that escape them. Errors are `{"error": code, "detail": why}` with a stable
code. Request bodies are read as a stream and refused as soon as they pass their cap, so a 10 MB body costs at most
the cap in memory. Nothing here logs a client address or a request header.
"""

from __future__ import annotations

import hmac
import logging

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from worldmodel.leaderboard import checks, export
from worldmodel.leaderboard.events import MAX_EVENT_BYTES, Event
from worldmodel.leaderboard.ratelimit import RateLimiter
from worldmodel.leaderboard.schema import describe_validation_error, parse_submission
from worldmodel.leaderboard.store import FILTERS, SORTS, Duplicate, Store

log = logging.getLogger("worldmodel.leaderboard")

MAX_SUBMISSION_BYTES = 64 * 1024
DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET = 50, 500, 10_000_000
API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
# The HTTP status of each error code a check raises.
CHECK_STATUS = {"invalid": 400, "unknown_bundle": 422, "implausible": 422, "proof_mismatch": 422}


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code}: {detail}")
        self.status, self.code, self.detail, self.headers = status, code, detail, headers or {}


def json_response(data, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={**API_HEADERS, **(headers or {})})


def error_response(error: ApiError) -> JSONResponse:
    return json_response({"error": error.code, "detail": error.detail}, error.status, error.headers)


async def read_capped_body(request: Request, cap: int) -> bytes:
    """The body, or 413 `too_large` as soon as it (declared or streamed) passes `cap` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "invalid", "Content-Length is not a number")
        if int(declared) > cap:
            raise ApiError(413, "too_large", f"body of {declared} bytes; at most {cap}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise ApiError(413, "too_large", f"body over {cap} bytes")
    return bytes(body)


def require_json(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "invalid", "Content-Type must be application/json")


class LeaderboardAPI:
    def __init__(self, store: Store, expected: dict[tuple[str, str], checks.Expected], admin_token: str | None,
                 write_limiter: RateLimiter | None, read_limiter: RateLimiter | None,
                 event_limiter: RateLimiter | None = None, analytics: bool = True):
        self.store, self.expected = store, expected
        self._admin_token = admin_token.encode("utf-8") if admin_token else None
        self.write_limiter, self.read_limiter, self.event_limiter = write_limiter, read_limiter, event_limiter
        self.analytics = analytics

    def routes(self) -> list[Route]:
        handle = self._handled
        return [
            Route("/v1/health", handle(self.health), methods=["GET"]),
            Route("/v1/results", handle(self.submit), methods=["POST"]),
            Route("/v1/results", handle(self.list_results), methods=["GET"]),
            Route("/v1/results.csv", handle(self.export_csv), methods=["GET"]),
            Route("/v1/results.json", handle(self.export_json), methods=["GET"]),
            Route("/v1/stats", handle(self.stats), methods=["GET"]),
            Route("/v1/events", handle(self.post_event), methods=["POST"]),
            Route("/v1/admin/quarantine", handle(self.quarantine), methods=["GET"]),
            Route("/v1/admin/quarantine/{id:int}/accept", handle(self.accept), methods=["POST"]),
            Route("/v1/admin/quarantine/{id:int}/reject", handle(self.reject), methods=["POST"]),
            Route("/v1/admin/events", handle(self.events), methods=["GET"]),
        ]

    @staticmethod
    def _handled(endpoint):
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except ApiError as error:
                return error_response(error)
            except SQLAlchemyError:
                log.exception("database error on %s %s", request.method, request.url.path)
                return error_response(ApiError(503, "unavailable", "the database is unavailable; try again later"))

        return run

    @staticmethod
    def _limit(limiter: RateLimiter | None, request: Request) -> None:
        if limiter is not None and not limiter.allow(request.client.host if request.client else "unknown"):
            raise ApiError(429, "rate_limited", "too many requests; slow down",
                           {"Retry-After": str(limiter.retry_after())})

    # --- public routes -------------------------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        await run_in_threadpool(self.store.ping)  # the database answers
        return json_response({"ok": True})

    async def submit(self, request: Request) -> Response:
        self._limit(self.write_limiter, request)
        require_json(request)
        body = await read_capped_body(request, MAX_SUBMISSION_BYTES)
        try:
            submission = parse_submission(body)
        except ValidationError as error:
            raise ApiError(400, "invalid", describe_validation_error(error)) from None
        try:
            checks.check_submission(submission, self.expected)
        except checks.Rejected as rejected:
            log.info("submission refused: %s", rejected.code)
            raise ApiError(CHECK_STATUS[rejected.code], rejected.code, rejected.detail) from None
        try:
            stored = await run_in_threadpool(self.store.add, submission)
        except Duplicate:
            raise ApiError(409, "duplicate", "this run (run_id) or the same result was submitted before") from None
        log.info("result %d %s", stored.id, stored.status)
        return json_response({"id": stored.id, "status": stored.status}, 201)

    @staticmethod
    def _query(request: Request, paginated: bool) -> tuple[dict[str, str], str, int, int]:
        allowed = set(FILTERS) | ({"sort", "limit", "offset"} if paginated else set())
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ApiError(400, "invalid", f"unknown query parameter {unknown[0]!r} (known: {', '.join(sorted(allowed))})")
        params = request.query_params
        filters = {name: params[name] for name in FILTERS if params.get(name)}  # empty means no filter
        if any(len(value) > 256 for value in filters.values()):
            raise ApiError(400, "invalid", "a filter value is longer than 256 characters")
        sort = params.get("sort") or "received_at"
        if sort not in SORTS:
            raise ApiError(400, "invalid", f"sort: unknown figure {sort!r} (known: {', '.join(SORTS)})")

        def integer(name: str, default: int, low: int, high: int) -> int:
            text = params.get(name) or str(default)
            if not text.isdigit() or not low <= int(text) <= high:
                raise ApiError(400, "invalid", f"{name}: an integer from {low} to {high}")
            return int(text)

        return filters, sort, integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), integer("offset", 0, 0, MAX_OFFSET)

    async def list_results(self, request: Request) -> Response:
        self._limit(self.read_limiter, request)
        filters, sort, limit, offset = self._query(request, paginated=True)
        total, rows = await run_in_threadpool(self.store.list, filters, sort, limit, offset)
        return json_response({"total": total, "limit": limit, "offset": offset, "sort": sort, "results": rows})

    async def stats(self, request: Request) -> Response:
        self._limit(self.read_limiter, request)
        filters = self._query(request, paginated=False)[0]
        groups = await run_in_threadpool(self.store.stats, filters)
        return json_response({"groups": groups, "count": sum(group["count"] for group in groups)})

    async def export_csv(self, request: Request) -> Response:
        self._limit(self.read_limiter, request)
        rows = await run_in_threadpool(self.store.export, self._query(request, paginated=False)[0])
        return Response(export.results_csv(rows), media_type="text/csv; charset=utf-8", headers={
            **API_HEADERS, "Content-Disposition": 'attachment; filename="worldmodel-leaderboard.csv"'})

    async def export_json(self, request: Request) -> Response:
        self._limit(self.read_limiter, request)
        rows = await run_in_threadpool(self.store.export, self._query(request, paginated=False)[0])
        return json_response({"results": export.results_json(rows)}, headers={
            "Content-Disposition": 'attachment; filename="worldmodel-leaderboard.json"'})

    async def post_event(self, request: Request) -> Response:
        if not self.analytics:
            raise ApiError(404, "not_found", "analytics are off on this server")
        self._limit(self.event_limiter, request)
        require_json(request)
        try:
            event = Event.model_validate_json(await read_capped_body(request, MAX_EVENT_BYTES))
        except ValidationError as error:
            raise ApiError(400, "invalid", describe_validation_error(error)) from None
        await run_in_threadpool(self.store.count_event, event.kind, event.count)
        return json_response({"ok": True}, 202)

    # --- admin routes --------------------------------------------------------------------------------------------

    def _authorize(self, request: Request) -> None:
        if self._admin_token is None:  # no token configured: the admin API does not exist
            raise ApiError(404, "not_found", "no such route")
        self._limit(self.write_limiter, request)  # also slows down guessing
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("utf-8"), self._admin_token):
            raise ApiError(401, "unauthorized", "Authorization: Bearer <WORLDMODEL_LEADERBOARD_TOKEN> required",
                           {"WWW-Authenticate": "Bearer"})

    async def quarantine(self, request: Request) -> Response:
        self._authorize(request)
        return json_response({"results": await run_in_threadpool(self.store.quarantined)})

    async def _review(self, request: Request, accept: bool) -> Response:
        self._authorize(request)
        result_id = request.path_params["id"]
        if not await run_in_threadpool(self.store.review, result_id, accept):
            raise ApiError(404, "not_found", f"no quarantined result {result_id}")
        status = "accepted" if accept else "rejected"
        log.info("quarantined result %d %s by the admin", result_id, status)
        return json_response({"id": result_id, "status": status})

    async def accept(self, request: Request) -> Response:
        return await self._review(request, accept=True)

    async def reject(self, request: Request) -> Response:
        return await self._review(request, accept=False)

    async def events(self, request: Request) -> Response:
        self._authorize(request)
        return json_response({"events": await run_in_threadpool(self.store.event_counts)})


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own 404/405 as the API's JSON errors."""
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "invalid")
    return error_response(ApiError(exc.status_code, code, str(exc.detail), dict(exc.headers or {})))
