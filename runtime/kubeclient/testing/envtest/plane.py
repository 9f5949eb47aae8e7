"""`ControlPlane`: a real etcd + kube-apiserver for tests, controller-runtime's envtest for Python.

    with ControlPlane() as cp:                       # binaries from KUBEBUILDER_ASSETS, or assets=DIR
        cfg = cp.config()                            # admin (system:masters), TLS verified against cp.ca_pem
        viewer = cp.add_user("viewer", groups=["readers"])
        cp.install_crds(["crds/"])                   # returns when Established, in discovery and in OpenAPI v3

Everything lives in a throw-away directory (data, certificates, kubeconfigs, logs) removed on stop. Ports are free
loopback ports. Stopping sends SIGTERM to kube-apiserver and waits for it before stopping etcd: the other order
leaves kube-apiserver hanging in shutdown. A bare control plane runs no controllers, scheduler or kubelet: pods
never run, nothing is garbage collected and namespaces stay Terminating once deleted. `kubelet_stub=True` starts
the kubelet streaming stub (exec, attach, port-forward, logs) with a Node wired to it.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import dataclasses
import os
import shutil
import ssl
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import yaml

from kubeclient.config import Config
from kubeclient.errors import StatusError
from kubeclient.testing.envtest.assets import Assets, find_assets
from kubeclient.testing.envtest.errors import ControlPlaneError
from kubeclient.testing.envtest.pki import CertificateAuthority, KeyPair, service_account_keys
from kubeclient.testing.envtest.process import Process, free_port

ADMIN = "admin"
MASTERS = "system:masters"
DEFAULT_START_TIMEOUT = 60.0
APISERVER_STOP_TIMEOUT = 15.0
ETCD_STOP_TIMEOUT = 5.0
READY_POLL = 0.05
# Everything at Metadata level: who did what to which object, without bodies (which may hold secrets).
DEFAULT_AUDIT_POLICY = {"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "rules": [{"level": "Metadata"}]}

_live: weakref.WeakSet[ControlPlane] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for plane in list(_live):
        with contextlib.suppress(Exception):
            plane.stop()


@dataclass(frozen=True)
class ControlPlaneUser:
    """A user of the control plane: authenticated by a client certificate (CN = name, O = groups) or a token."""

    name: str
    groups: tuple[str, ...]
    config: Config
    kubeconfig_path: Path
    certificate: KeyPair | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


class ControlPlane:
    """A running etcd + kube-apiserver (see the module docstring). Use it as a context manager, sync or async."""

    def __init__(
        self,
        assets: str | os.PathLike[str] | None = None,
        *,
        apiserver_args: Sequence[str] = (),
        feature_gates: Mapping[str, bool] | None = None,
        audit_log: bool = False,
        audit_policy: Mapping[str, Any] | None = None,
        etcd_args: Sequence[str] = (),
        token_users: Mapping[str, Sequence[str]] | None = None,
        kubelet_stub: bool = False,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self.assets: Assets = find_assets(assets)
        if kubelet_stub and self.assets.kubelet_stub is None:
            raise ControlPlaneError(f"kubelet_stub=True needs kubelet-streaming-stub in {self.assets.directory}")
        self.apiserver_args = list(apiserver_args)
        self.feature_gates = dict(feature_gates or {})
        self.audit_log = audit_log
        self.audit_policy = dict(audit_policy or DEFAULT_AUDIT_POLICY)
        self.etcd_args = list(etcd_args)
        self.start_timeout = start_timeout
        self._with_kubelet_stub = kubelet_stub
        self._lock = threading.RLock()
        self._dir: Path | None = None
        self._ca = CertificateAuthority()
        self._users: dict[str, ControlPlaneUser] = {}
        # kube-apiserver reads its token file once, at start: token users are known up front.
        self._token_users = {
            name: (base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("="), tuple(groups))
            for name, groups in (token_users or {}).items()
        }
        self._admin_cert: KeyPair | None = None
        self._etcd: Process | None = None
        self._apiserver: Process | None = None
        self._stub: Any = None
        self.etcd_port = 0
        self.port = 0
        self.started_in: float | None = None
        self.stopped_in: float | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------------

    def start(self) -> ControlPlane:
        with self._lock:
            if self._apiserver is not None:
                return self
            self._spawn()
            try:
                self._wait_ready_sync(time.monotonic() + self.start_timeout)
                self._after_ready()
            except BaseException:
                self.stop()
                raise
            return self

    async def astart(self) -> ControlPlane:
        """`start` for asyncio: processes are spawned on the event loop's thread (they live as long as it does);
        readiness is awaited without blocking the loop."""
        with self._lock:
            if self._apiserver is not None:
                return self
            self._spawn()
        try:
            await self._wait_ready_async(time.monotonic() + self.start_timeout)
            await asyncio.to_thread(self._after_ready)
        except BaseException:
            await asyncio.to_thread(self.stop)
            raise
        return self

    def stop(self) -> None:
        """Stop kube-apiserver, then etcd, and remove the working directory; safe to call twice."""
        with self._lock:
            began = time.monotonic()
            if self._stub is not None:
                self._stub.stop()
                self._stub = None
            for proc, timeout in ((self._apiserver, APISERVER_STOP_TIMEOUT), (self._etcd, ETCD_STOP_TIMEOUT)):
                if proc is not None:
                    proc.stop(timeout)
            if self._apiserver is not None or self._etcd is not None:
                self.stopped_in = time.monotonic() - began
            self._apiserver = self._etcd = None
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None
            self._users.clear()
            _live.discard(self)

    def restart_apiserver(self) -> None:
        """Stop kube-apiserver and start it again on the same port and etcd: clients see their connections and
        watches end, then the same data (an upgrade or a crash of the API server)."""
        with self._lock:
            if self._apiserver is None:
                raise ControlPlaneError("the control plane is not running")
            self._apiserver.stop(APISERVER_STOP_TIMEOUT)
            self._apiserver = self._process("kube-apiserver", self._apiserver_argv())
            self._apiserver.start()
            self._wait_ready_sync(time.monotonic() + self.start_timeout)

    def compact(self) -> int:
        """Compact etcd's history up to its current revision (what kube-apiserver does every 5 minutes) and return
        that revision: list continue tokens and watches from older resourceVersions then answer 410 Expired."""
        if self._etcd is None:
            raise ControlPlaneError("the control plane is not running")
        with httpx.Client(base_url=f"http://127.0.0.1:{self.etcd_port}", timeout=10.0) as etcd:
            # etcd's JSON gateway: any read returns the store's current revision in its header.
            head = etcd.post("/v3/kv/range", json={"key": base64.b64encode(b"/").decode(), "limit": 1})
            head.raise_for_status()
            revision = int(head.json()["header"]["revision"])
            done = etcd.post("/v3/kv/compaction", json={"revision": str(revision), "physical": True})
            if done.status_code != 200 and "compacted" not in done.text:
                raise ControlPlaneError(f"etcd compaction to {revision} failed: {done.status_code} {done.text}")
        return revision

    def __enter__(self) -> ControlPlane:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> ControlPlane:
        return await self.astart()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    def __repr__(self) -> str:
        state = f"url={self.url!r}" if self.running else "stopped"
        return f"ControlPlane({state}, assets={str(self.assets.directory)!r})"

    @property
    def running(self) -> bool:
        return self._apiserver is not None and self._apiserver.running

    # -- what tests use --------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_pem(self) -> bytes:
        """The CA that signed the serving certificate (and the client certificates)."""
        return self._ca.cert_pem

    @property
    def work_dir(self) -> Path:
        if self._dir is None:
            raise ControlPlaneError("the control plane is not running")
        return self._dir

    @property
    def apiserver_log(self) -> Path:
        return self.work_dir / "kube-apiserver.log"

    @property
    def audit_log_path(self) -> Path | None:
        return self.work_dir / "audit.log" if self.audit_log else None

    @property
    def kubectl(self) -> Path | None:
        """kubectl from the assets directory, if it has one."""
        return self.assets.kubectl

    @property
    def kubeconfig_path(self) -> Path:
        """The admin's kubeconfig file (mode 0600; it holds the admin's key)."""
        return self.user(ADMIN).kubeconfig_path

    def user(self, name: str = ADMIN) -> ControlPlaneUser:
        try:
            return self._users[name]
        except KeyError:
            known = ", ".join(sorted(self._users)) or "none (not started)"
            raise ControlPlaneError(f"no user {name!r} on this control plane (known: {known})") from None

    def config(self, user: str | ControlPlaneUser | None = None, *, namespace: str = "default") -> Config:
        """A ready client Config for `user` (default: the admin)."""
        who = user if isinstance(user, ControlPlaneUser) else self.user(user or ADMIN)
        return _with_namespace(who.config, namespace)

    def kubeconfig(self, user: str | ControlPlaneUser | None = None) -> dict[str, Any]:
        who = user if isinstance(user, ControlPlaneUser) else self.user(user or ADMIN)
        credentials: dict[str, str] = {}
        if who.token is not None:
            credentials["token"] = who.token
        elif who.certificate is not None:
            credentials["client-certificate-data"] = base64.b64encode(who.certificate.cert_pem).decode()
            credentials["client-key-data"] = base64.b64encode(who.certificate.key_pem).decode()
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": "envtest",
                    "cluster": {
                        "server": self.url,
                        "certificate-authority-data": base64.b64encode(self.ca_pem).decode(),
                    },
                }
            ],
            "users": [{"name": who.name, "user": credentials}],
            "contexts": [
                {"name": "envtest", "context": {"cluster": "envtest", "user": who.name, "namespace": "default"}}
            ],
            "current-context": "envtest",
            "preferences": {},
        }

    def write_kubeconfig(self, path: str | os.PathLike[str], user: str | ControlPlaneUser | None = None) -> Path:
        """Write a kubeconfig for `user` (default: the admin) to `path`, readable by its owner only."""
        out = Path(path)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            yaml.safe_dump(self.kubeconfig(user), f, sort_keys=False)
        return out

    def add_user(self, name: str, groups: Iterable[str] = ()) -> ControlPlaneUser:
        """A user authenticated by a client certificate (CN = name, O = each group). RBAC applies: bind roles to
        the user or its groups. Users with bearer tokens are declared up front: `ControlPlane(token_users=...)`."""
        with self._lock:
            if not self.running:
                raise ControlPlaneError(f"start the control plane before adding user {name!r}")
            if name in self._users:
                raise ControlPlaneError(f"user {name!r} exists already")
            groups = tuple(groups)
            return self._register(name, groups, certificate=self._ca.client(name, groups))

    def install_crds(
        self, sources: Iterable[str | os.PathLike[str] | Mapping[str, Any]], *, timeout: float = 60.0
    ) -> list[dict[str, Any]]:
        """Apply CustomResourceDefinition manifests (files, directories of .yaml/.yml/.json, or dicts) with
        server-side apply, and return them once each is Established, listed by discovery and present in its OpenAPI
        v3 document (kube-apiserver publishes the last two a few seconds after the first)."""
        from kubeclient.crds import wait_for_crds
        from kubeclient.dynamic import DynamicClient
        from kubeclient.schema import GVR

        crds = [doc for doc in _load_manifests(sources) if doc.get("kind") == "CustomResourceDefinition"]
        if not crds:
            raise ControlPlaneError("install_crds: no CustomResourceDefinition in what was given")
        config = self.config()
        with DynamicClient.for_config(config) as dyn:
            client = dyn.resource(GVR("apiextensions.k8s.io", "v1", "customresourcedefinitions"), namespaced=False)
            applied = [client.apply(crd, field_manager="kubeclient-envtest", force=True) for crd in crds]
        wait_for_crds(config, applied, timeout=timeout)
        return applied

    def create_running_pod(
        self,
        namespace: str,
        name: str,
        containers: Sequence[str] = ("main",),
        *,
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """A Pod bound to the kubelet stub's Node with phase Running and ready containers, so that exec, attach,
        port-forward and logs reach the stub through kube-apiserver. Needs `kubelet_stub=True`."""
        if self._stub is None:
            raise ControlPlaneError("create_running_pod needs ControlPlane(kubelet_stub=True)")
        result: dict[str, Any] = self._stub.create_running_pod(self.config(), namespace, name, containers, labels)
        return result

    @contextlib.contextmanager
    def namespace(self, prefix: str = "test") -> Iterator[str]:
        """A fresh namespace `<prefix>-<random>`; on exit every object in it is deleted (with no grace period) and
        the namespace deletion is requested but not waited for: with no namespace controller it stays Terminating."""
        from kubeclient.dynamic import DynamicClient
        from kubeclient.schema import GVR

        name = f"{prefix}-{os.urandom(4).hex()}"
        with DynamicClient.for_config(self.config()) as dyn:
            namespaces = dyn.resource(GVR("", "v1", "namespaces"), namespaced=False)
            namespaces.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        try:
            yield name
        finally:
            if self.running:
                self.drop_namespace(name)

    def drop_namespace(self, namespace: str) -> None:
        """Empty `namespace` and ask for its deletion, without waiting: with no namespace controller it stays
        Terminating (and refuses new content)."""
        from kubeclient.dynamic import DynamicClient
        from kubeclient.schema import GVR

        self.empty_namespace(namespace)
        with DynamicClient.for_config(self.config()) as dyn, contextlib.suppress(StatusError):
            dyn.resource(GVR("", "v1", "namespaces"), namespaced=False).delete(namespace)

    def empty_namespace(self, namespace: str) -> None:
        """Delete every object of every namespaced resource in `namespace` that can be deleted as a collection
        (what the namespace controller would do, which a bare control plane does not run)."""
        from kubeclient.discovery import DiscoveryClient
        from kubeclient.dynamic import DynamicClient

        config = self.config()
        with DiscoveryClient.for_config(config, use_cache=False) as disc:
            resources = [
                r
                for r in disc.server_preferred_resources()
                if r.namespaced and "deletecollection" in r.verbs and r.plural != "events"
            ]
        with DynamicClient.for_config(config) as dyn:
            for resource in resources:
                client = dyn.resource(resource.gvr, namespaced=True).namespace(namespace)
                with contextlib.suppress(StatusError):
                    # Background: dependents go too (and no "child pods are preserved" warnings on jobs).
                    client.delete_collection(grace_period_seconds=0, propagation_policy="Background")

    @property
    def node_name(self) -> str:
        """The Node served by the kubelet stub."""
        if self._stub is None:
            raise ControlPlaneError("no kubelet stub: start with ControlPlane(kubelet_stub=True)")
        name: str = self._stub.node_name
        return name

    # -- internals -------------------------------------------------------------------------------------------------

    def _process(self, name: str, argv: Sequence[str]) -> Process:
        return Process(name, argv, self.work_dir / f"{name}.log")

    def _spawn(self) -> None:
        began = time.monotonic()
        self._dir = Path(tempfile.mkdtemp(prefix="kubeclient-envtest-"))
        _live.add(self)
        self._write_files()
        self._admin_cert = self._ca.client(ADMIN, (MASTERS,))
        self.etcd_port, self.port = free_port(), free_port()
        self._etcd = self._process("etcd", self._etcd_argv())
        self._etcd.start()
        self._apiserver = self._process("kube-apiserver", self._apiserver_argv())
        self._apiserver.start()
        self._spawned_at = began

    def _write_files(self) -> None:
        d = self.work_dir
        serving = self._ca.serving()
        sa = service_account_keys()
        files = {
            "ca.crt": self._ca.cert_pem,
            "apiserver.crt": serving.cert_pem,
            "apiserver.key": serving.key_pem,
            "sa.pub": sa.cert_pem,
            "sa.key": sa.key_pem,
            "audit-policy.yaml": yaml.safe_dump(self.audit_policy).encode(),
        }
        tokens = [f'{tok},{name},{name},"{",".join(groups)}"' for name, (tok, groups) in self._token_users.items()]
        files["tokens.csv"] = ("\n".join(tokens) + "\n").encode()
        for filename, content in files.items():
            fd = os.open(d / filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(content)

    def _etcd_argv(self) -> list[str]:
        url = f"http://127.0.0.1:{self.etcd_port}"
        return [
            str(self.assets.etcd),
            f"--data-dir={self.work_dir / 'etcd'}",
            f"--listen-client-urls={url}",
            f"--advertise-client-urls={url}",
            "--listen-peer-urls=http://127.0.0.1:0",
            "--unsafe-no-fsync",  # throw-away data: durability costs seconds per test run for nothing
            *self.etcd_args,
        ]

    def _apiserver_argv(self) -> list[str]:
        d = self.work_dir
        argv = [
            str(self.assets.kube_apiserver),
            f"--etcd-servers=http://127.0.0.1:{self.etcd_port}",
            f"--secure-port={self.port}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--cert-dir={d / 'certs'}",
            f"--tls-cert-file={d / 'apiserver.crt'}",
            f"--tls-private-key-file={d / 'apiserver.key'}",
            f"--client-ca-file={d / 'ca.crt'}",
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc",
            f"--service-account-key-file={d / 'sa.pub'}",
            f"--service-account-signing-key-file={d / 'sa.key'}",
            "--service-cluster-ip-range=10.0.0.0/24",
            # No controller creates the default ServiceAccount, so its admission would refuse every pod.
            "--disable-admission-plugins=ServiceAccount",
            "--allow-privileged=true",
        ]
        if self._token_users:
            argv.append(f"--token-auth-file={d / 'tokens.csv'}")
        if self.feature_gates:
            gates = ",".join(f"{k}={str(v).lower()}" for k, v in sorted(self.feature_gates.items()))
            argv.append(f"--feature-gates={gates}")
        if self.audit_log:
            argv += [f"--audit-log-path={d / 'audit.log'}", f"--audit-policy-file={d / 'audit-policy.yaml'}"]
        return argv + self.apiserver_args

    def _after_ready(self) -> None:
        if ADMIN not in self._users:
            self._register(ADMIN, (MASTERS,), certificate=self._admin_cert)
            for name, (tok, groups) in self._token_users.items():
                self._register(name, groups, token=tok)
        if self._with_kubelet_stub and self._stub is None:
            from kubeclient.testing.envtest.kubelet import KubeletStub

            assert self.assets.kubelet_stub is not None
            self._stub = KubeletStub(self.assets.kubelet_stub, self.work_dir)
            self._stub.start(self.config())
        self.started_in = time.monotonic() - self._spawned_at

    def _register(
        self, name: str, groups: tuple[str, ...], *, certificate: KeyPair | None = None, token: str | None = None
    ) -> ControlPlaneUser:
        config = Config(
            self.url,
            context_name="envtest",
            cluster_name="envtest",
            user_name=name,
            ca_data=self.ca_pem,
            client_cert_data=certificate.cert_pem if certificate else None,
            client_key_data=certificate.key_pem if certificate else None,
            token=token,
        )
        user = ControlPlaneUser(name, groups, config, self.work_dir / f"kubeconfig-{name}", certificate, token)
        self._users[name] = user
        self.write_kubeconfig(user.kubeconfig_path, user)
        return user

    def _ready_problem(self) -> str | None:
        """None while both processes run; else which one exited, with its log tail."""
        for proc in (self._etcd, self._apiserver):
            if proc is not None and proc.exit_code() is not None:
                return f"{proc.name} exited with code {proc.exit_code()}; the end of {proc.log}:\n{proc.log_tail()}"
        return None

    def _readiness_client_args(self) -> dict[str, Any]:
        ctx = ssl.create_default_context(cadata=self.ca_pem.decode())
        admin = self._admin_cert
        assert admin is not None
        cert_path = self.work_dir / "readyz-client.pem"
        fd = os.open(cert_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(admin.cert_pem + admin.key_pem)
        ctx.load_cert_chain(cert_path)
        cert_path.unlink()
        return {"verify": ctx, "timeout": 2.0, "base_url": self.url}

    def _not_ready(self, last: str) -> ControlPlaneError:
        assert self._apiserver is not None
        return ControlPlaneError(
            f"kube-apiserver not ready after {self.start_timeout:g} s (last answer: {last}); the end of "
            f"{self._apiserver.log}:\n{self._apiserver.log_tail()}"
        )

    def _wait_ready_sync(self, deadline: float) -> None:
        last = "no answer yet"
        with httpx.Client(**self._readiness_client_args()) as client:
            while time.monotonic() < deadline:
                problem = self._ready_problem()
                if problem:
                    raise ControlPlaneError(problem)
                try:
                    response = client.get("/readyz")
                    if response.status_code == 200:
                        return
                    last = f"{response.status_code} {response.text.strip()[-200:]}"
                except httpx.TransportError as err:
                    last = str(err) or type(err).__name__
                time.sleep(READY_POLL)
        raise self._not_ready(last)

    async def _wait_ready_async(self, deadline: float) -> None:
        last = "no answer yet"
        async with httpx.AsyncClient(**self._readiness_client_args()) as client:
            while time.monotonic() < deadline:
                problem = self._ready_problem()
                if problem:
                    raise ControlPlaneError(problem)
                try:
                    response = await client.get("/readyz")
                    if response.status_code == 200:
                        return
                    last = f"{response.status_code} {response.text.strip()[-200:]}"
                except httpx.TransportError as err:
                    last = str(err) or type(err).__name__
                await asyncio.sleep(READY_POLL)
        raise self._not_ready(last)


def _with_namespace(config: Config, namespace: str) -> Config:
    return config if config.namespace == namespace else dataclasses.replace(config, namespace=namespace)


def _load_manifests(sources: Iterable[str | os.PathLike[str] | Mapping[str, Any]]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for source in sources:
        if isinstance(source, Mapping):
            docs.append(dict(source))
            continue
        path = Path(source)
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json")) if path.is_dir() else [path]
        for file in files:
            try:
                loaded = list(yaml.safe_load_all(file.read_text()))
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
                raise ControlPlaneError(f"cannot read manifests from {file}: {err}") from None
            for doc in loaded:
                if isinstance(doc, Mapping) and doc.get("kind") == "List":
                    docs += [dict(item) for item in doc.get("items") or []]
                elif isinstance(doc, Mapping):
                    docs.append(dict(doc))
    return docs
