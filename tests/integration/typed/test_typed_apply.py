"""Server-side apply with the typed apply configurations, sync and asyncio: two field managers conflicting (the
typed ConflictError), force taking the field over, and extract_<kind> giving back only one manager's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from typed_helpers import Kube, Scenario, of_type

from kubeapi.apps.v1 import applyconfigs as apps_ac
from kubeapi.apps.v1.models import Deployment
from kubeapi.core.v1 import applyconfigs as core_ac
from kubeapi.meta.v1 import applyconfigs as meta_ac
from kubeclient import errors

Run = Callable[[Scenario], None]


def web(
    namespace: str, *, replicas: int | None = None, image: str = "nginx:1.27"
) -> apps_ac.DeploymentApplyConfiguration:
    spec = (
        apps_ac.DeploymentSpecApplyConfiguration()
        .with_selector(meta_ac.LabelSelectorApplyConfiguration().with_match_labels({"app": "web"}))
        .with_template(
            core_ac.PodTemplateSpecApplyConfiguration()
            .with_metadata(meta_ac.ObjectMetaApplyConfiguration().with_labels({"app": "web"}))
            .with_spec(
                core_ac.PodSpecApplyConfiguration().with_containers(
                    core_ac.ContainerApplyConfiguration().with_name("app").with_image(image)
                )
            )
        )
    )
    if replicas is not None:
        spec = spec.with_replicas(replicas)
    return apps_ac.Deployment("web", namespace).with_labels({"owner": "alice"}).with_spec(spec)


def managers(obj: Any) -> dict[tuple[str, str, str], set[str]]:
    """(manager, operation, subresource) → the top-level spec fields it owns."""
    out: dict[tuple[str, str, str], set[str]] = {}
    for entry in obj.metadata.managed_fields:
        spec = msgspec.json.decode(entry.fields_v1).get("f:spec") or {}
        out[(entry.manager, entry.operation, entry.subresource or "")] = {k for k in spec if k != "."}
    return out


def test_conflict_force_and_extract(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        deployments = k.cs.apps_v1.deployments(ns)

        alice = await k(deployments.apply(web(ns, replicas=2), field_manager="alice"))
        assert of_type(alice, Deployment) and alice.spec.replicas == 2
        assert managers(alice)[("alice", "Apply", "")] == {"f:replicas", "f:selector", "f:template"}

        # bob wants another replica count: the server refuses, naming alice and the field.
        bob = apps_ac.Deployment("web", ns).with_spec(apps_ac.DeploymentSpecApplyConfiguration().with_replicas(5))
        with pytest.raises(errors.ConflictError) as refused:
            await k(deployments.apply(bob, field_manager="bob"))
        err = refused.value
        assert errors.is_conflict(err) and not errors.is_already_exists(err)
        assert (err.code, err.reason) == (409, "Conflict")
        assert [(c["reason"], c["field"]) for c in err.causes] == [("FieldManagerConflict", ".spec.replicas")]
        assert "alice" in err.causes[0]["message"] and "alice" in err.message
        assert (await k(deployments.get("web"))).spec.replicas == 2  # nothing written
        assert k.recorder.last("PATCH").param("force") == "false"

        # Applying the value alice already set is no conflict: both then own it.
        shared = await k(
            deployments.apply(
                apps_ac.Deployment("web", ns).with_spec(apps_ac.DeploymentSpecApplyConfiguration().with_replicas(2)),
                field_manager="carol",
            )
        )
        owners = managers(shared)
        assert "f:replicas" in owners[("alice", "Apply", "")] and owners[("carol", "Apply", "")] == {"f:replicas"}

        forced = await k(deployments.apply(bob, field_manager="bob", force=True))
        assert k.recorder.last("PATCH").query == (("force", "true"), ("fieldManager", "bob"))
        assert forced.spec.replicas == 5
        owners = managers(forced)
        assert owners[("bob", "Apply", "")] == {"f:replicas"}
        assert owners[("alice", "Apply", "")] == {"f:selector", "f:template"}  # force took the field from alice
        assert ("carol", "Apply", "") not in owners  # ... and from carol, who owned nothing else

        # extract_deployment: what each manager owns, as an apply configuration.
        mine: Any = apps_ac.extract_deployment(forced, "alice")
        assert of_type(mine, apps_ac.DeploymentApplyConfiguration)
        assert (mine.metadata.name, mine.metadata.namespace, mine.metadata.labels) == ("web", ns, {"owner": "alice"})
        assert not mine.spec.replicas and mine.spec.selector.match_labels == {"app": "web"}
        assert [(c.name, c.image) for c in mine.spec.template.spec.containers] == [("app", "nginx:1.27")]
        theirs = apps_ac.extract_deployment(forced, "bob").to_dict()
        assert theirs == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": ns},
            "spec": {"replicas": 5},
        }
        assert apps_ac.extract_deployment(forced, "nobody").to_dict() == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": ns},
        }

        # client-go's extract → modify → apply: alice changes her image without touching bob's replicas.
        mine.spec.template.spec.containers[0].image = "nginx:1.28"
        again = await k(deployments.apply(mine, field_manager="alice"))
        assert again.spec.replicas == 5 and again.spec.template.spec.containers[0].image == "nginx:1.28"
        assert managers(again)[("bob", "Apply", "")] == {"f:replicas"}

        # A status manager is extracted through its subresource.
        status = apps_ac.Deployment("web", ns).with_status(
            apps_ac.DeploymentStatusApplyConfiguration().with_replicas(1).with_ready_replicas(1)
        )
        after = await k(deployments.apply_status(status, field_manager="controller"))
        assert apps_ac.extract_deployment(after, "controller", subresource="status").to_dict()["status"] == {
            "readyReplicas": 1,
            "replicas": 1,
        }
        assert "status" not in apps_ac.extract_deployment(after, "controller").to_dict()

    run(scenario)


def test_dry_run_apply_and_create_by_apply(run: Run) -> None:
    async def scenario(k: Kube) -> None:
        ns = await k.namespace()
        config_maps = k.cs.core_v1.config_maps(ns)
        config = core_ac.ConfigMap("settings", ns).with_data({"a": "1"})
        preview = await k(config_maps.apply(config, field_manager="alice", dry_run=True))
        assert preview.data == {"a": "1"}
        assert k.recorder.last("PATCH").query == (("dryRun", "All"), ("force", "false"), ("fieldManager", "alice"))
        with pytest.raises(errors.NotFoundError):
            await k(config_maps.get("settings"))

        created = await k(config_maps.apply(config, field_manager="alice"))
        assert created.metadata.uid and created.data == {"a": "1"}
        with pytest.raises(errors.ConflictError) as refused:
            await k(config_maps.apply(core_ac.ConfigMap("settings", ns).with_data({"a": "2"}), field_manager="bob"))
        assert [c["field"] for c in refused.value.causes] == [".data.a"]
        taken = await k(
            config_maps.apply(core_ac.ConfigMap("settings", ns).with_data({"a": "2"}), field_manager="bob", force=True)
        )
        assert taken.data == {"a": "2"}
        assert core_ac.extract_config_map(taken, "alice").to_dict() == {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "settings", "namespace": ns},
        }
        assert core_ac.extract_config_map(taken, "bob").to_dict()["data"] == {"a": "2"}

    run(scenario)
