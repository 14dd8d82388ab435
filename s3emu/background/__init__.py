"""What S3 does on its own schedule, run by the emulator's :class:`~s3emu.scheduler.Scheduler`:
each job acts on the model through the buckets' own operations and journals its effect."""
