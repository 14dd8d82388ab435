"""Packaging: everything else is declared in setup.cfg.

The packages are found, not listed (a package left out of a hand-written list breaks every
install), and the plugin's source folder ``pytest_plugin/`` installs under its own name,
``s3emu_pytest``, as the ``pytest11`` entry point expects.
"""
from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["s3emu", "s3emu.*"]), "s3emu_pytest"],
      package_dir={"s3emu_pytest": "pytest_plugin"})
