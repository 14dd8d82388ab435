"""s3emu's pytest plugin, installed as ``s3emu_pytest`` and registered through the ``pytest11``
entry point (installing s3emu is enough).

:mod:`.plugin` holds the hooks (options, the ``s3emu`` marker, the request log of failed tests);
:mod:`.fixtures` holds the fixtures (``s3emu`` and its alias ``s3_emulator``, ``s3_client``,
``s3emu_server`` and session-scoped variants). Neither imports s3emu, boto3 or botocore until
a fixture is used.
"""
