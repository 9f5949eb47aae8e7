"""`FakeAPIServer`: an in-process kube-apiserver v1.36 look-alike over real HTTP(S) on 127.0.0.1."""

from __future__ import annotations

import base64
import functools
import json
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from kubeclient.apidocs import APIDocuments
from kubeclient.config import Config
from kubeclient.testing.api import API
from kubeclient.testing.auth import Authenticator, User
from kubeclient.testing.certs import Certificates, ClientCertificate
from kubeclient.testing.faults import Faults
from kubeclient.testing.http_shell import Shell
from kubeclient.testing.objects import Ctx
from kubeclient.testing.registry import Registry
from kubeclient.testing.storage import Store

SNAPSHOT = Path("openapi") / "kubernetes-1.36"
INITIAL_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


PACKAGED = Path(__file__).resolve().parent / "documents" / "kubernetes-1.36"


def default_documents_dir() -> Path:
    """The v1.36 documents shipped in the wheel, or in a checkout the repository's `openapi/kubernetes-1.36`."""
    if (PACKAGED / "discovery").is_dir():
        return PACKAGED
    for parent in Path(__file__).resolve().parents:
        candidate = parent / SNAPSHOT
        if (candidate / "discovery").is_dir():
            return candidate
    raise FileNotFoundError(
        f"no {SNAPSHOT} directory above {Path(__file__).resolve().parent}; pass api_documents= explicitly"
    )


@functools.lru_cache(maxsize=8)
def _documents(directory: str) -> APIDocuments:
    # Documents are read-only and lazily loaded: servers of one process share them (CRDs live in each Registry).
    return APIDocuments.from_directory(directory)


