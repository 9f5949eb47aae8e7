"""Scenario 10: CRUD of the everyday kinds with the typed Clientset.

    python examples/everyday_crud.py [--kubeconfig PATH] [--context NAME] [--keep]

Creates a namespace (named by the server from `kubeclient-crud-`), and in it a ConfigMap, Secret, Pod, Service,
Deployment, ReplicaSet, StatefulSet and Ingress built from typed models; then gets, lists and updates them, watches
the ConfigMap change, patches with merge, JSON and strategic merge patches, applies a Service server-side from two
field managers (conflict, then force), scales through the scale subresource, deletes with a propagation policy and
deletes a collection by label selector. The namespace is deleted at the end unless `--keep` is given. Without a
configured cluster it runs against a fake API server.
"""

from __future__ import annotations

import argparse
from typing import Any

from _runner import add_cluster_arguments, connect, say

from kubeapi import Clientset
from kubeapi.apps.v1 import (
    Deployment,
    DeploymentSpec,
    ReplicaSet,
    ReplicaSetSpec,
    StatefulSet,
    StatefulSetSpec,
)
from kubeapi.core.v1 import (
    ConfigMap,
    Container,
    Namespace,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Secret,
    Service,
    ServicePort,
    ServiceSpec,
)
from kubeapi.core.v1 import applyconfigs as core_ac
from kubeapi.meta.v1 import LabelSelector, ObjectMeta
from kubeapi.networking.v1 import (
    HTTPIngressPath,
    HTTPIngressRuleValue,
    Ingress,
    IngressBackend,
    IngressRule,
    IngressServiceBackend,
    IngressSpec,
    ServiceBackendPort,
)
from kubeclient.errors import ConflictError
from kubeclient.retry import retry_on_conflict

PART_OF = {"app.kubernetes.io/part-of": "crud-example"}
IMAGE = "registry.k8s.io/pause:3.10"


def pod_template(app: str) -> PodTemplateSpec:
    return PodTemplateSpec(
        metadata=ObjectMeta(labels={"app": app, **PART_OF}),
        spec=PodSpec(containers=[Container(name="main", image=IMAGE)]),
    )


def everyday_objects(ns: str) -> list[Any]:
    """One object of each everyday kind, as typed models."""

    def meta(name: str, app: str) -> ObjectMeta:
        return ObjectMeta(name=name, namespace=ns, labels={"app": app, **PART_OF})

    selector = LabelSelector(match_labels={"app": "web"})
    backend = IngressBackend(service=IngressServiceBackend(name="web", port=ServiceBackendPort(number=80)))
    return [
        ConfigMap(metadata=meta("settings", "web"), data={"mode": "green"}),
        Secret(metadata=meta("credentials", "web"), string_data={"password": "s3cr3t"}, type="Opaque"),
        Pod(metadata=meta("debug", "debug"), spec=PodSpec(containers=[Container(name="main", image=IMAGE)])),
        Service(
            metadata=meta("web", "web"),
            spec=ServiceSpec(selector={"app": "web"}, ports=[ServicePort(name="http", port=80, target_port=8080)]),
        ),
        Deployment(
            metadata=meta("web", "web"),
            spec=DeploymentSpec(replicas=1, selector=selector, template=pod_template("web")),
        ),
        ReplicaSet(
            metadata=meta("batch", "batch"),
            spec=ReplicaSetSpec(
                replicas=1, selector=LabelSelector(match_labels={"app": "batch"}), template=pod_template("batch")
            ),
        ),
        StatefulSet(
            metadata=meta("db", "db"),
            spec=StatefulSetSpec(
                replicas=1,
                service_name="db",
                selector=LabelSelector(match_labels={"app": "db"}),
                template=pod_template("db"),
            ),
        ),
        Ingress(
            metadata=meta("web", "web"),
            spec=IngressSpec(
                rules=[
                    IngressRule(
                        host="web.example.com",
                        http=HTTPIngressRuleValue(
                            paths=[HTTPIngressPath(path="/", path_type="Prefix", backend=backend)]
                        ),
                    )
                ]
            ),
        ),
    ]


def client_for(cs: Clientset, ns: str, kind: str) -> Any:
    """The typed client of an everyday kind in `ns`."""
    return {
        "ConfigMap": cs.core_v1.config_maps,
        "Secret": cs.core_v1.secrets,
        "Pod": cs.core_v1.pods,
        "Service": cs.core_v1.services,
        "Deployment": cs.apps_v1.deployments,
        "ReplicaSet": cs.apps_v1.replica_sets,
        "StatefulSet": cs.apps_v1.stateful_sets,
        "Ingress": cs.networking_v1.ingresses,
    }[kind](ns)


def create_get_update_list(cs: Clientset, ns: str) -> None:
    for obj in everyday_objects(ns):
        client = client_for(cs, ns, obj.kind)
        created = client.create(obj, field_manager="crud-example")

        def review(client: Any = client, name: str = created.metadata.name) -> Any:
            # Read-modify-write; controllers may write the object meanwhile, hence the retry on conflict.
            fetched = client.get(name)
            fetched.metadata.labels["reviewed"] = "yes"
            return client.update(fetched, field_manager="crud-example")

        updated = retry_on_conflict(review)
        found = client.list(label_selector="reviewed=yes").items
        say(
            f"{obj.kind}: created, got, updated (resourceVersion changed: "
            f"{updated.metadata.resource_version != created.metadata.resource_version}), "
            f"listed {len(found)} with reviewed=yes"
        )
    # Optimistic concurrency: an update carrying a stale resourceVersion is refused.
    config_maps = cs.core_v1.config_maps(ns)
    stale = config_maps.get("settings")
    config_maps.patch("settings", {"data": {"touched": "1"}})
    try:
        config_maps.update(stale)
    except ConflictError as err:
        say(f"stale update refused: {err}")


