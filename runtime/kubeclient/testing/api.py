"""Request routing of the fake server, independent of the HTTP shell: discovery and OpenAPI documents, health,
and the resource verbs (get/list/watch/create/update/patch/delete/deletecollection, status and scale)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from kubeclient.apidocs import Resource
from kubeclient.testing import discovery
from kubeclient.testing.auth import User
from kubeclient.testing.content import JSON, YAML, Output, negotiate
from kubeclient.testing.decoding import loads_tracking
from kubeclient.testing.faults import FaultRequest, Faults
from kubeclient.testing.fieldmanager import manager_from_user_agent
from kubeclient.testing.objects import Ctx, Objects, gv, rkey
from kubeclient.testing.patch import PatchRequest
from kubeclient.testing.patch import patch as patch_verb
from kubeclient.testing.registry import Registry
from kubeclient.testing.rules import dry_run
from kubeclient.testing.scale import apply_scale, scale_of
from kubeclient.testing.selectors import parse_selection
from kubeclient.testing.status import (
    APIStatus,
    Cause,
    bad_request,
    conflict,
    forbidden,
    invalid,
    method_not_allowed,
    not_acceptable,
    path_not_found,
    stale,
    unauthorized,
    unsupported_media_type,
)
from kubeclient.testing.storage import Store, TooOld
from kubeclient.testing.subresources import is_partial
from kubeclient.testing.tables import partial_metadata, partial_metadata_list, table
from kubeclient.testing.watch import Watcher, line, stream
from kubeclient.testing.wire import (
    PROTOBUF,
    WATCH_PROTOBUF,
    answer_protobuf,
    default_codec,
    protobuf_body,
    watch_encoder,
    watch_protobuf,
)

LOG = logging.getLogger("kubeclient.testing")
ANONYMOUS_PATHS = ("healthz", "readyz", "livez", "version")
MAX_BODY = 3 * 1024 * 1024  # kube-apiserver's --max-request-body-bytes default
# What Go's mux answers for a path no API group serves: plain text, not a Status.
PAGE_NOT_FOUND = (404, b"404 page not found\n", "text/plain; charset=utf-8")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    user: User | None

    def param(self, key: str, default: str = "") -> str:
        values = self.query.get(key)
        return values[0] if values else default

    def header(self, key: str) -> str:
        return str(self.headers.get(key.lower()) or "")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunks: Iterator[bytes] | None = None  # set for streamed (watch) answers
    # set for 101 Switching Protocols: given the connection's socket and buffered reader, serves the new protocol
    upgrade: Callable[[Any, Any], None] | None = None


def json_response(status: int, obj: Any, content_type: str = JSON, warnings: list[str] | None = None) -> Response:
    headers = [("Warning", f"299 - {json.dumps(w)}") for w in warnings or []]
    return Response(status, json.dumps(obj, separators=(",", ":")).encode(), content_type, headers)


def status_response(err: APIStatus) -> Response:
    resp = json_response(err.code, err.body(), warnings=err.warnings)
    if err.retry_after is not None:
        resp.headers.append(("Retry-After", str(err.retry_after)))
    return resp


def _bool(value: str) -> bool | None:
    if value == "":
        return None
    return value.lower() in ("true", "1")


@dataclass(frozen=True)
class Target:
    res: Resource
    namespace: str
    name: str
    subresource: str
    watch_path: bool


class API:
    def __init__(
        self,
        registry: Registry,
        store: Store,
        faults: Faults,
        *,
        server_address: str,
        bookmark_interval: float,
        watch_timeout: float,
    ) -> None:
        self.registry = registry
        self.store = store
        self.objects = Objects(registry, store)
        self.faults = faults
        self.server_address = server_address
        self.bookmark_interval = bookmark_interval
        self.watch_timeout = watch_timeout
        self.stopping = threading.Event()
        self._watchers_lock = threading.Lock()
        self.watchers: set[Watcher] = set()
        from kubeclient.testing.streaming import StreamingPods

        self.streaming = StreamingPods()

    # entry point

    def handle(self, req: Request) -> Response:
        try:
            return answer_protobuf(req.header("Accept"), self._handle(req))
        except APIStatus as err:
            return answer_protobuf(req.header("Accept"), status_response(err))
        except Exception as exc:
            # A bug in the fake must surface as the 500 a panicking apiserver sends, not as a dropped connection.
            LOG.exception("fake apiserver: %s %s failed", req.method, req.path)
            cause = f"{type(exc).__name__}: {exc}"
            return status_response(
                APIStatus(500, "InternalError", f"Internal error occurred: {cause}", {"causes": [{"message": cause}]})
            )

    def _handle(self, req: Request) -> Response:
        segments = [s for s in req.path.split("/") if s]
        if req.user is None and not (segments and segments[0] in ANONYMOUS_PATHS):
            raise unauthorized()
        if len(req.body) > MAX_BODY:
            raise APIStatus(413, "RequestEntityTooLarge", f"Request entity too large: limit is {MAX_BODY}")
        if len(segments) > 1 and segments[0] == "apis" and not self._group_served(segments[1:3]):
            return Response(*PAGE_NOT_FOUND)
        target = self._resource_target(segments) if self._is_resource_path(segments) else None
        verb = self._verb(req, target) if target else req.method.lower()
        delay, failure = self.faults.check(FaultRequest(req.method, req.path, req.query, verb))
        if delay:
            time.sleep(delay)
        if failure is not None:
            raise failure
        if target is None:
            return self._non_resource(req, segments)
        return self._resource(req, target, verb)

    # non-resource paths

    def _group_served(self, group_version: list[str]) -> bool:
        served = {g.name: g.versions for g in self.registry.groups()}
        if group_version[0] not in served:
            return False
        return len(group_version) < 2 or group_version[1] in served[group_version[0]]

    @staticmethod
    def _is_resource_path(segments: list[str]) -> bool:
        return (len(segments) > 2 and segments[0] == "api") or (len(segments) > 3 and segments[0] == "apis")

    def _non_resource(self, req: Request, segments: list[str]) -> Response:
        if req.method not in ("GET", "HEAD"):
            raise method_not_allowed()
        if not segments:
            paths = [
                "/api",
                "/api/v1",
                "/apis",
                "/healthz",
                "/livez",
                "/openapi/v2",
                "/openapi/v3",
                "/readyz",
                "/version",
            ]
            return json_response(200, {"paths": paths})
        head = segments[0]
        if head in ("healthz", "readyz", "livez"):
            return Response(200, b"ok", "text/plain; charset=utf-8")
        if segments == ["version"]:
            return json_response(200, discovery.version_info(self.registry))
        if head == "openapi":
            return self._openapi(req, segments[1:])
        if head == "api":
            if len(segments) == 1:
                out = negotiate(req.header("Accept"), is_list=False, aggregated_ok=True)
                if out.form == "aggregated":
                    return json_response(200, discovery.aggregated(self.registry, core=True), out.media)
                return json_response(200, discovery.api_versions(self.server_address))
            if segments == ["api", "v1"]:
                return json_response(200, discovery.resource_list(self.registry, "", "v1"))
        if head == "apis":
            if len(segments) == 1:
                out = negotiate(req.header("Accept"), is_list=False, aggregated_ok=True)
                if out.form == "aggregated":
                    return json_response(200, discovery.aggregated(self.registry, core=False), out.media)
                return json_response(200, discovery.api_group_list(self.registry))
            if len(segments) == 2:
                doc = discovery.api_group(self.registry, segments[1])
                if doc is not None:
                    return json_response(200, doc)
            if len(segments) == 3:
                doc = discovery.resource_list(self.registry, segments[1], segments[2])
                if doc is not None:
                    return json_response(200, doc)
        raise path_not_found()

    def _openapi(self, req: Request, rest: list[str]) -> Response:
        accept = req.header("Accept")
        if accept and not any(m in accept for m in ("application/json", "*/*")):
            raise not_acceptable(["application/json"])  # the fake has no protobuf encoding of the documents
        if rest == ["v2"]:
            swagger = self.registry.docs.swagger_raw()
            if swagger is None:
                raise path_not_found()
            return json_response(200, swagger)
        if rest == ["v3"]:
            # kube-apiserver labels the index text/plain although it is JSON.
            return json_response(200, discovery.openapi_index(self.registry), "text/plain; charset=utf-8")
        if len(rest) > 1 and rest[0] == "v3":
            doc = self.registry.openapi_raw("/".join(rest[1:]))
            if doc is not None:
                return json_response(200, doc)
            return Response(404, b"", "")  # the OpenAPI handler answers an unknown group-version with nothing
        raise path_not_found()

    # resource paths

    def _resource_target(self, segments: list[str]) -> Target:
        if segments[0] == "api":
            group, version, rest = "", segments[1], segments[2:]
        else:
            group, version, rest = segments[1], segments[2], segments[3:]
        watch_path = rest[0] == "watch"
        if watch_path:
            rest = rest[1:]
        namespace = ""
        if len(rest) >= 3 and rest[0] == "namespaces" and not (len(rest) == 3 and rest[2] in ("status", "finalize")):
            namespace, rest = rest[1], rest[2:]
        if not rest or (len(rest) > 3 and rest[2] != "proxy"):  # proxy paths go on: .../{name}/proxy/{path}
            raise path_not_found()
        res = self.registry.lookup(group, version, rest[0])
        if res is None or (namespace and not res.namespaced):
            raise path_not_found()
        name = rest[1] if len(rest) > 1 else ""
        sub = rest[2] if len(rest) > 2 else ""
        if sub and sub not in res.subresources:
            raise path_not_found()
        if res.namespaced and not namespace and name:
            raise path_not_found()  # objects of namespaced resources live only under /namespaces/{namespace}/
        return Target(res, namespace, name, sub, watch_path)

    def _verb(self, req: Request, t: Target) -> str:
        m = req.method
        if m == "GET":
            if t.watch_path or _bool(req.param("watch")):
                return "watch"
            return "get" if t.name else "list"
        if m == "POST":
            return "create"
        if m == "PUT":
            return "update"
        if m == "PATCH":
            return "patch"
        if m == "DELETE":
            return "delete" if t.name else "deletecollection"
        raise method_not_allowed()

    def _resource(self, req: Request, t: Target, verb: str) -> Response:
        res = t.res
        if t.subresource == "proxy" and res.group == "":
            return self.streaming.proxy(req, self.objects, res, t.namespace, t.name)
        if res.group == "" and res.plural == "pods" and t.subresource in ("exec", "attach", "portforward"):
            pod = self.objects.get_live(Ctx(res=res, namespace=t.namespace, manager=""), t.name)
            return self.streaming.serve(req, pod, t.subresource, t.namespace, t.name)
        allowed = res.subresources[t.subresource].verbs if t.subresource else res.verbs
        create_mismatch = verb == "create" and bool(t.name) != bool(t.subresource)
        # The all-namespaces path of a namespaced resource only lists and watches.
        across = res.namespaced and not t.namespace and verb not in ("list", "watch")
        if verb not in allowed or create_mismatch or across or (verb in ("update", "patch") and not t.name):
            raise method_not_allowed()
        assert req.user is not None
        if not req.user.allows(verb):
            plural = f"{res.plural}/{t.subresource}" if t.subresource else res.plural
            raise forbidden(req.user.name, verb, res.group, plural, name=t.name, namespace=t.namespace)
        options = self._delete_options(req) if verb in ("delete", "deletecollection") else {}
        options_kind = {"create": "CreateOptions", "update": "UpdateOptions", "patch": "PatchOptions"}.get(verb)
        bad_dry_run = dry_run(req.query.get("dryRun", []), options_kind or "DeleteOptions")
        if bad_dry_run:
            raise invalid(options_kind or "DeleteOptions", "meta.k8s.io", "", bad_dry_run)
        ctx = Ctx(
            res=res,
            namespace=t.namespace,
            manager=req.param("fieldManager") or manager_from_user_agent(req.header("User-Agent")),
            dry_run="All" in req.query.get("dryRun", []) or "All" in (options.get("dryRun") or []),
            field_validation=self._field_validation(req),
        )
        if verb == "get":
            return self._get(req, ctx, t)
        if verb == "list":
            return self._list(req, ctx)
        if verb == "watch":
            return self._watch(req, ctx, t)
        if verb == "create" and t.subresource:
            return self._create_subresource(ctx, t, self._json_body(req))
        if verb == "create":
            obj = self.objects.create(ctx, self._json_body(req))
            return json_response(201, self.objects.render(res, obj), warnings=ctx.warnings)
        modelled = t.subresource in ("", "status", "scale") or is_partial(res, t.subresource)
        if verb in ("update", "patch") and not modelled:
            raise method_not_allowed()  # approval, ...: not modelled by the fake
        if verb == "update":
            if t.subresource == "scale":
                return json_response(200, self._update_scale(ctx, t.name, self._json_body(req)))
            obj = self.objects.update(ctx, t.name, self._json_body(req), t.subresource)
            return json_response(200, self.objects.render(res, obj), warnings=ctx.warnings)
        if verb == "patch":
            code, obj = patch_verb(
                self.objects,
                PatchRequest(ctx, t.name, req.header("Content-Type"), req.body, req.query, t.subresource),
            )
            body = obj if t.subresource == "scale" else self.objects.render(res, obj)
            out = negotiate(req.header("Accept"), is_list=False)
            if out.form == "metadata" and t.subresource != "scale":
                return json_response(code, partial_metadata(body, out.version), out.media, warnings=ctx.warnings)
            return json_response(code, body, warnings=ctx.warnings)
        if verb == "delete":
            code, body = self.objects.delete(ctx, t.name, options)
            return json_response(code, body)
        selection = parse_selection(
            req.param("labelSelector"), req.param("fieldSelector"), res.group, res.plural, res.namespaced
        )
        return json_response(200, self.objects.delete_collection(ctx, selection, options))

    @staticmethod
    def _field_validation(req: Request) -> str:
        value = req.param("fieldValidation") or "Warn"
        if value not in ("Strict", "Warn", "Ignore"):
            supported = '"Ignore", "Strict", "Warn"'
            cause = Cause(
                "FieldValueNotSupported",
                f'Unsupported value: "{value}": supported values: {supported}',
                "fieldValidation",
            )
            raise invalid("CreateOptions", "meta.k8s.io", "", [cause])
        return value

    @staticmethod
    def _json_body(req: Request) -> Any:
        """The request body decoded by Content-Type: JSON, YAML, or protobuf for built-in kinds (not CBOR)."""
        media = req.header("Content-Type").split(";", maxsplit=1)[0].strip().lower()
        if media == PROTOBUF and default_codec() is not None:
            return protobuf_body(req.body)
        if media not in ("", "application/json", "application/yaml", "*/*"):
            raise unsupported_media_type(["application/json", "application/yaml", PROTOBUF])
        try:
            if media == "application/yaml":
                return yaml.safe_load(req.body.decode("utf-8")) if req.body.strip() else None
            return loads_tracking(req.body or b"null")
        except (ValueError, yaml.YAMLError) as exc:
            raise bad_request(f"the object provided is unrecognized: {exc}") from None

    def _delete_options(self, req: Request) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if req.body.strip():
            body = self._json_body(req)
            if not isinstance(body, dict):
                raise bad_request("the body of a delete must be DeleteOptions")
            options.update(body)
        for key in ("gracePeriodSeconds", "propagationPolicy"):
            if req.param(key):
                options[key] = req.param(key)
        if "dryRun" in req.query:
            options["dryRun"] = req.query["dryRun"]
        if options.get("gracePeriodSeconds") is not None:
            try:
                options["gracePeriodSeconds"] = int(options["gracePeriodSeconds"])
            except (TypeError, ValueError):
                raise bad_request("gracePeriodSeconds: expected an integer") from None
        return options

    # reads

    def _get(self, req: Request, ctx: Ctx, t: Target) -> Response:
        live = self.objects.get_live(ctx, t.name)
        if t.subresource == "scale":
            return json_response(200, scale_of(self.registry, ctx.res, live))
        if t.subresource == "log":
            return Response(200, b"", "text/plain")  # no kubelet: containers have written nothing
        if t.subresource and t.subresource != "status":
            sub = ctx.res.subresources[t.subresource]
            if sub.kind is None or sub.kind.kind != ctx.res.kind:
                raise method_not_allowed()  # exec, attach, portforward, proxy: streaming the fake does not serve
        out = negotiate(req.header("Accept"), is_list=False)
        obj = self.objects.render(ctx.res, live)
        if out.form == "table":
            meta = {"resourceVersion": live["metadata"].get("resourceVersion", "")}
            return json_response(200, self._table([obj], meta, ctx, req, out), out.media)
        if out.form == "metadata":
            return json_response(200, partial_metadata(obj, out.version), out.media)
        if out.media == YAML:
            return Response(200, yaml.safe_dump(obj, default_flow_style=False).encode(), YAML)
        return json_response(200, obj)

    def _table(
        self, items: list[dict[str, Any]], meta: dict[str, Any], ctx: Ctx, req: Request, out: Output
    ) -> dict[str, Any]:
        return table(
            items,
            meta,
            group=ctx.res.group,
            plural=ctx.res.plural,
            crd_version=self.registry.crd_version(ctx.res),
            include_object=req.param("includeObject", "Metadata"),
            version=out.version,
        )

    def _list(self, req: Request, ctx: Ctx) -> Response:
        res = ctx.res
        out = negotiate(req.header("Accept"), is_list=True)
        selection = parse_selection(
            req.param("labelSelector"), req.param("fieldSelector"), res.group, res.plural, res.namespaced
        )
        rv, match = req.param("resourceVersion"), req.param("resourceVersionMatch")
        if match and not rv:
            raise invalid(
                "ListOptions",
                "meta.k8s.io",
                "",
                [
                    Cause(
                        "FieldValueForbidden",
                        "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                        "resourceVersionMatch",
                    )
                ],
            )
        if match not in ("", "Exact", "NotOlderThan"):
            raise invalid(
                "ListOptions",
                "meta.k8s.io",
                "",
                [
                    Cause(
                        "FieldValueNotSupported",
                        f'Unsupported value: "{match}": supported values: "Exact", "NotOlderThan"',
                        "resourceVersionMatch",
                    )
                ],
            )
        try:
            limit = int(req.param("limit") or 0)
        except ValueError:
            raise bad_request(f"limit: invalid value {req.param('limit')!r}") from None
        items, list_meta = self.objects.list(
            ctx, selection, resource_version=rv, match=match, limit=max(limit, 0), continue_token=req.param("continue")
        )
        if self.registry.is_custom(res) and out.form == "object":
            list_meta.setdefault("continue", "")  # unstructured lists spell out the empty token
        rendered = [self.objects.render(res, o, in_list=out.form == "object") for o in items]
        if out.form == "table":
            return json_response(200, self._table(rendered, list_meta, ctx, req, out), out.media)
        if out.form == "metadata":
            return json_response(200, partial_metadata_list(rendered, list_meta, out.version), out.media)
        body = {"kind": self.objects.list_kind(res), "apiVersion": gv(res), "metadata": list_meta, "items": rendered}
        if out.media == YAML:
            return Response(200, yaml.safe_dump(body, default_flow_style=False).encode(), YAML)
        return json_response(200, body)

    # watch

    def _watch(self, req: Request, ctx: Ctx, t: Target) -> Response:
        res = ctx.res
        protobuf = watch_protobuf(req.header("Accept"), gv(res), res.kind)
        out = Output(protobuf, WATCH_PROTOBUF) if protobuf else negotiate(req.header("Accept"), is_list=False)
        encode = watch_encoder() if protobuf else line
        # A watch names only its stream's encoding, whatever form (Table, PartialObjectMetadata) the events take.
        media = WATCH_PROTOBUF if protobuf else JSON
        field_text = req.param("fieldSelector")
        if t.name:
            field_text = ",".join(x for x in (field_text, f"metadata.name={t.name}") if x)
        selection = parse_selection(req.param("labelSelector"), field_text, res.group, res.plural, res.namespaced)
        rv, match = req.param("resourceVersion"), req.param("resourceVersionMatch")
        send_initial = _bool(req.param("sendInitialEvents"))
        bookmarks = bool(_bool(req.param("allowWatchBookmarks")))
        # apimachinery's validateWatchOptions, in its order.
        causes = []
        if send_initial is not None and match != "NotOlderThan":
            causes.append(
                Cause(
                    "FieldValueForbidden",
                    "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                    "resourceVersionMatch",
                )
            )
        if match and send_initial is None:
            causes.append(
                Cause(
                    "FieldValueForbidden",
                    "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                    "resourceVersionMatch",
                )
            )
        if match and match != "NotOlderThan":
            causes.append(
                Cause(
                    "FieldValueNotSupported",
                    f'Unsupported value: "{match}": supported values: "NotOlderThan"',
                    "resourceVersionMatch",
                )
            )
        if match and req.param("continue"):
            causes.append(
                Cause(
                    "FieldValueForbidden",
                    "Forbidden: resourceVersionMatch is forbidden when continue is provided",
                    "resourceVersionMatch",
                )
            )
        if causes:
            raise invalid("ListOptions", "meta.k8s.io", "", causes)
        try:
            timeout = float(req.param("timeoutSeconds") or self.watch_timeout)
        except ValueError:
            raise bad_request("timeoutSeconds: expected an integer") from None
        namespace = ctx.namespace if res.namespaced and ctx.namespace else None
        watcher = Watcher(rkey(res), namespace, selection)

        headers_sent = False

        def render(obj: dict[str, Any]) -> dict[str, Any]:
            nonlocal headers_sent
            full = self.objects.render(res, obj)
            if out.form == "metadata":
                return partial_metadata(full, out.version)
            if out.form == "table":
                meta = {"resourceVersion": full["metadata"].get("resourceVersion", "")}
                rows = self._table([full], meta, ctx, req, out)
                if headers_sent:
                    # kube-apiserver sends the column definitions with the first Table of a watch only.
                    rows["columnDefinitions"] = None
                headers_sent = True
                return rows
            return full

        def bookmark(at: int, initial_end: bool) -> dict[str, Any]:
            meta: dict[str, Any] = {"resourceVersion": str(at)}
            if initial_end:
                meta["annotations"] = {"k8s.io/initial-events-end": "true"}
            if out.form == "metadata":
                return {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{out.version}", "metadata": meta}
            return {"kind": res.kind, "apiVersion": gv(res), "metadata": meta}

        initial: list[tuple[str, dict[str, Any]]] = []
        end_rv: int | None = None
        with self.store.lock:
            try:
                if send_initial or (send_initial is None and rv in ("", "0")):
                    items, snap = self.store.snapshot(rkey(res), namespace)
                    initial = [("ADDED", o) for o in items if selection.matches(o)]
                    backlog, _ = self.store.subscribe(watcher, None)
                    start = snap
                    end_rv = snap if send_initial else None
                else:
                    since = self.store.rv if rv in ("", "0") else self._rv(rv)
                    backlog, _ = self.store.subscribe(watcher, since)
                    start = since
            except TooOld as exc:
                error = APIStatus(410, "Expired", str(exc))
                return Response(200, content_type=media, chunks=iter([encode("ERROR", error.body())]))
        with self._watchers_lock:
            self.watchers.add(watcher)

        def chunks() -> Iterator[bytes]:
            try:
                yield from stream(
                    watcher,
                    initial=initial,
                    backlog=backlog,
                    start_rv=start,
                    render=render,
                    bookmark=bookmark if bookmarks else None,
                    initial_end_rv=end_rv,
                    deadline=time.monotonic() + timeout,
                    bookmark_interval=self.bookmark_interval,
                    stopping=self.stopping,
                    encode=encode,
                )
            finally:
                self.store.unsubscribe(watcher)
                with self._watchers_lock:
                    self.watchers.discard(watcher)

        return Response(200, content_type=media, chunks=chunks())

    @staticmethod
    def _rv(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise bad_request(f"invalid resource version: {text}") from None

    # subresources that act (POST .../{name}/{subresource})

    def _create_subresource(self, ctx: Ctx, t: Target, body: Any) -> Response:
        """pods/eviction deletes the pod (no disruption budgets are checked); pods/binding sets spec.nodeName."""
        if not isinstance(body, dict):
            raise bad_request("the object provided is unrecognized")
        key = (ctx.res.group, ctx.res.plural, t.subresource)
        success = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
        if key == ("", "pods", "eviction"):
            self.objects.delete(ctx, t.name, body.get("deleteOptions") or {})
            return json_response(201, success)
        if key == ("", "pods", "binding"):
            node = str((body.get("target") or {}).get("name") or "")
            with self.store.lock:
                live = self.objects.get_live(ctx, t.name)
                if (live.get("spec") or {}).get("nodeName"):
                    why = f'pod {t.name} is already assigned to node "{live["spec"]["nodeName"]}"'
                    raise conflict(ctx.res.group, ctx.res.plural, t.name, why)
                new = json.loads(json.dumps(live))
                new.setdefault("spec", {})["nodeName"] = node
                self.objects.write(ctx, live, new, "binding")
            return json_response(201, success)
        raise method_not_allowed()

    # scale

    def _update_scale(self, ctx: Ctx, name: str, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("the object provided is unrecognized (must be of type Scale)")
        with self.store.lock:
            live = self.objects.get_live(ctx, name)
            rv = (body.get("metadata") or {}).get("resourceVersion")
            if rv and rv != live["metadata"].get("resourceVersion"):
                raise stale(ctx.res.group, ctx.res.plural, name)
            new = apply_scale(self.registry, ctx.res, json.loads(json.dumps(live)), body)
            stored = self.objects.write(ctx, live, new, "scale")
            return scale_of(self.registry, ctx.res, stored)

    # fault controls

    def open_watchers(self) -> list[Watcher]:
        with self._watchers_lock:
            return list(self.watchers)
