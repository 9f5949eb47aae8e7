"""Custom resources through packages kubegen generates from CRD manifests, sync and asyncio: the CRD is installed
through the typed apiextensions client, then every verb of the generated client runs against it — including the
scale subresource, and strategic merge patch refused with 415 as a real server refuses it for custom resources."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from typed_helpers import CERT_MANAGER_CRD, WIDGETS_CRD, CRDPackages, Kube, Scenario, install_crds, of_type

from kubeapi.autoscaling.v1.models import Scale
from kubeapi.meta.v1.models import ObjectMeta
from kubeclient import errors

Run = Callable[[Scenario], None]


def generated(package: str, module: str = "") -> Any:
    return importlib.import_module(f"{package}.{module}" if module else package)


def crd_clientset(k: Kube, package: str) -> Any:
    """The generated package's clientset over the same REST client (and so the same recording transport)."""
    pkg = generated(package)
    return pkg.AsyncClientset(k.cs.rest) if k.is_async else pkg.Clientset(k.cs.rest)


def test_widget_verbs(run: Run, crd_packages: CRDPackages) -> None:
    package = crd_packages.widgets
    models = generated(package, "example_com.v1.models")
    applyconfigs = generated(package, "example_com.v1.applyconfigs")

    async def scenario(k: Kube) -> None:
        assert await install_crds(k, WIDGETS_CRD) == ["widgets.example.com", "gadgets.example.com"]
        ns = await k.namespace()
        widgets = crd_clientset(k, package).example_com_v1.widgets(ns)
        base = f"/apis/example.com/v1/namespaces/{ns}/widgets"

        spec = models.WidgetSpec(size="small", parts=[models.WidgetSpecParts(name="bolt", weight="1kg")])
        created = await k(widgets.create(models.Widget(metadata=ObjectMeta(name="w1", labels={"app": "w"}), spec=spec)))
        assert of_type(created, models.Widget) and of_type(created.spec, models.WidgetSpec)
        assert created.spec.replicas == 1  # the CRD schema's default, applied by the server
        assert created.metadata.generation == 1
        sent = k.recorder.last("POST")
        assert sent.path == base and (sent.json()["apiVersion"], sent.json()["kind"]) == ("example.com/v1", "Widget")

        with pytest.raises(errors.InvalidError) as invalid:
            await k(widgets.create(models.Widget(metadata=ObjectMeta(name="bad"), spec=models.WidgetSpec(size="huge"))))
        assert invalid.value.code == 422 and "spec.size" in invalid.value.message

        got = await k(widgets.get("w1"))
        assert of_type(got, models.Widget) and got.spec.parts[0].weight == "1kg"
        listed = await k(widgets.list(label_selector="app=w"))
        assert of_type(listed, models.WidgetList) and [w.metadata.name for w in listed.items] == ["w1"]

        got.spec.size = "medium"
        updated = await k(widgets.update(got))
        assert updated.spec.size == "medium" and updated.metadata.generation == 2
        assert k.recorder.last("PUT").path == f"{base}/w1"
        updated.status = models.WidgetStatus(ready_replicas=1, selector="app=w")
        with_status = await k(widgets.update_status(updated))
        assert with_status.status.ready_replicas == 1 and with_status.metadata.generation == 2
        assert k.recorder.last("PUT").path == f"{base}/w1/status"
        with pytest.raises(errors.ConflictError):
            await k(widgets.update(got))

        merged = await k(widgets.patch("w1", {"spec": {"template": {"color": "red"}}}))
        assert of_type(merged.spec.template, models.WidgetSpecTemplate) and merged.spec.template.color == "red"
        assert k.recorder.last("PATCH").content_type == "application/merge-patch+json"
        ops = [{"op": "add", "path": "/spec/parts/-", "value": {"name": "nut"}}]
        patched = await k(widgets.patch("w1", ops, "json"))
        assert [p.name for p in patched.spec.parts] == ["bolt", "nut"]
        on_status = await k(widgets.patch("w1", {"status": {"replicas": 1}}, subresource="status"))
        assert on_status.status.replicas == 1

        # Custom resources have no strategic merge patch: the server answers 415 with the types it accepts.
        with pytest.raises(errors.UnsupportedMediaTypeError) as refused:
            await k(widgets.patch("w1", {"spec": {"size": "large"}}, "strategic"))
        err = refused.value
        assert errors.is_unsupported_media_type(err) and (err.code, err.reason) == (415, "UnsupportedMediaType")
        accepted = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
        assert err.message.endswith(f"accepted media types include: {accepted}")
        assert k.recorder.last("PATCH").content_type == "application/strategic-merge-patch+json"

        config = (
            applyconfigs.Widget("w2", ns)
            .with_labels({"app": "w"})
            .with_spec(
                applyconfigs.WidgetSpecApplyConfiguration()
                .with_size("large")
                .with_replicas(2)
                .with_parts(applyconfigs.WidgetSpecPartsApplyConfiguration().with_name("gear"))
            )
        )
        applied = await k(widgets.apply(config, field_manager="widget-applier"))
        assert of_type(applied, models.Widget) and (applied.spec.size, applied.spec.replicas) == ("large", 2)
        sent = k.recorder.last("PATCH")
        assert (sent.path, sent.content_type) == (f"{base}/w2", "application/apply-patch+yaml")
        assert sent.query == (("force", "false"), ("fieldManager", "widget-applier"))
        with pytest.raises(errors.ConflictError):
            await k(
                widgets.apply(
                    applyconfigs.Widget("w2", ns).with_spec(
                        applyconfigs.WidgetSpecApplyConfiguration().with_size("small")
                    ),
                    field_manager="other",
                )
            )
        extracted = applyconfigs.extract_widget(applied, "widget-applier")
        assert extracted.to_dict()["spec"] == {"parts": [{"name": "gear"}], "replicas": 2, "size": "large"}
        status = applyconfigs.Widget("w2", ns).with_status(
            applyconfigs.WidgetStatusApplyConfiguration().with_replicas(2).with_selector("app=w2")
        )
        applied = await k(widgets.apply_status(status, field_manager="widget-controller"))
        assert applied.status.replicas == 2 and k.recorder.last("PATCH").path == f"{base}/w2/status"

        everything = await k.collect(widgets.list_all(page_size=1))
        assert [w.metadata.name for w in everything] == ["w1", "w2"]
        assert all(of_type(w, models.Widget) for w in everything)
        events = await k.events(widgets.watch(resource_version=created.metadata.resource_version, timeout_seconds=2), 2)
        assert [e.type for e in events] == ["MODIFIED", "MODIFIED"]
        assert all(of_type(e.object, models.Widget) for e in events)

        # Background: Foreground would wait on a garbage collector, which a bare control plane lacks.
        await k(widgets.delete("w1", propagation_policy="Background"))
        with pytest.raises(errors.NotFoundError):
            await k(widgets.get("w1"))
        await k(widgets.delete_collection(label_selector="app=w"))
        assert (await k(widgets.list())).items == []

    run(scenario)