def watch_a_config_map(cs: Clientset, ns: str) -> None:
    config_maps = cs.core_v1.config_maps(ns)
    since = config_maps.list().metadata.resource_version
    config_maps.patch("settings", {"data": {"mode": "blue"}}, "merge")
    config_maps.delete("settings")
    # A watch from an earlier resourceVersion replays what happened since, in order.
    with config_maps.watch(resource_version=since, timeout_seconds=10) as events:
        for event in events:
            say(f"watch: {event.type} ConfigMap {event.object.metadata.name} data={event.object.data}")
            if event.type == "DELETED":
                break


def patches(cs: Clientset, ns: str) -> None:
    deployments = cs.apps_v1.deployments(ns)
    merged = cs.core_v1.secrets(ns).patch("credentials", {"metadata": {"annotations": {"rotated": "today"}}})
    say(f"merge patch: Secret annotations {merged.metadata.annotations}")
    ops = [
        {"op": "add", "path": "/metadata/labels/patched", "value": "json"},
        {"op": "replace", "path": "/spec/minReadySeconds", "value": 5},
    ]
    dep = deployments.patch("web", ops, "json")
    patched, ready = dep.metadata.labels["patched"], dep.spec.min_ready_seconds
    say(f"json patch: Deployment label patched={patched}, minReadySeconds={ready}")
    # A strategic merge patch merges the container list by name: the image stays, the env is added.
    env = {
        "spec": {"template": {"spec": {"containers": [{"name": "main", "env": [{"name": "MODE", "value": "blue"}]}]}}}
    }
    dep = deployments.patch("web", env, "strategic")
    container = dep.spec.template.spec.containers[0]
    env_var = container.env[0]
    say(f"strategic merge patch: {container.name} kept image {container.image}, env {env_var.name}={env_var.value}")


def apply_with_two_managers(cs: Clientset, ns: str) -> None:
    services = cs.core_v1.services(ns)
    port = core_ac.ServicePortApplyConfiguration().with_name("http").with_port(80).with_target_port(8080)
    mine = (
        core_ac.Service("web", ns)
        .with_labels({"tier": "frontend"})
        .with_spec(core_ac.ServiceSpecApplyConfiguration().with_selector({"app": "web"}).with_ports(port))
    )
    applied = services.apply(mine, field_manager="crud-example", force=True)
    say(f"apply: Service web tier={applied.metadata.labels['tier']} (manager crud-example)")
    theirs = core_ac.Service("web", ns).with_labels({"tier": "backend"})
    try:
        services.apply(theirs, field_manager="other-tool")
    except ConflictError as err:
        say(f"apply by other-tool refused: {err}")
    taken = services.apply(theirs, field_manager="other-tool", force=True)
    owners = sorted(m.manager for m in taken.metadata.managed_fields if m.operation == "Apply")
    say(f"apply by other-tool with force: tier={taken.metadata.labels['tier']}, appliers {owners}")
    extracted = core_ac.extract_service(taken, "crud-example")
    say(f"crud-example still owns: labels {extracted.metadata.labels or {}}, {len(extracted.spec.ports)} port(s)")


def scale(cs: Clientset, ns: str) -> None:
    deployments = cs.apps_v1.deployments(ns)
    current = deployments.get_scale("web")
    current.spec.replicas = 3
    scaled = deployments.update_scale("web", current)
    replicas = deployments.get("web").spec.replicas
    say(f"scale: Deployment web to {scaled.spec.replicas} (deployment spec.replicas={replicas})")
    sts = cs.apps_v1.stateful_sets(ns).patch_scale("db", {"spec": {"replicas": 2}})
    say(f"scale: StatefulSet db to {sts.spec.replicas}")
    rs = cs.apps_v1.replica_sets(ns).get_scale("batch")
    say(f"scale: ReplicaSet batch has selector {rs.status.selector!r}")


def deletes(cs: Clientset, ns: str) -> None:
    # Foreground: the Deployment goes once the garbage collector has removed its ReplicaSets and Pods.
    cs.apps_v1.deployments(ns).delete("web", propagation_policy="Foreground")
    say("delete: Deployment web with propagationPolicy=Foreground")
    pod = cs.core_v1.pods(ns).get("debug")
    cs.core_v1.pods(ns).delete("debug", grace_period_seconds=0, preconditions={"uid": pod.metadata.uid})
    say("delete: Pod debug at once, only if its uid is still the one read")
    for client in (cs.core_v1.config_maps(ns), cs.core_v1.secrets(ns)):
        client.delete_collection(label_selector="app.kubernetes.io/part-of=crud-example")
    left = len(cs.core_v1.secrets(ns).list(label_selector="app.kubernetes.io/part-of=crud-example").items)
    say(f"delete collection: Secrets and ConfigMaps part-of=crud-example, {left} Secrets left")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--keep", action="store_true", help="keep the namespace and what is left in it")
    args = parser.parse_args(argv)
    with connect(args) as cfg, Clientset.for_config(cfg) as cs:
        namespace = cs.core_v1.namespaces().create(Namespace(metadata=ObjectMeta(generate_name="kubeclient-crud-")))
        ns = namespace.metadata.name
        say(f"namespace {ns} created")
        try:
            create_get_update_list(cs, ns)
            watch_a_config_map(cs, ns)
            patches(cs, ns)
            apply_with_two_managers(cs, ns)
            scale(cs, ns)
            deletes(cs, ns)
        finally:
            if not args.keep:
                cs.core_v1.namespaces().delete(ns)
                say(f"namespace {ns} deleted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
