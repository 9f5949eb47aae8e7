"""TLS contexts as client-go builds them: a given CA is the only trust root; client certificates from files or PEM."""

from __future__ import annotations

import os
import ssl
import tempfile

from kubeclient.config.errors import ConfigError


def server_trust_context(
    *, ca_data: bytes | None, ca_file: str | None, insecure: bool, source: str | None
) -> ssl.SSLContext:
    """Verification on (hostname and chain) unless `insecure`; with a CA only that CA is trusted, without one the
    system roots are."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if ca_file:
        try:
            ctx.load_verify_locations(cafile=ca_file)
        except FileNotFoundError:
            raise ConfigError("certificate-authority file does not exist", source=ca_file) from None
        except ssl.SSLError:
            raise ConfigError("certificate-authority file holds no valid PEM certificate", source=ca_file) from None
    elif ca_data:
        try:
            ctx.load_verify_locations(cadata=ca_data.decode("ascii", errors="replace"))
        except ssl.SSLError:
            raise ConfigError("certificate-authority-data holds no valid PEM certificate", source=source) from None
    else:
        ctx.load_default_certs(ssl.Purpose.SERVER_AUTH)
    return ctx


def load_client_certificate(
    ctx: ssl.SSLContext,
    *,
    cert_data: bytes | None = None,
    key_data: bytes | None = None,
    cert_file: str | None = None,
    key_file: str | None = None,
    source: str | None = None,
) -> None:
    """Present this certificate and key on new connections made with `ctx` (calling it again replaces them)."""
    if cert_file and key_file and cert_data is None and key_data is None:
        for path in (cert_file, key_file):
            if not os.path.exists(path):
                raise ConfigError("file does not exist", source=path)
        _load(ctx, cert_file, key_file, source)
        return
    cert = cert_data if cert_data is not None else _read(cert_file, source)
    key = key_data if key_data is not None else _read(key_file, source)
    # The ssl module loads certificates from files only: write them to a private directory and remove it at once.
    with tempfile.TemporaryDirectory(prefix="kubeclient-") as tmp:
        cert_path, key_path = os.path.join(tmp, "tls.crt"), os.path.join(tmp, "tls.key")
        for path, data in ((cert_path, cert), (key_path, key)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        _load(ctx, cert_path, key_path, source)


def _read(path: str | None, source: str | None) -> bytes:
    if not path:
        raise ConfigError("client certificate and key must both be set", source=source)
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", source=path) from None


def _load(ctx: ssl.SSLContext, cert_path: str, key_path: str, source: str | None) -> None:
    try:
        ctx.load_cert_chain(cert_path, key_path)
    except ssl.SSLError as exc:
        # exc.reason is OpenSSL's short code (e.g. KEY_VALUES_MISMATCH), never the key material.
        raise ConfigError(f"client certificate and key do not load: {exc.reason}", source=source) from None
