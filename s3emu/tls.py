"""TLS for the standalone server: certificates made at start, and the server's SSL context.

:func:`make_self_signed` writes a fresh certificate authority and a server certificate signed by
it (for ``localhost``, ``*.localhost``, ``127.0.0.1``, ``::1`` and the bound host) to a new
temporary folder; clients trust the CA file (boto3 ``verify=``, the AWS CLI's
``--ca-bundle`` / ``AWS_CA_BUNDLE``). Making certificates needs the ``cryptography`` package,
the optional ``tls`` extra (``pip install 's3emu[tls]'``), imported only here and only then;
serving a certificate and key the user gives needs only the standard library.

Why ``cryptography`` rather than the ``openssl`` command: it is the one maintained way to make
X.509 certificates from Python, it works the same on every platform (no binary to find, no
LibreSSL/OpenSSL option differences, no output to parse), and it stays optional.
"""
from __future__ import annotations

import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable

from .clock import Clock

#: How long a made certificate is valid (from a day before it is made).
VALIDITY = timedelta(days=365)
INSTALL_HINT = ("making a TLS certificate needs the 'cryptography' package: "
                "pip install 's3emu[tls]' (or pass your own certificate and key)")


@dataclass(frozen=True)
class CertificateFiles:
    """PEM files for serving TLS: ``cert`` (chain), ``key``, and ``ca`` for clients to trust."""

    cert: str
    key: str
    ca: str | None = None
    #: the temporary folder holding made files (removed by :func:`remove`)
    folder: str | None = None


def _names(hosts: Iterable[str]) -> list:
    from cryptography import x509
    names: list = [x509.DNSName("localhost"), x509.DNSName("*.localhost"),
                   x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                   x509.IPAddress(ipaddress.ip_address("::1"))]
    for host in hosts:
        if not host or host in ("0.0.0.0", "::", "localhost", "127.0.0.1", "::1"):
            continue
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool,
                 names: Iterable[Any] = ()):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID
    now = Clock.system().now()
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + VALIDITY)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None),
                              critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, content_commitment=False, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                   crl_sign=ca, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                              critical=False))
    if not ca:
        builder = (builder
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                                  critical=False)
                   .add_extension(x509.SubjectAlternativeName(names), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       signing_key.public_key()), critical=False))
    return builder.sign(signing_key, hashes.SHA256())


def make_self_signed(hosts: Iterable[str] = (), folder: str | None = None) -> CertificateFiles:
    """Make a CA and a server certificate it signs; write ``ca.pem``, ``cert.pem`` (server
    certificate then CA) and ``key.pem`` (readable by the owner only) to ``folder`` (default:
    a new temporary folder). RuntimeError if ``cryptography`` is not installed."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        raise RuntimeError(INSTALL_HINT) from None
    made = folder is None
    folder = folder or tempfile.mkdtemp(prefix="s3emu-tls-")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "s3emu"),
                         x509.NameAttribute(NameOID.COMMON_NAME,
                                            f"s3emu test CA {os.urandom(4).hex()}")])
    ca_cert = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = _certificate(name, ca_name, key.public_key(), ca_key, ca=False, names=_names(hosts))
    pem = serialization.Encoding.PEM
    paths = {part: os.path.join(folder, f"{part}.pem") for part in ("ca", "cert", "key")}
    with open(paths["ca"], "wb") as out:
        out.write(ca_cert.public_bytes(pem))
    with open(paths["cert"], "wb") as out:
        out.write(cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    descriptor = os.open(paths["key"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return CertificateFiles(paths["cert"], paths["key"], paths["ca"], folder if made else None)


def server_context(cert: str, key: str) -> ssl.SSLContext:
    """A server-side SSL context (TLS 1.2+) for the PEM certificate chain and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def remove(files: CertificateFiles | None) -> None:
    """Delete the temporary folder of made certificate files (nothing for given files)."""
    if files is not None and files.folder:
        shutil.rmtree(files.folder, ignore_errors=True)