def test_widget_scale_and_other_versions(run: Run, crd_packages: CRDPackages) -> None:
    package = crd_packages.widgets
    models = generated(package, "example_com.v1.models")

    async def scenario(k: Kube) -> None:
        await install_crds(k, WIDGETS_CRD)
        ns = await k.namespace()
        cs = crd_clientset(k, package)
        widgets = cs.example_com_v1.widgets(ns)
        base = f"/apis/example.com/v1/namespaces/{ns}/widgets/w/scale"
        await k(
            widgets.create(
                models.Widget(metadata=ObjectMeta(name="w"), spec=models.WidgetSpec(size="small", replicas=2))
            )
        )
        await k(widgets.patch("w", {"status": {"replicas": 2, "selector": "app=w"}}, subresource="status"))

        scale = await k(widgets.get_scale("w"))
        assert of_type(scale, Scale) and (scale.spec.replicas, scale.status.replicas) == (2, 2)
        assert scale.status.selector == "app=w"  # from the CRD's labelSelectorPath
        assert k.recorder.last("GET").path == base
        scale.spec.replicas = 4
        scaled = await k(widgets.update_scale("w", scale))
        assert scaled.spec.replicas == 4 and k.recorder.last("PUT").path == base
        assert (await k(widgets.get("w"))).spec.replicas == 4
        patched = await k(widgets.patch_scale("w", {"spec": {"replicas": 6}}))
        assert of_type(patched, Scale) and patched.spec.replicas == 6
        assert k.recorder.last("PATCH").content_type == "application/merge-patch+json"
        patched = await k(widgets.patch_scale("w", [{"op": "replace", "path": "/spec/replicas", "value": 3}], "json"))
        assert (await k(widgets.get("w"))).spec.replicas == patched.spec.replicas == 3

        # The same object through the v1beta1 client (served, no conversion: apiVersion rewritten).
        beta = await k(cs.example_com_v1beta1.widgets(ns).get("w"))
        beta_models = generated(package, "example_com.v1beta1.models")
        assert of_type(beta, beta_models.Widget) and beta.api_version == "example.com/v1beta1"
        assert k.recorder.last("GET").path == f"/apis/example.com/v1beta1/namespaces/{ns}/widgets/w"

        # The cluster-scoped kind of the same manifest: no namespace, and no status verbs (no status subresource).
        gadgets = cs.example_com_v1.gadgets()
        assert not hasattr(gadgets, "update_status") and not hasattr(gadgets, "apply_status")
        gadget = await k(
            gadgets.create(models.Gadget(metadata=ObjectMeta(name="g"), spec=models.GadgetSpec(mode="on")))
        )
        assert of_type(gadget, models.Gadget) and not gadget.metadata.namespace
        assert k.recorder.last("POST").path == "/apis/example.com/v1/gadgets"
        assert [g.metadata.name for g in (await k(gadgets.list())).items] == ["g"]
        await k(gadgets.delete("g"))
        assert k.recorder.last("DELETE").path == "/apis/example.com/v1/gadgets/g"

    run(scenario)