class FakeAPIServer:
    """A fake kube-apiserver. Use as a context manager or call start()/stop().

    `api_documents`: a directory in the layout of `openapi/kubernetes-1.36` (default: the repository's snapshot)
    or an `APIDocuments`. `tls=False` serves plain HTTP. `bookmark_interval` is how often an idle watch that allows
    bookmarks gets one; `watch_timeout` bounds watches that give no timeoutSeconds. The admin user (group
    system:masters) is what `config()` authenticates as; `add_user` adds others (read_only ones get 403 on writes).
    """

    def __init__(
        self,
        api_documents: str | os.PathLike[str] | APIDocuments | None = None,
        *,
        tls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        bookmark_interval: float = 5.0,
        watch_timeout: float = 1800.0,
        history_limit: int = 100_000,
    ) -> None:
        if isinstance(api_documents, APIDocuments):
            docs = api_documents
        else:
            docs = _documents(str(Path(api_documents) if api_documents is not None else default_documents_dir()))
        self.registry = Registry(docs)
        self.store = Store(history_limit=history_limit)
        self.auth = Authenticator()
        self.admin = self.auth.add_user("admin", groups=("system:masters", "system:authenticated"))
        self.faults = Faults(self)
        self.tls = tls
        self.host = host
        self._port = port
        self._certs = Certificates() if tls else None
        self._shell: Shell | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()
        self.api = API(
            self.registry,
            self.store,
            self.faults,
            server_address=f"{host}:{port}",
            bookmark_interval=bookmark_interval,
            watch_timeout=watch_timeout,
        )
        self._seed()

    def _seed(self) -> None:
        namespaces = self.registry.lookup("", "v1", "namespaces")
        assert namespaces is not None, "the API documents do not serve core/v1 namespaces"
        for name in INITIAL_NAMESPACES:
            ctx = Ctx(res=namespaces, namespace="", manager="kube-apiserver")
            self.api.objects.create(ctx, {"metadata": {"name": name}})

    # lifecycle

    def start(self) -> FakeAPIServer:
        with self._lifecycle:
            if self._shell is not None:
                return self
            context = self._certs.server_context() if self._certs else None
            self._shell = Shell((self.host, self._port), self.api.handle, self.auth, context)
            self._port = self._shell.server_address[1]
            self.api.server_address = f"{self.host}:{self._port}"
            self.api.stopping.clear()
            self._thread = threading.Thread(
                target=self._shell.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-apiserver", daemon=True
            )
            self._thread.start()
            return self

    def stop(self) -> None:
        with self._lifecycle:
            shell, self._shell = self._shell, None
            if shell is None:
                return
            self.api.stopping.set()
            for watcher in self.api.open_watchers():
                watcher.close()
            shell.shutdown()
            shell.server_close()
            shell.drop_connections()
            if self._thread is not None:
                self._thread.join(timeout=5)

    def restart(self) -> None:
        """Stop and listen again on the same port: connections drop, stored objects and history survive."""
        self.stop()
        self.start()

    def __enter__(self) -> FakeAPIServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._shell is not None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self._port}"

    # clients

    @property
    def ca_pem(self) -> bytes | None:
        return self._certs.ca_pem if self._certs else None

    def add_user(self, name: str, *, read_only: bool = False, groups: tuple[str, ...] = ()) -> User:
        return self.auth.add_user(name, groups=groups, read_only=read_only)

    def client_certificate(self, user: str = "admin") -> ClientCertificate:
        """A client certificate (CN = user) signed by the server's CA; the user must be known (see add_user)."""
        if self._certs is None:
            raise RuntimeError("client certificates need tls=True")
        return self._certs.client_certificate(user)

    def config(self, user: User | None = None, *, namespace: str = "default") -> Config:
        """A ready client Config for `user` (default: the admin user)."""
        who = user or self.admin
        return Config(
            self.url,
            namespace=namespace,
            context_name="fake",
            cluster_name="fake",
            user_name=who.name,
            ca_data=self.ca_pem,
            token=who.token,
        )

    def kubeconfig(self, user: User | None = None) -> dict[str, Any]:
        who = user or self.admin
        cluster: dict[str, Any] = {"server": self.url}
        if self.ca_pem:
            cluster["certificate-authority-data"] = base64.b64encode(self.ca_pem).decode()
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "fake", "cluster": cluster}],
            "users": [{"name": who.name, "user": {"token": who.token}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": who.name, "namespace": "default"}}],
            "current-context": "fake",
            "preferences": {},
        }

    def write_kubeconfig(self, path: str | os.PathLike[str], user: User | None = None) -> Path:
        """Write a kubeconfig (JSON, which is YAML) for other programs; readable by the owner only."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(self.kubeconfig(user), f, indent=2)
        return target

    # exec, attach and port-forward (see kubeclient.testing.streaming)

    def create_running_pod(
        self,
        namespace: str,
        name: str,
        containers: tuple[str, ...] = ("main",),
        *,
        labels: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """A Pod bound to the fake node with phase Running, as ControlPlane.create_running_pod makes on the real
        server: exec and attach run the built-in commands (or `register_exec` handlers), port-forward reaches the
        addresses given to `forward_port`."""
        from kubeclient.testing.streaming import running_pod

        return running_pod(self.api, namespace, name, containers, labels)

    def register_exec(self, namespace: str, pod: str, handler: Any, container: str | None = None) -> None:
        """Run `handler(ExecCall) -> exit code` for exec in this pod (or only in `container`) instead of the
        built-in commands."""
        self.api.streaming.register_exec(namespace, pod, handler, container)

    def pod_files(self, namespace: str, pod: str, container: str = "main") -> Any:
        """The container's in-memory filesystem (`write`, `read`, `mkdir`, `is_dir`), which `ls`, `test -d` and
        `tar` (so `kubectl cp` and kubeclient.cp) use."""
        return self.api.streaming.files(namespace, pod, container)

    def forward_port(self, namespace: str, pod: str, port: int, address: tuple[str, int]) -> None:
        """Port-forward to this pod's `port` connects to `address` (a listener the test runs)."""
        self.api.streaming.forward_port(namespace, pod, port, address)

    # fault plumbing (see Faults)

    def close_watches(self) -> int:
        watchers = self.api.open_watchers()
        for w in watchers:
            w.close()
        return len(watchers)

    def stall_watches(self) -> int:
        watchers = self.api.open_watchers()
        for w in watchers:
            w.stall()
        return len(watchers)

    def __repr__(self) -> str:
        return f"FakeAPIServer(url={self.url!r}, running={self.running})"
