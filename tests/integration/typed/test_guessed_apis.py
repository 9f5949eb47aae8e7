"""The calls a newcomer guesses: selectors as strings, dicts or parsed selectors everywhere one is taken, and "no
namespace" meaning every namespace on the typed, dynamic and lister sides (client-go's NamespaceAll)."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
from tests.integration.backends import Backend

from kubeapi import AsyncClientset, Clientset
from kubeapi.core.v1 import ConfigMap
from kubeapi.informers import AsyncSharedInformerFactory, SharedInformerFactory
from kubeapi.meta.v1 import LabelSelector, ObjectMeta
from kubeclient import GVR, labels
from kubeclient.dynamic import DynamicClient


def _names(items: list[ConfigMap]) -> list[str]:
    return sorted(str(cm.metadata.name) for cm in items)


@pytest.fixture
def seeded(backend: Backend) -> tuple[Backend, str]:
    run = uuid.uuid4().hex[:8]  # the real plane keeps objects of other tests: select only ours
    with Clientset.for_config(backend.config()) as cs:
        for name, tier in (("web", "front"), ("db", "back")):
            meta = ObjectMeta(name=f"{name}-{run}", labels={"run": run, "tier": tier})
            cs.core_v1.config_maps(backend.namespace).create(ConfigMap(metadata=meta))
    return backend, run


def test_typed_list_takes_any_selector_and_no_namespace(seeded: tuple[Backend, str]) -> None:
    backend, run = seeded
    with Clientset.for_config(backend.config()) as cs:
        everywhere = cs.core_v1.config_maps()  # no namespace: all of them, as client-go's NamespaceAll
        for selector in (
            f"run={run},tier=front",
            {"run": run, "tier": "front"},
            labels.parse(f"run={run},tier in (front)"),
            LabelSelector(match_labels={"run": run, "tier": "front"}),
        ):
            assert _names(everywhere.list(label_selector=selector).items) == [f"web-{run}"], selector
        by_field = everywhere.list(label_selector={"run": run}, field_selector={"metadata.name": f"db-{run}"})
        assert _names(by_field.items) == [f"db-{run}"]
        assert _names(list(everywhere.list_all(label_selector={"run": run}, limit=1))) == [f"db-{run}", f"web-{run}"]
        with pytest.raises(ValueError, match="configmaps is namespaced: give the client a namespace"):
            everywhere.get(f"web-{run}")


def test_dynamic_list_without_namespace_and_with_a_dict_selector(seeded: tuple[Backend, str]) -> None:
    backend, run = seeded
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(GVR("", "v1", "configmaps"), namespaced=True)
        found = cms.list(label_selector={"run": run, "tier": "back"})["items"]
        assert [item["metadata"]["name"] for item in found] == [f"db-{run}"]


def test_listers_take_any_selector_and_no_namespace(seeded: tuple[Backend, str]) -> None:
    backend, run = seeded
    with Clientset.for_config(backend.config()) as cs:
        factory = SharedInformerFactory(cs)
        informer = factory.core_v1.config_maps()
        lister = informer.lister()
        factory.start()
        try:
            assert factory.wait_for_cache_sync(timeout=20)
            for selector in (
                f"run={run},tier=front",
                {"run": run, "tier": "front"},
                labels.parse(f"run={run},tier=front"),
            ):
                assert _names(lister.config_maps().list(selector)) == [f"web-{run}"], selector
                assert _names(lister.config_maps(backend.namespace).list(selector)) == [f"web-{run}"], selector
                assert _names(lister.list(selector)) == [f"web-{run}"], selector
            with pytest.raises(TypeError, match="a label selector is a string"):
                lister.list(42)  # type: ignore[arg-type]
        finally:
            factory.shutdown()


def test_an_informer_requested_after_start_is_started(
    seeded: tuple[Backend, str], caplog: pytest.LogCaptureFixture
) -> None:
    backend, run = seeded
    caplog.set_level(logging.WARNING, logger="kubeclient.cache")
    with Clientset.for_config(backend.config()) as cs:
        factory = SharedInformerFactory(cs, namespace=backend.namespace)
        factory.start()
        try:
            lister = factory.core_v1.config_maps().lister()  # after start(): client-go would leave it unstarted
            factory.core_v1.secrets().informer()
            synced = factory.wait_for_cache_sync(timeout=20)
            assert len(synced) == 2 and all(synced.values())
            assert _names(lister.config_maps().list({"run": run})) == [f"db-{run}", f"web-{run}"]
        finally:
            factory.shutdown()
    late = [r.getMessage() for r in caplog.records if "requested after the factory started" in r.getMessage()]
    assert len(late) == 1 and "configmaps" in late[0]


def test_an_async_informer_requested_after_start_is_started(seeded: tuple[Backend, str]) -> None:
    backend, run = seeded

    async def scenario() -> None:
        async with AsyncClientset.for_config(backend.config()) as acs:
            factory = AsyncSharedInformerFactory(acs, namespace=backend.namespace)
            factory.start()
            try:
                lister = factory.core_v1.config_maps().lister()
                synced = await factory.wait_for_cache_sync(timeout=20)
                assert list(synced.values()) == [True]
                assert _names(lister.config_maps().list(f"run={run}")) == [f"db-{run}", f"web-{run}"]
            finally:
                await factory.shutdown()

    asyncio.run(scenario())
