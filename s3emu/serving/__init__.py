"""The standalone server's HTTP/1.1: framing of request heads and bodies, one exchange per
request, and the hub of connections and workers that :class:`s3emu.server.Server` runs."""
