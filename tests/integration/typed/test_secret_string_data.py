"""A Secret's stringData is merged into data (base64, stringData winning) and never stored: what the real
apiserver's conversion does, and the fake now too."""

from __future__ import annotations

import base64

from tests.integration.backends import Backend

from kubeapi import Clientset
from kubeapi.core.v1 import Secret
from kubeapi.meta.v1 import ObjectMeta


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_string_data_becomes_data(backend: Backend) -> None:
    with Clientset.for_config(backend.config()) as cs:
        secrets = cs.core_v1.secrets(backend.namespace)
        created = secrets.create(
            Secret(
                metadata=ObjectMeta(name="creds"),
                data={"user": b64("admin"), "password": b64("old")},
                string_data={"password": "s3cret", "token": "t"},
            )
        )
        read = secrets.get("creds")
        for obj in (created, read):
            assert obj.data == {"user": b64("admin"), "password": b64("s3cret"), "token": b64("t")}
            assert not obj.string_data
            assert obj.type == "Opaque"
        read.string_data = {"extra": "x"}
        updated = secrets.update(read)
        assert updated.data is not None and updated.data["extra"] == b64("x") and not updated.string_data
        patched = secrets.patch("creds", {"stringData": {"user": "root"}})
        assert patched.data is not None and base64.b64decode(patched.data["user"]) == b"root"
        assert not patched.string_data
