"""The committed kubeapi package: every module imports, groups load lazily, clients are wired to the runtime."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kubeclient.config import Config

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "generated" / "kubeapi"

pytestmark = pytest.mark.skipif(
    not (GENERATED / "clientset.py").exists(), reason="generated/kubeapi not rendered yet (run `make generate`)"
)


def run(script: str) -> str:
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_everything() -> None:
    out = run(
        """
import importlib, pkgutil, kubeapi
names = sorted(m.name for m in pkgutil.walk_packages(kubeapi.__path__, "kubeapi."))
for name in names:
    importlib.import_module(name)
print(len(names))
"""
    )
    assert int(out) > 200


def test_importing_kubeapi_or_building_a_clientset_loads_no_group() -> None:
    out = run(
        """
import json, sys
import kubeapi
from kubeapi import Clientset, AsyncClientset
from kubeapi.informers import SharedInformerFactory
from kubeclient.config import Config
cs = Clientset.for_config(Config("https://127.0.0.1:6443", token="t"))
factory = SharedInformerFactory(cs)
before = sorted(m for m in sys.modules if m.startswith("kubeapi."))
cs.core_v1.pods("default")
after = sorted(m for m in sys.modules if m.startswith("kubeapi."))
print(json.dumps([before, after]))
"""
    )
    before, after = json.loads(out)
    assert before == ["kubeapi.clientset", "kubeapi.informers"]
    assert "kubeapi.core.v1.client" in after
    assert not [m for m in after if m.startswith(("kubeapi.apps", "kubeapi.rbac", "kubeapi.batch"))]


def test_model_import_does_not_load_clients_or_the_http_stack() -> None:
    out = run(
        """
import sys
from kubeapi import Clientset
from kubeapi.core.v1 import Pod, ConfigMap
from kubeapi.meta.v1 import ObjectMeta
clients = [m for m in sys.modules if m.startswith("kubeapi.") and m.endswith(".client")]
print(sorted(clients + [m for m in sys.modules if m == "httpx" or m.startswith(("httpx.", "kubeclient.rest"))]))
"""
    )
    assert out.strip() == "[]"


def _clientset(requests: list[httpx.Request], body: dict[str, object]) -> object:
    from kubeapi import Clientset

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=body)

    return Clientset.for_config(Config("https://k8s.invalid", token="t"), transport=httpx.MockTransport(handler))


def test_typed_client_paths_and_decoding() -> None:
    from kubeapi import Clientset
    from kubeapi.autoscaling.v1 import Scale
    from kubeapi.core.v1 import Pod
    from kubeapi.core.v1.client import NodeClient, PodClient

    requests: list[httpx.Request] = []
    cs = _clientset(requests, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "ns"}})
    assert isinstance(cs, Clientset)
    pods = cs.core_v1.pods("ns")
    assert isinstance(pods, PodClient)
    pod = pods.get("web")
    assert isinstance(pod, Pod)
    assert pod.metadata is not None and pod.metadata.name == "web"
    assert requests[-1].url.path == "/api/v1/namespaces/ns/pods/web"
    assert isinstance(cs.core_v1.nodes(), NodeClient)
    assert cs.core_v1 is cs.core_v1  # built once

    requests.clear()
    cs = _clientset(requests, {"apiVersion": "autoscaling/v1", "kind": "Scale", "spec": {"replicas": 3}})
    assert isinstance(cs, Clientset)
    scale = cs.apps_v1.deployments("ns").get_scale("web")
    assert isinstance(scale, Scale)
    assert requests[-1].url.path == "/apis/apps/v1/namespaces/ns/deployments/web/scale"
    assert requests[-1].method == "GET"


def test_absent_verbs_and_subresource_methods() -> None:
    from kubeapi import Clientset

    cs = Clientset.for_config(Config("https://k8s.invalid", token="t"))
    reviews = cs.authentication_v1.token_reviews()
    assert hasattr(reviews, "create")
    for verb in ("get", "list", "watch", "update", "delete", "patch", "apply"):
        assert not hasattr(reviews, verb), verb
    with pytest.raises(AttributeError, match="has no verb 'get'"):
        reviews.get("x")
    pods = cs.core_v1.pods("ns")
    for method in (
        "create_eviction",
        "create_binding",
        "get_log",
        "stream_log",
        "update_ephemeral_containers",
        "update_resize",
        "update_status",
        "apply_status",
    ):
        assert callable(getattr(pods, method)), method
    assert not hasattr(pods, "get_exec")
    assert not hasattr(cs.core_v1.config_maps("ns"), "update_status")
    assert callable(cs.core_v1.namespaces().update_finalize)
    assert callable(cs.certificates_v1.certificate_signing_requests().update_approval)
    assert callable(cs.core_v1.service_accounts("ns").create_token)


def test_informer_factory_accessors() -> None:
    from kubeapi import Clientset
    from kubeapi.core.v1.listers import PodLister
    from kubeapi.informers import SharedInformerFactory
    from kubeclient.schema import GVR

    cs = Clientset.for_config(Config("https://k8s.invalid", token="t"))
    factory = SharedInformerFactory(cs, resync=30)
    pods = factory.core_v1.pods()
    informer = pods.informer()
    assert informer is factory.core_v1.pods().informer()
    assert isinstance(pods.lister(), PodLister)
    assert pods.lister().pods("default").list() == []
    generic = factory.for_resource(GVR("apps", "v1", "deployments"))
    assert generic.informer() is factory.apps_v1.deployments().informer()
    assert not hasattr(factory.core_v1, "component_statuses")  # no watch: no informer


def test_async_clientset_and_informer_factory() -> None:
    import asyncio

    from kubeapi import AsyncClientset
    from kubeapi.core.v1 import ConfigMap
    from kubeapi.core.v1.client import AsyncConfigMapClient
    from kubeapi.informers import AsyncSharedInformerFactory
    from kubeclient.cache.aio.informer import AsyncSharedIndexInformer

    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})

    async def main() -> None:
        config = Config("https://k8s.invalid", token="t")
        async with AsyncClientset.for_config(config, transport=httpx.MockTransport(handler)) as cs:
            client = cs.core_v1.config_maps("ns")
            assert isinstance(client, AsyncConfigMapClient)
            cm = await client.get("c")
            assert isinstance(cm, ConfigMap)
            factory = AsyncSharedInformerFactory(cs)
            assert isinstance(factory.core_v1.config_maps().informer(), AsyncSharedIndexInformer)

    asyncio.run(main())
    assert requests[0].url.path == "/api/v1/namespaces/ns/configmaps/c"
