"""Seed records of the demo catalog, shipped as ``records.json.gz``.

Nine real primary-asset metadata records (DocDB documents, content unedited) chosen to span
schema versions 0.2.7 to 2.3.3, several modalities and projects. They come from the
AllenNeuralDynamics repository ``aind-metadata-upgrader`` (``tests/records/v1/``; exact paths
and commits in the shared fixtures' ``SOURCES.tsv``), published by the Allen Institute for
Neural Dynamics under the MIT licence, Copyright (c) Allen Institute for Neural Dynamics.
"""
