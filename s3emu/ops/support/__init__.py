"""What the handlers of :mod:`s3emu.ops` share and that registers no operation: HTTP
preconditions, object headers, copy sources, byte ranges, SSE of object requests."""
