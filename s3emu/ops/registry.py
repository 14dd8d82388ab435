"""The handler registry, and what a handler gets (:class:`Call`) and gives back (:class:`Reply`).

A handler is a short function registered under its S3 operation name::

    @operation("HeadBucket", action="s3:ListBucket", kind=BUCKET, acl="READ")
    def head_bucket(call: Call) -> Reply:
        bucket = call.store.bucket(call.bucket_name)
        return Reply(headers={"x-amz-bucket-region": bucket.region})

Handlers translate HTTP to and from the model; they never parse raw bytes themselves (they use
``s3emu.protocol``) and never catch S3Error (``app.py`` renders it).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable
from collections.abc import Mapping

from ..errors import InvalidRequest, MissingContentLength, NotImplemented_
from ..model.blob import Blob
from ..operations import Operation, declare
from ..protocol import body as _body
from ..protocol import checksums, chunked
from ..protocol import xml
from ..protocol.reply import Reply as Reply
from .support.header_names import HeaderNames, names_of

if TYPE_CHECKING:
    from ..auth.request import Authenticated
    from ..auth.users import User, Users
    from ..background import Jobs
    from ..clock import Clock
    from ..events import Events
    from ..ids import Ids
    from ..messages import Inbound
    from ..model.store import Store
    from ..settings import Settings

Handler = Callable[["Call"], "Reply"]


def operation(name: str, **facts: Any) -> Callable[[Handler], Handler]:
    """Declare S3 operation ``name`` (botocore's spelling) with its facts (the keyword
    arguments of :class:`~s3emu.operations.Operation`) and the handler it decorates."""
    def register(handler: Handler) -> Handler:
        declare(name, handler=handler, **facts)
        return handler
    return register


@dataclass
class Call:
    """One request as a handler sees it, with the services it may use. Header names are
    lower-case. A handler never sees the Emulator."""

    #: the operation's record (:class:`~s3emu.operations.Operation`)
    operation: Operation = field(repr=False)
    method: str
    bucket: str | None
    key: str | None
    query: dict[str, str] = field(repr=False)       # may hold presigned signatures
    headers: dict[str, str] = field(repr=False)     # may hold SSE-C keys: never shown
    request_id: str
    region: str
    #: who sent it (``auth.user``, or the signer of a POST form)
    user: User
    #: what authentication found: the user, the credential, the payload check
    auth: Authenticated = field(repr=False)
    #: the request as its edge handed it over (environ, given body, transport facts)
    inbound: Inbound = field(repr=False)
    store: Store = field(repr=False)
    clock: Clock = field(repr=False)
    ids: Ids = field(repr=False)
    users: Users = field(repr=False)
    settings: Settings = field(repr=False)
    secure: bool = True
    virtual_host: bool = False
    #: the requester pays for it (a Requester Pays bucket, another account that agreed):
    #: the reply says ``x-amz-request-charged: requester``; set by the access decision
    request_charged: bool = False
    #: what decided the access check of the request (the journal's ``access``), when one ran
    access: str | None = None
    #: the response's ``x-amz-id-2``
    host_id: str = ""
    #: where what happened to objects is reported (:mod:`s3emu.ops.support.events`)
    events: Events | None = field(default=None, repr=False)
    #: where background work is scheduled (a restore)
    jobs: Jobs | None = field(default=None, repr=False)
    _decoded: chunked.Decoded | None = field(default=None, repr=False)
    #: (the headers, their HeaderNames), made on first use
    _header_names: tuple[dict[str, str], HeaderNames] | None = field(default=None, repr=False)

    @property
    def bucket_name(self) -> str:
        """The bucket's name, for operations routed to a bucket (all but ListBuckets and the
        other account-level ones)."""
        assert self.bucket is not None, f"{self.op} is not routed to a bucket"
        return self.bucket

    @property
    def object_key(self) -> str:
        """The object's key, for operations routed to an object."""
        assert self.key is not None, f"{self.op} is not routed to an object"
        return self.key

    @property
    def op(self) -> str:
        """The operation's name (``operation.name``)."""
        return self.operation.name

    @property
    def header_names(self) -> HeaderNames:
        """Which kinds of header ``headers`` holds (see :class:`.header_names.HeaderNames`)."""
        known = self._header_names
        if known is None or known[0] is not self.headers:   # a copy may carry other headers
            known = self._header_names = (self.headers, names_of(self.headers))
        return known[1]

    @property
    def environ(self) -> dict[str, Any]:
        """The WSGI environ (REMOTE_ADDR, CONTENT_LENGTH, ``wsgi.input``)."""
        return self.inbound.environ

    def acting_as(self, headers: dict[str, str], user: User, payload: Blob) -> Call:
        """The same request with other headers and user, and a body already read (a POST
        form's file, written as a PutObject by the form's signer)."""
        return replace(self, headers=headers, user=user, _header_names=None,
                       _decoded=chunked.Decoded(payload))

    @property
    def bytes_in(self) -> int:
        """How many payload bytes the handler read (0 when it never read the body)."""
        return self._decoded.payload.size if self._decoded is not None else 0

    @property
    def content_length(self) -> int | None:
        return _body.declared_length(self.inbound.environ)

    def decoded(self, *, required_length: bool = False,
                cap: _body.Cap | None = None) -> chunked.Decoded:
        """The request body, aws-chunked decoded (payload, chunk signatures, trailers); with
        ``cap``, refused beyond it (the operation record's ``body_cap``)."""
        if self._decoded is None:
            if required_length:
                self._check_length_declared()
            decoded = _body.read_payload(self.inbound.environ, self.headers, cap,
                                         self.inbound.body)
            check = self.auth.payload_check      # the signature's: hash / chunk chain
            if check is not None:
                check(decoded)
            self._decoded = decoded
        return self._decoded

    def _check_length_declared(self) -> None:
        """S3 needs an object's length up front: Transfer-Encoding: chunked without a
        declared length is 501 NotImplemented, no Content-Length at all 411."""
        if "chunked" in self.headers.get("transfer-encoding", "").lower() and \
                "x-amz-decoded-content-length" not in self.headers:
            raise NotImplemented_(Header="Transfer-Encoding")
        if self.inbound.body is None and self.content_length is None and \
                not _body.is_terminated(self.inbound.environ):
            raise MissingContentLength()

    def payload(self, *, required_length: bool = False) -> Blob:
        """The request body as a Blob, aws-chunked decoded; read at most once."""
        return self.decoded(required_length=required_length).payload

    def verified_body(self, *, digest_required: bool = False) -> bytes:
        """The body of a configuration request, its Content-MD5 and flexible checksum
        verified when sent (InvalidDigest / BadDigest / InvalidRequest).

        With ``digest_required`` (DeleteObjects, ...) a request carrying neither is
        InvalidRequest "Missing required header for this request: Content-MD5".
        """
        payload = self.decoded(cap=self.operation.body_cap).payload
        md5 = self.headers.get("content-md5")
        if digest_required and not self.has_digest:
            raise InvalidRequest("Missing required header for this request: Content-MD5")
        if md5 is not None:
            checksums.check_content_md5(md5, checksums.md5_hex(payload.segments))
        checksums.verify_checksums(self.headers, self.trailers, payload.segments)
        return payload.tobytes()

    @property
    def has_digest(self) -> bool:
        """Whether the request carries Content-MD5 or a flexible checksum (a header, or a
        trailer of an aws-chunked body)."""
        headers, trailers = self.headers, self.trailers
        return "content-md5" in headers or any(
            name in headers or name in trailers for name in checksums.HEADER_OF.values())

    @property
    def trailers(self) -> Mapping[str, str]:
        """Trailer headers of an aws-chunked body (empty otherwise)."""
        return self.decoded().trailers

    def body(self) -> bytes:
        """The request body as bytes (for small XML/JSON bodies)."""
        return self.decoded(cap=self.operation.body_cap).payload.tobytes()

    def xml_body(self, root: str | None = None) -> dict[str, Any]:
        """The request body parsed as XML; MalformedXML when it is not."""
        return xml.parse(self.body(), root)