def test_cert_manager_certificate(run: Run, cert_manager_package: str) -> None:
    models = generated(cert_manager_package, "cert_manager_io.v1.models")
    applyconfigs = generated(cert_manager_package, "cert_manager_io.v1.applyconfigs")

    async def scenario(k: Kube) -> None:
        await install_crds(k, CERT_MANAGER_CRD)
        ns = await k.namespace()
        certificates = crd_clientset(k, cert_manager_package).cert_manager_io_v1.certificates(ns)
        base = f"/apis/cert-manager.io/v1/namespaces/{ns}/certificates"

        spec = models.CertificateSpec(
            secret_name="web-tls",
            dns_names=["web.example.com"],
            issuer_ref=models.CertificateSpecIssuerRef(name="ca", kind="ClusterIssuer"),
        )
        created = await k(certificates.create(models.Certificate(metadata=ObjectMeta(name="web"), spec=spec)))
        assert of_type(created, models.Certificate) and created.spec.issuer_ref.kind == "ClusterIssuer"
        assert k.recorder.last("POST").json()["spec"]["issuerRef"] == {"kind": "ClusterIssuer", "name": "ca"}
        # secretName is required by the schema; decoding lets the model lack it, the server refuses it.
        incomplete = models.Certificate.from_dict({"metadata": {"name": "bad"}, "spec": {"issuerRef": {"name": "ca"}}})
        with pytest.raises(errors.InvalidError) as invalid:
            await k(certificates.create(incomplete))
        assert [c["field"] for c in invalid.value.causes] == ["spec.secretName"]

        got = await k(certificates.get("web"))
        got.spec.dns_names = [*got.spec.dns_names, "www.example.com"]
        updated = await k(certificates.update(got))
        assert updated.spec.dns_names == ["web.example.com", "www.example.com"]
        updated.status = models.CertificateStatus(
            conditions=[models.CertificateStatusConditions(type="Ready", status="False", reason="Pending")]
        )
        with_status = await k(certificates.update_status(updated))
        assert [(c.type, c.status) for c in with_status.status.conditions] == [("Ready", "False")]
        assert k.recorder.last("PUT").path == f"{base}/web/status"

        merged = await k(certificates.patch("web", {"spec": {"renewBefore": "720h"}}))
        assert merged.spec.renew_before == "720h"
        patched = await k(
            certificates.patch("web", [{"op": "replace", "path": "/spec/secretName", "value": "web-tls-2"}], "json")
        )
        assert patched.spec.secret_name == "web-tls-2"
        with pytest.raises(errors.UnsupportedMediaTypeError):
            await k(certificates.patch("web", {"spec": {"secretName": "x"}}, "strategic"))

        # conditions is a list-map keyed by type: a second manager's condition merges in.
        condition = (
            applyconfigs.CertificateStatusConditionsApplyConfiguration().with_type("Issuing").with_status("True")
        )
        status = applyconfigs.Certificate("web", ns).with_status(
            applyconfigs.CertificateStatusApplyConfiguration().with_conditions(condition)
        )
        applied = await k(certificates.apply_status(status, field_manager="issuer", force=True))
        assert sorted((c.type, c.status) for c in applied.status.conditions) == [
            ("Issuing", "True"),
            ("Ready", "False"),
        ]
        owned = applyconfigs.extract_certificate(applied, "issuer", subresource="status").to_dict()
        assert owned["status"] == {"conditions": [{"status": "True", "type": "Issuing"}]}

        config = applyconfigs.Certificate("api", ns).with_spec(
            applyconfigs.CertificateSpecApplyConfiguration()
            .with_secret_name("api-tls")
            .with_issuer_ref(applyconfigs.CertificateSpecIssuerRefApplyConfiguration().with_name("ca"))
        )
        applied = await k(certificates.apply(config, field_manager="certs"))
        assert of_type(applied, models.Certificate) and applied.spec.secret_name == "api-tls"
        events = await k.events(
            certificates.watch(resource_version=created.metadata.resource_version, timeout_seconds=2), 10
        )
        assert {e.object.metadata.name for e in events} == {"web", "api"}
        assert all(of_type(e.object, models.Certificate) for e in events)
        assert [i.metadata.name for i in await k.collect(certificates.list_all(page_size=1))] == ["api", "web"]

        await k(certificates.delete("web"))
        await k(certificates.delete_collection())
        assert (await k(certificates.list())).items == []

    run(scenario)
