"""API benchmark: how fast the GraphQL API answers over a catalog of realistic size.

Everything runs against services this script starts itself:

1. A throwaway PostgreSQL cluster (``tests/servers.PostgresServer``), a fresh database migrated
   to head, bulk-loaded with ``--assets`` generated assets (100,000) and ``--files`` files
   (1,000,000) through binary ``COPY`` (asyncpg ``copy_records_to_table``), then ``VACUUM
   ANALYZE``. Assets are varied like a real lab's: ~16,000 subjects of 5 species, 30 projects, 13
   platforms and their modality mixes, acquisitions over five years, QC states, chains of derived
   assets (sorted, curated, stitched...) linked by provenance edges, a SmartSPIM asset of 2,000
   files, and a connected lineage DAG of 1,000 assets 37 layers deep. Each asset has small
   ``subject``, ``data_description`` and ``session`` (``acquisition`` from 2025) documents, plus
   ``processing`` when derived; files are paths, sizes, SHA-256 hex digests and keys
   ``<asset>/<path>`` in a local ``file://`` store (URLs are signed, never fetched).
2. ``catalog serve`` in a subprocess (so client and server do not share a GIL), measured over
   HTTP with httpx: sequential requests after a warm-up, p50 and p95 of (a) a filtered first
   page, (b) the next page by its cursor, (c) the first page with ``totalCount``, (d) four
   facets, (e) one asset's first 100 files with signed URLs, (f) a 1,000-node provenance graph,
   (g) a manifest of ~10,000 signed URLs through GraphQL and streamed from ``GET /manifest``
   (each skipped with a note while the server lacks it).
3. A baseline: a minimal Starlette app (``--serve-baseline``, also a subprocess under uvicorn)
   running the SQL of (a), compiled from the catalog's own repo functions, and the modalities
   lookup through asyncpg, answering plain JSON. Reported with the ratio catalog / baseline.

Usage::

    .venv/bin/python benchmarks/api.py [--assets 100000] [--files 1000000] [--requests 200]
        [--budget 30] [--profile] [--no-results]

Prints a Markdown table and rewrites the "API" section of ``benchmarks/RESULTS.md`` (other
sections are kept). ``--profile`` then replays every query with PostgreSQL statement logging,
to tell SQL time from Python time per request, and with ``auto_explain`` to print the plans the
server actually ran (generic plans included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from results import RESULTS, preamble, verdict, write_section  # noqa: E402
from servers import PostgresServer, free_port  # noqa: E402

from catalog.conventions.modalities import Vocabulary  # noqa: E402
from catalog.conventions.names import parse_name  # noqa: E402
from catalog.db.engine import Database  # noqa: E402
from catalog.db.migrate import upgrade  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

SECTION = "## API (benchmarks/api.py)"

START = datetime(2021, 1, 1, tzinfo=UTC)
END = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
BIG_FILES = 2_000  # files of the asset whose first 100 files are asked for
DAG_SIZE = 1_000
DAG_WIDTH = 27
MANIFEST_URLS = 10_000
CHUNK = 5_000  # assets per COPY round

ACQUIRED_AFTER = "2023-01-01T00:00:00Z"
FIRST_PAGE_FILTER = {"modality": ["ecephys"], "species": "Mus musculus", "acquiredAfter": ACQUIRED_AFTER}
FIRST_PAGE_TARGET_MS = 10.0
RATIO_TARGET = 2.5
FACETS_TARGET_MS = 150.0
PROVENANCE_TARGET_MS = 50.0
MANIFEST_TARGET_MS = 500.0
STREAMED_TARGET_MS = 200.0

# --- what a lab's catalog holds ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Platform:
    label: str
    weight: int
    mixes: tuple[tuple[str, ...], ...]  # modality sets, the first most common
    processes: tuple[str, ...]  # the process label of each derived step
    data: str  # data file path template: {i} the file's index
    sizes: tuple[int, int]  # data file size range, bytes
    session_types: tuple[str, ...]
    rig: str


MB = 1_000_000
PLATFORMS = (
    Platform(
        "ecephys", 25, (("ecephys", "behavior", "behavior-videos"), ("ecephys",), ("ecephys", "behavior-videos")),
        ("sorted", "curated"), "ecephys/ecephys_compressed/experiment1_Record Node 101#Neuropix-PXI-100.Probe{i}.zarr",
        (200 * MB, 40_000 * MB), ("OPTO_TAGGING", "Dynamic Routing", "Passive stimulation", "Receptive field mapping"),
        "323_EPHYS",
    ),
    Platform(
        "behavior", 20, (("behavior", "behavior-videos"), ("behavior",)), ("processed",),
        "behavior/behavior_{i:04d}.nwb", (5 * MB, 900 * MB),
        ("Coupled Baiting", "Uncoupled Without Baiting", "Foraging"), "447_FRG_D",
    ),
    Platform(
        "multiplane-ophys", 12, (("pophys", "behavior", "behavior-videos"), ("pophys",)), ("processed", "dff"),
        "ophys/ophys_experiment_{i:04d}/timeseries.h5", (500 * MB, 9_000 * MB),
        ("OPHYS_1_images_A", "OPHYS_2_images_A_passive", "STAGE_1"), "MESO.2",
    ),
    Platform(
        "single-plane-ophys", 5, (("pophys", "behavior"), ("pophys",)), ("processed",),
        "ophys/plane_0/frames_{i:04d}.tif", (100 * MB, 4_000 * MB), ("BCI single neuron stim",), "BCI-2",
    ),
    Platform(
        "SmartSPIM", 10, (("SPIM",),), ("stitched", "segmented"),
        "SPIM.ome.zarr/Ex_{i:03d}_Em_525.zarr/0/0/0", (50 * MB, 2_000 * MB), ("SmartSPIM imaging",), "SmartSPIM1-4",
    ),
    Platform(
        "FIP", 8, (("fib", "behavior", "behavior-videos"), ("fib", "behavior")), ("processed",),
        "fib/FIP_DataG_{i:04d}.csv", (1 * MB, 300 * MB), ("Foraging_FIP", "Uncoupled Baiting"), "FIP_428",
    ),
    Platform(
        "HCR", 4, (("SPIM",),), ("processed",),
        "SPIM/Tile_X_{i:04d}_Y_0000_Z_0000_ch_488.ome.zarr", (100 * MB, 3_000 * MB), ("HCR round 1",), "HCR-SPIM",
    ),
    Platform(
        "SLAP2", 4, (("slap2", "behavior"), ("slap2",)), ("processed",),
        "slap2/acquisition_DMD{i}.dat", (300 * MB, 8_000 * MB), ("SLAP2 imaging",), "SLAP2_1",
    ),
    Platform(
        "icephys", 3, (("icephys",),), ("analyzed",), "icephys/sweep_{i:04d}.abf", (1 * MB, 80 * MB),
        ("Patch-seq",), "Patch-rig-3",
    ),
    Platform("ISI", 3, (("ISI",),), ("processed",), "isi/frames_{i:04d}.h5", (50 * MB, 600 * MB), ("ISI",), "ISI-1"),
    Platform("MRI", 2, (("MRI",),), ("processed",), "mri/scan_{i:02d}.nii.gz", (20 * MB, 700 * MB), ("MRI",), "MRI-7T"),
    Platform(
        "confocal", 2, (("confocal",),), ("processed",), "confocal/image_{i:04d}.czi", (50 * MB, 2_000 * MB),
        ("Confocal imaging",), "LSM980",
    ),
    Platform(
        "barseq", 2, (("BARseq",),), ("processed",), "barseq/cycle_{i:02d}.tif", (100 * MB, 3_000 * MB),
        ("BARseq",), "BARseq-1",
    ),
)  # fmt: skip
PROJECTS = (
    "Dynamic Routing", "Brain Computer Interface", "Cognitive flexibility in patch foraging",
    "Thalamus in the middle", "Learning mFISH-V1omFISH", "Neuropixels Opto", "Behavior Platform",
    "Discovery-Neuromodulator circuit dynamics during foraging", "OpenScope", "Ephys Platform",
    "SmartSPIM Whole Brain Atlas", "Cell Type LUT", "Single-neuron computations within brain-wide circuits",
    "Force Foraging", "Medulla", "Credit assignment during learning", "Information seeking in partially observable environments",
    "Hopkins Ephys", "V1 Omnibus", "Brain-wide circuits underlying memory consolidation", "Allen Brain Observatory",
    "Neurotransmitter Sensors", "Molecular Anatomy Cell Types", "Motor Observatory", "Hippocampal Replay",
    "Dopamine in Striatum", "Claustrum", "Cortical Column", "Patch-seq Cell Types", "Zona Incerta Circuits",
)  # fmt: skip
SPECIES = (
    ("Mus musculus", "10090", 86), ("Rattus norvegicus", "10116", 5), ("Homo sapiens", "9606", 4),
    ("Macaca mulatta", "9544", 3), ("Callithrix jacchus", "9483", 2),
)  # fmt: skip
GENOTYPES = (
    "wt/wt", "Pvalb-IRES-Cre/wt", "Sst-IRES-Cre/wt", "Vip-IRES-Cre/wt", "VGAT-ChR2-YFP/wt",
    "Slc17a7-IRES2-Cre/wt;Camk2a-tTA/wt;Ai93(TITL-GCaMP6f)/wt", "Dbh-Cre-KI/wt", "Chat-IRES-Cre-neo/wt",
    "Ai14(RCL-tdT)/wt", "Rbp4-Cre_KL100/wt;Ai148(TIT2L-GC6f-ICL-tTA2)/wt", "Drd1a-Cre/wt", "Adora2a-Cre/wt",
    "Sim1-Cre_KJ18/wt", "Tlx3-Cre_PL56/wt", "Gad2-IRES-Cre/wt;Ai32(RCL-ChR2(H134R)_EYFP)/wt",
)  # fmt: skip
INVESTIGATORS = (
    "Shawn Olsen", "Karel Svoboda", "Jeremiah Cohen", "Saskia de Vries", "Marcus Aguilar", "Jerome Lecoq",
    "Kaspar Podgorski", "Nicholas Steinmetz", "Lucas Kinsey", "Severine Durand", "Joshua Siegle", "Hongkui Zeng",
)  # fmt: skip
EXPERIMENTERS = (
    "Avalon Amaya",
    "Ben Ouellette",
    "Henry Loeffler",
    "Jackie Swapp",
    "Katrina Nguyen",
    "Sam Seid",
)
INSTITUTIONS = (
    ("AIND", "Allen Institute for Neural Dynamics", 85),
    ("AIBS", "Allen Institute for Brain Science", 10),
)
INSTITUTIONS += (("JHU", "Johns Hopkins University", 5),)
QC = ((None, 20), ("PASS", 60), ("FAIL", 8), ("PENDING", 12))


@dataclass(slots=True)
class Subject:
    subject_id: str
    species: str
    taxon: str
    sex: str
    birth: date
    genotype: str
    project: str
    institution: tuple[str, str]
    investigators: list[str]
    platform: Platform
    active: datetime  # first session
    document: str = ""  # the subject document as JSON, made once


@dataclass(slots=True)
class Plan:
    """One asset to load: what its row, documents, files and edges are made from."""

    id: int
    name: str
    subject: Subject
    platform: Platform
    modalities: tuple[str, ...]
    acquired: datetime
    acquired_end: datetime
    session_type: str
    qc: str | None
    primary: Plan | None = None  # the primary asset of a derived one
    process: str | None = None
    processed: datetime | None = None
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (input name, source)
    files: int = 0

    @property
    def derived(self) -> bool:
        return self.primary is not None


@dataclass(slots=True)
class Catalog:
    """The generated catalog and the assets and filters the queries are about."""

    plans: list[Plan]
    files_asset: str = ""
    dag_root: str = ""
    manifest_filter: dict[str, Any] = field(default_factory=dict)
    manifest_files: int = 0
    dag_size: int = 0


def _weighted(rng: random.Random, items: Sequence[Any], weights: Sequence[int]) -> Any:
    return rng.choices(items, weights=weights)[0]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d_%H-%M-%S")


def make_subjects(rng: random.Random, count: int) -> list[Subject]:
    project_weights = [30 - index for index in range(len(PROJECTS))]  # a few big projects, a long tail
    span = (END - START - timedelta(days=120)).total_seconds()
    subjects = []
    for index in range(count):
        name, taxon, _ = _weighted(rng, SPECIES, [w for _, _, w in SPECIES])
        active = START + timedelta(seconds=rng.uniform(0, span))
        subjects.append(
            Subject(
                subject_id=str(600_000 + index),
                species=name,
                taxon=taxon,
                sex=rng.choice(("Male", "Female")),
                birth=(active - timedelta(days=rng.randint(56, 200))).date(),
                genotype=rng.choice(GENOTYPES) if name == "Mus musculus" else "wt/wt",
                project=_weighted(rng, PROJECTS, project_weights),
                institution=_weighted(rng, [i[:2] for i in INSTITUTIONS], [i[2] for i in INSTITUTIONS]),
                investigators=rng.sample(INVESTIGATORS, rng.randint(1, 2)),
                platform=_weighted(rng, PLATFORMS, [p.weight for p in PLATFORMS]),
                active=active,
            )
        )
    return subjects


def _session(rng: random.Random, plan_id: int, subject: Subject) -> Plan:
    """A primary asset: one acquisition session of a subject, mostly on its usual platform."""
    platform = (
        subject.platform if rng.random() < 0.85 else _weighted(rng, PLATFORMS, [p.weight for p in PLATFORMS])
    )
    acquired = subject.active + timedelta(seconds=rng.uniform(0, 365 * 86400))
    acquired = min(acquired, END - timedelta(days=rng.uniform(1, 30))).replace(microsecond=0)
    mix = platform.mixes[0] if rng.random() < 0.7 else rng.choice(platform.mixes)
    name = f"{platform.label}_{subject.subject_id}_{_stamp(acquired)}"
    return Plan(
        id=plan_id,
        name=name,
        subject=subject,
        platform=platform,
        modalities=mix,
        acquired=acquired,
        acquired_end=acquired + timedelta(minutes=rng.randint(20, 180)),
        session_type=rng.choice(platform.session_types),
        qc=_weighted(rng, [q for q, _ in QC], [w for _, w in QC]),
    )


def _derive(rng: random.Random, plan_id: int, parent: Plan, process: str, after: datetime) -> Plan:
    processed = (after + timedelta(hours=rng.uniform(2, 60 * 24))).replace(microsecond=0)
    primary = parent.primary or parent
    derived = Plan(
        id=plan_id,
        name=f"{parent.name}_{process}_{_stamp(processed)}",
        subject=parent.subject,
        platform=parent.platform,
        modalities=parent.modalities,
        acquired=parent.acquired,
        acquired_end=parent.acquired_end,
        session_type=parent.session_type,
        qc=_weighted(rng, [q for q, _ in QC], [w for _, w in QC]),
        primary=primary,
        process=process,
        processed=processed,
        inputs=[(parent.name, "name")],
    )
    if rng.random() < 0.25:  # the processing document names the input too
        derived.inputs.append((parent.name, "processing"))
    return derived


def make_lineage(
    rng: random.Random, first_id: int, size: int, sessions: list[Plan], subject: Subject
) -> list[Plan]:
    """A connected DAG of ``size`` assets: a root session, then layers of analyses each taking 1-3
    inputs from the layer before (sometimes one from two layers up). Each node's name says it is
    derived from some other session (a multi-session analysis), so names do not shortcut the DAG."""
    platform = PLATFORMS[0]
    acquired = (subject.active + timedelta(days=3)).replace(microsecond=0)
    root = Plan(
        id=first_id,
        name=f"{platform.label}_{subject.subject_id}_{_stamp(acquired)}",
        subject=subject,
        platform=platform,
        modalities=platform.mixes[0],
        acquired=acquired,
        acquired_end=acquired + timedelta(hours=2),
        session_type=platform.session_types[0],
        qc="PASS",
    )
    layers: list[list[Plan]] = [[root]]
    plans = [root]
    processes = ("sorted", "curated", "analyzed", "merged", "decoded", "aligned")
    while len(plans) < size:
        depth = len(layers)
        layer: list[Plan] = []
        for j in range(min(DAG_WIDTH, size - len(plans))):
            session = rng.choice(sessions)
            node = _derive(
                rng, first_id + len(plans), session, processes[depth % len(processes)], session.acquired
            )
            node.inputs = [(session.name, "name")]
            previous = layers[-1]
            parents = {
                previous[(j + offset) % len(previous)].name
                for offset in rng.sample((-1, 0, 1), rng.randint(1, 3))
            }
            if depth >= 2 and rng.random() < 0.1:
                parents.add(rng.choice(layers[-2]).name)
            node.inputs += [(parent, "processing") for parent in sorted(parents)]
            layer.append(node)
            plans.append(node)
        layers.append(layer)
    return plans


def plan_catalog(
    assets: int, files: int, seed: int = 20261124, lineage_projects: Sequence[str] | None = None
) -> Catalog:
    """Every asset with its file count; the counts add up to ``files`` exactly. ``lineage_projects``
    keeps the lineage DAG's sessions (hence its assets) to those projects, its root a session of
    the first (default: any project)."""
    rng = random.Random(seed)
    subjects = make_subjects(rng, max(50, assets // 6))
    dag_size = min(DAG_SIZE, assets // 10)
    pool = assets - dag_size
    plans: list[Plan] = []
    sessions: list[Plan] = []
    while len(plans) < pool:
        session = _session(rng, len(plans) + 1, rng.choice(subjects))
        plans.append(session)
        sessions.append(session)
        parent, step = session, 0
        while (
            step < len(session.platform.processes)
            and len(plans) < pool
            and rng.random() < (0.45, 0.5)[min(step, 1)]
        ):
            parent = _derive(
                rng,
                len(plans) + 1,
                parent,
                session.platform.processes[step],
                parent.processed or parent.acquired,
            )
            plans.append(parent)
            step += 1
    if lineage_projects is None:
        plans += make_lineage(rng, len(plans) + 1, dag_size, sessions, subjects[0])
    else:
        chosen = [session for session in sessions if session.subject.project in lineage_projects]
        root = next(session for session in chosen if session.subject.project == lineage_projects[0])
        plans += make_lineage(rng, len(plans) + 1, dag_size, chosen, root.subject)
    catalog = Catalog(plans, dag_size=dag_size)
    big = next((p for p in sessions if p.platform.label == "SmartSPIM"), sessions[0])
    catalog.files_asset, catalog.dag_root = big.name, plans[pool].name if dag_size else plans[0].name
    _count_files(rng, plans, files, big)
    _choose_manifest(catalog, min(MANIFEST_URLS, files // 10))
    return catalog


def _count_files(rng: random.Random, plans: list[Plan], total: int, big: Plan) -> None:
    least = 6  # metadata files and at least one data file
    big_files = min(BIG_FILES, total // 10)
    average = (total - big_files) / max(1, len(plans) - 1)
    if average < least:
        raise SystemExit(f"--files must be at least {least + 1} per asset")
    for plan in plans:
        plan.files = max(least, round(rng.gauss(average, average * 0.3)))
    big.files = big_files
    others = [plan for plan in plans if plan is not big]
    surplus = sum(plan.files for plan in plans) - total
    while surplus:
        plan = rng.choice(others)
        if surplus > 0 and plan.files > least:
            plan.files, surplus = plan.files - 1, surplus - 1
        elif surplus < 0:
            plan.files, surplus = plan.files + 1, surplus + 1


def _choose_manifest(catalog: Catalog, wanted: int) -> None:
    """A filter on one project and an acquisition window that selects about ``wanted`` files."""
    by_project: dict[str, list[Plan]] = {}
    for plan in catalog.plans:
        by_project.setdefault(plan.subject.project, []).append(plan)
    project, plans = max(by_project.items(), key=lambda item: sum(p.files for p in item[1]))
    plans.sort(key=lambda p: p.acquired)
    count, cut = 0, plans[-1].acquired + timedelta(seconds=1)
    for index, plan in enumerate(plans):
        count += plan.files
        if count >= wanted and (index + 1 == len(plans) or plans[index + 1].acquired != plan.acquired):
            cut = plan.acquired + timedelta(seconds=1)
            break
    catalog.manifest_filter = {"project": project, "acquiredBefore": cut.isoformat().replace("+00:00", "Z")}
    catalog.manifest_files = count


# --- rows ----------------------------------------------------------------------------------------

ASSET_COLUMNS = (
    "id", "name", "kind", "state", "label", "subject_id", "species", "sex", "date_of_birth", "genotype",
    "project", "institution", "investigators", "experimenters", "funding", "data_level", "acquired_at",
    "acquired_end", "instrument_id", "session_type", "qc_status", "process_label", "processed_at",
    "processed_end", "store_url", "location", "file_count", "total_size", "metadata_digest", "warnings",
    "registered_at",
)  # fmt: skip
LATER_COLUMNS = (
    "location_prefix",
    "acquisition_duration",
    "subject_age_at_acquisition",
    "processing_duration",
)
"""Asset columns of later schema revisions: loaded when the migrated database has them."""
TERMS = (("investigator", "investigators"), ("experimenter", "experimenters"), ("funding", "funding"))
DOCUMENT_COLUMNS = (
    "id",
    "asset_id",
    "document",
    "version",
    "is_current",
    "schema_version",
    "content",
    "recorded_at",
)
FILE_COLUMNS = ("id", "asset_id", "path", "size", "sha256", "key")
EDGE_COLUMNS = ("derived_id", "input_name", "source", "input_location")


@dataclass(slots=True)
class Rows:
    assets: list[tuple[Any, ...]] = field(default_factory=list)
    modalities: list[tuple[Any, ...]] = field(default_factory=list)
    documents: list[tuple[Any, ...]] = field(default_factory=list)
    files: list[tuple[Any, ...]] = field(default_factory=list)
    edges: list[tuple[Any, ...]] = field(default_factory=list)
    terms: list[tuple[Any, ...]] = field(default_factory=list)  # asset_terms, when the schema has it


class RowMaker:
    """Turns plans into table rows; ids of documents and files are numbered here."""

    def __init__(self, store_url: str, seed: int = 7) -> None:
        self.store_url = store_url
        self.rng = random.Random(seed)
        self.document_id = 0
        self.file_id = 0
        self.vocabulary = Vocabulary()

    def rows(self, plans: Sequence[Plan]) -> Rows:
        rows = Rows()
        for plan in plans:
            total = self._files(plan, rows.files)
            registered = (plan.processed or plan.acquired_end) + timedelta(minutes=self.rng.randint(5, 4000))
            asset = self._asset(plan, total, registered)
            rows.assets.append(asset)
            lists = dict(zip(ASSET_COLUMNS, asset, strict=False))
            rows.terms += [(plan.id, kind, v) for kind, name in TERMS for v in json.loads(lists[name])]
            rows.modalities += [(plan.id, m) for m in plan.modalities]
            for document, version, content in self._documents(plan):
                self.document_id += 1
                rows.documents.append(
                    (self.document_id, plan.id, document, 1, True, version, content, registered)
                )
            rows.edges += [
                (plan.id, name, source, f"{self.store_url}/{name}" if source == "processing" else None)
                for name, source in plan.inputs
            ]
        return rows

    def _asset(self, plan: Plan, total_size: int, registered: datetime) -> tuple[Any, ...]:
        subject = plan.subject
        processed_end = (
            plan.processed + timedelta(minutes=self.rng.randint(10, 600)) if plan.processed else None
        )
        return (
            plan.id, plan.name, "DERIVED" if plan.derived else "PRIMARY", "ready", plan.platform.label,
            subject.subject_id, subject.species, subject.sex, subject.birth, subject.genotype, subject.project,
            subject.institution[0], json.dumps(subject.investigators), json.dumps(EXPERIMENTERS[plan.id % 6 : plan.id % 6 + 1]),
            '["Allen Institute"]', "derived" if plan.derived else "raw", plan.acquired, plan.acquired_end,
            plan.platform.rig, plan.session_type, plan.qc, plan.process, plan.processed, processed_end,
            self.store_url, f"{self.store_url}/{plan.name}", plan.files, total_size,
            f"{self.rng.getrandbits(256):064x}", "[]", registered,
            # LATER_COLUMNS
            self.store_url, (plan.acquired_end - plan.acquired).total_seconds(),
            (plan.acquired.date() - subject.birth).days,
            (processed_end - plan.processed).total_seconds() if processed_end and plan.processed else None,
        )  # fmt: skip

    def _files(self, plan: Plan, out: list[tuple[Any, ...]]) -> int:
        metadata = ["data_description.json", "subject.json", "procedures.json"]
        metadata.append("acquisition.json" if plan.acquired.year >= 2025 else "session.json")
        metadata += (
            ["processing.json", "quality_control.json"] if plan.derived else ["rig.json", "instrument.json"]
        )
        paths = metadata[: min(len(metadata), plan.files - 1)]
        paths += [plan.platform.data.format(i=i) for i in range(plan.files - len(paths))]
        low, high = plan.platform.sizes
        total = 0
        for path in paths:
            self.file_id += 1
            size = self.rng.randint(600, 40_000) if path.endswith(".json") else self.rng.randint(low, high)
            total += size
            out.append(
                (
                    self.file_id,
                    plan.id,
                    path,
                    size,
                    f"{self.rng.getrandbits(256):064x}",
                    f"{plan.name}/{path}",
                )
            )
        return total

    def _documents(self, plan: Plan) -> Iterator[tuple[str, str, str]]:
        subject = plan.subject
        if not subject.document:
            subject.document = json.dumps(subject_document(subject))
        yield "subject", "0.5.9", subject.document
        yield "data_description", "1.0.0", json.dumps(self._description(plan))
        session = plan.primary or plan
        if session.acquired.year >= 2025:
            yield "acquisition", "2.0.80", json.dumps(acquisition_document(session))
        else:
            yield "session", "1.0.1", json.dumps(session_document(session))
        if plan.derived:
            yield "processing", "1.1.1", json.dumps(processing_document(plan, self.store_url))

    def _description(self, plan: Plan) -> dict[str, Any]:
        subject = plan.subject
        return {
            "describedBy": "https://raw.githubusercontent.com/AllenNeuralDynamics/aind-data-schema/main/src/aind_data_schema/core/data_description.py",
            "schema_version": "1.0.0",
            "license": "CC-BY-4.0",
            "platform": {"name": f"{plan.platform.label} platform", "abbreviation": plan.platform.label},
            "subject_id": subject.subject_id,
            "creation_time": (plan.processed or plan.acquired).isoformat(),
            "label": None,
            "name": plan.name,
            "institution": {"name": subject.institution[1], "abbreviation": subject.institution[0]},
            "funding_source": [
                {"funder": {"name": "Allen Institute", "abbreviation": "AI"}, "grant_number": None}
            ],
            "data_level": "derived" if plan.derived else "raw",
            "group": None,
            "investigators": [{"name": name, "abbreviation": None} for name in subject.investigators],
            "project_name": subject.project,
            "restrictions": None,
            "modality": [
                {"name": self.vocabulary.name_of(abbreviation), "abbreviation": abbreviation}
                for abbreviation in plan.modalities
            ],
            "related_data": [],
            "data_summary": None,
            **({"input_data_name": plan.inputs[0][0], "process_name": plan.process} if plan.derived else {}),
        }


def subject_document(subject: Subject) -> dict[str, Any]:
    return {
        "describedBy": "https://raw.githubusercontent.com/AllenNeuralDynamics/aind-data-schema/main/src/aind_data_schema/core/subject.py",
        "schema_version": "0.5.9",
        "subject_id": subject.subject_id,
        "sex": subject.sex,
        "date_of_birth": subject.birth.isoformat(),
        "genotype": subject.genotype,
        "species": {"name": subject.species, "abbreviation": None, "registry_identifier": subject.taxon},
        "alleles": [],
        "background_strain": "C57BL/6J" if subject.species == "Mus musculus" else None,
        "breeding_info": {"breeding_group": subject.genotype.split("/")[0], "maternal_id": "571001"},
        "source": {"name": "Allen Institute", "abbreviation": "AI"},
        "housing": {"home_cage_enrichment": ["Running wheel"], "cage_id": f"C{subject.subject_id[-4:]}"},
        "wellness_reports": [],
        "notes": None,
    }


def session_document(plan: Plan) -> dict[str, Any]:
    return {
        "describedBy": "https://raw.githubusercontent.com/AllenNeuralDynamics/aind-data-schema/main/src/aind_data_schema/core/session.py",
        "schema_version": "1.0.1",
        "protocol_id": [],
        "experimenter_full_name": list(EXPERIMENTERS[plan.id % 6 : plan.id % 6 + 1]),
        "session_start_time": plan.acquired.isoformat(),
        "session_end_time": plan.acquired_end.isoformat(),
        "session_type": plan.session_type,
        "iacuc_protocol": "2109",
        "rig_id": plan.platform.rig,
        "subject_id": plan.subject.subject_id,
        "data_streams": [
            {
                "stream_start_time": plan.acquired.isoformat(),
                "stream_end_time": plan.acquired_end.isoformat(),
                "stream_modalities": [{"abbreviation": m} for m in plan.modalities],
                "daq_names": [f"{plan.platform.rig}-DAQ"],
                "camera_names": ["Face camera", "Body camera"]
                if "behavior-videos" in plan.modalities
                else [],
            }
        ],
        "mouse_platform_name": "Running Wheel",
        "active_mouse_platform": False,
        "reward_consumed_total": round((plan.id % 900) / 1000, 3),
        "notes": None,
    }


def acquisition_document(plan: Plan) -> dict[str, Any]:
    return {
        "object_type": "Acquisition",
        "schema_version": "2.0.80",
        "subject_id": plan.subject.subject_id,
        "acquisition_start_time": plan.acquired.isoformat(),
        "acquisition_end_time": plan.acquired_end.isoformat(),
        "acquisition_type": plan.session_type,
        "instrument_id": plan.platform.rig,
        "experimenters": list(EXPERIMENTERS[plan.id % 6 : plan.id % 6 + 1]),
        "data_streams": [
            {
                "stream_start_time": plan.acquired.isoformat(),
                "stream_end_time": plan.acquired_end.isoformat(),
                "modalities": [{"abbreviation": m} for m in plan.modalities],
                "active_devices": [f"{plan.platform.rig}-DAQ"],
            }
        ],
        "subject_details": {"mouse_platform_name": "Running Wheel", "reward_consumed_total": None},
    }


def processing_document(plan: Plan, store_url: str) -> dict[str, Any]:
    assert plan.processed is not None
    return {
        "schema_version": "1.1.1",
        "processing_pipeline": {
            "processor_full_name": "AIND Scientific Computing",
            "pipeline_version": "1.4.2",
            "data_processes": [
                {
                    "name": "Spike sorting" if plan.process == "sorted" else "Other",
                    "software_version": "0.101.2",
                    "start_date_time": plan.processed.isoformat(),
                    "end_date_time": (plan.processed + timedelta(hours=3)).isoformat(),
                    "input_location": f"{store_url}/{name}",
                    "output_location": f"{store_url}/{plan.name}",
                    "code_url": "https://github.com/AllenNeuralDynamics/aind-capsule",
                    "parameters": {"n_jobs": 16, "chunk_duration": "1s", "label": plan.process},
                    "outputs": {},
                    "notes": None,
                }
                for name, source in plan.inputs
                if source == "processing" or len(plan.inputs) == 1
            ],
        },
    }


# --- load ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Loaded:
    seconds: float
    assets: int
    files: int
    documents: int
    edges: int
    modalities: int
    database_mb: float
    terms: int = 0  # asset_terms rows, when the schema has the table


async def load(dsn: str, url: str, catalog: Catalog, store_url: str) -> Loaded:
    """Migrate, COPY every table chunk by chunk (the next chunk is made in a thread meanwhile),
    fix the sequences, then VACUUM ANALYZE so no autovacuum runs during the measurements."""
    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()
    started = time.perf_counter()
    maker = RowMaker(store_url)
    chunks = [catalog.plans[i : i + CHUNK] for i in range(0, len(catalog.plans), CHUNK)]
    totals = dict.fromkeys(("assets", "modalities", "documents", "files", "edges", "terms"), 0)
    connections = [await asyncpg.connect(dsn) for _ in range(3)]
    try:
        layout = await Layout.of(connections[0])
        for connection in connections:  # rows are consistent by construction: skip per-row FK triggers
            await connection.execute("SET session_replication_role = replica")
        upcoming = asyncio.create_task(asyncio.to_thread(maker.rows, chunks[0]))
        for index in range(len(chunks)):
            rows = await upcoming
            if index + 1 < len(chunks):
                upcoming = asyncio.create_task(asyncio.to_thread(maker.rows, chunks[index + 1]))
            await _copy(connections, rows, layout)
            for name in totals:
                totals[name] += len(getattr(rows, name)) if name != "terms" or layout.terms else 0
        await _finish(connections[0])
        size = await connections[0].fetchval("SELECT pg_database_size(current_database())")
    finally:
        for connection in connections:
            await connection.close()
    return Loaded(
        time.perf_counter() - started, totals["assets"], totals["files"], totals["documents"], totals["edges"],
        totals["modalities"], size / MB, totals["terms"],
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Layout:
    """Which of the columns and tables this script can fill the migrated schema has."""

    asset_columns: tuple[str, ...]
    terms: bool

    @classmethod
    async def of(cls, connection: asyncpg.Connection) -> Layout:
        query = "SELECT column_name FROM information_schema.columns WHERE table_name = 'assets'"
        present = {row[0] for row in await connection.fetch(query)}
        missing = set(ASSET_COLUMNS) - present
        if missing:
            raise RuntimeError(f"assets has no column {', '.join(sorted(missing))}: update this script")
        terms = await connection.fetchval("SELECT to_regclass('asset_terms') IS NOT NULL")
        return cls(ASSET_COLUMNS + tuple(c for c in LATER_COLUMNS if c in present), terms)

    def assets(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        if len(self.asset_columns) == len(ASSET_COLUMNS) + len(LATER_COLUMNS):
            return rows
        picked = [(ASSET_COLUMNS + LATER_COLUMNS).index(c) for c in self.asset_columns]
        return [tuple(row[i] for i in picked) for row in rows]


async def _copy(connections: list[asyncpg.Connection], rows: Rows, layout: Layout) -> None:
    """Three tables at once on three connections, so PostgreSQL uses both cores."""

    async def copy(
        connection: asyncpg.Connection, table: str, records: list[Any], columns: Sequence[str]
    ) -> None:
        await connection.copy_records_to_table(table, records=records, columns=list(columns))

    async def small(connection: asyncpg.Connection) -> None:
        await copy(connection, "assets", layout.assets(rows.assets), layout.asset_columns)
        await copy(connection, "asset_modalities", rows.modalities, ("asset_id", "abbreviation"))
        await copy(connection, "provenance_edges", rows.edges, EDGE_COLUMNS)
        if layout.terms:
            await copy(connection, "asset_terms", rows.terms, ("asset_id", "kind", "value"))

    await asyncio.gather(
        small(connections[0]),
        copy(connections[1], "files", rows.files, FILE_COLUMNS),
        copy(connections[2], "metadata_documents", rows.documents, DOCUMENT_COLUMNS),
    )


async def _finish(connection: asyncpg.Connection) -> None:
    for table in ("assets", "files", "metadata_documents"):
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    await connection.execute("VACUUM ANALYZE")


# --- servers -------------------------------------------------------------------------------------


class Served:
    """A server in a subprocess of ours, up once ``/healthz`` (or ``probe``) answers 200."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        port: int,
        logs: Path,
        probe: str,
        cwd: Path = REPO,
    ) -> None:
        self.name, self.base_url = name, f"http://127.0.0.1:{port}"
        self.log = logs / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(self.base_url + probe, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve_catalog(setup: Setup) -> Served:
    port = free_port()
    env = dict(
        os.environ,
        CATALOG_DATABASE_URL=setup.url,
        CATALOG_STORAGE_URL=setup.store.as_uri(),
        CATALOG_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CATALOG_SECRET_KEY="benchmark-secret",
    )
    command = [
        str(Path(sys.executable).parent / "catalog"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return Served("catalog", command, env, port, setup.logs, "/healthz")


def serve_baseline(setup: Setup) -> Served:
    port = free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-baseline", str(port), setup.dsn]
    return Served("baseline", command, dict(os.environ), port, setup.logs, "/healthz")


# --- baseline: the first page's SQL, plain JSON ------------------------------------------------


def first_page_sql(size: int = 50) -> tuple[str, list[Any]]:
    """The statement ``assets.page`` runs for query (a), compiled by SQLAlchemy for asyncpg."""
    from sqlalchemy.dialects.postgresql.asyncpg import dialect

    from catalog.db.dialects import dialect_for
    from catalog.repo import assets, filters
    from catalog.repo.pages import order_by
    from catalog.schemas.enums import AssetOrderField, SortDirection
    from catalog.schemas.filters import AssetFilter
    from catalog.schemas.orders import AssetOrder

    spec = AssetFilter(
        modality=["ecephys"],
        species="Mus musculus",
        acquired_after=datetime.fromisoformat(ACQUIRED_AFTER),
    )
    query = assets.visible().where(filters.condition(dialect_for("postgresql"), spec))
    newest = AssetOrder(field=AssetOrderField.ACQUIRED_AT, direction=SortDirection.DESC)
    query = query.order_by(*order_by((newest,))).limit(size + 1)
    compiled = query.compile(dialect=dialect(), compile_kwargs={"render_postcompile": True})
    assert compiled.positiontup is not None
    return compiled.string, [compiled.params[name] for name in compiled.positiontup]


MODALITIES_SQL = (
    "SELECT asset_id, abbreviation FROM asset_modalities WHERE asset_id = ANY($1::bigint[]) "
    "ORDER BY asset_id, abbreviation"
)


def baseline_app(dsn: str) -> Any:
    """The least a JSON endpoint for query (a) must do: two statements, rows to JSON."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    sql, params = first_page_sql()
    vocabulary = Vocabulary()
    pools: list[asyncpg.Pool] = []

    def iso(value: datetime | date | None) -> str | None:
        return value.isoformat() if value is not None else None

    async def first_page(_request: Any) -> JSONResponse:
        async with pools[0].acquire() as connection:
            rows = await connection.fetch(sql, *params)
            page = rows[:50]
            modalities: dict[int, list[str]] = {}
            for asset_id, abbreviation in await connection.fetch(MODALITIES_SQL, [row["id"] for row in page]):
                modalities.setdefault(asset_id, []).append(abbreviation)
        edges = [
            {
                "cursor": json.dumps([0, iso(row["acquired_at"]), row["id"]]),
                "node": {
                    "name": row["name"], "kind": row["kind"], "project": row["project"],
                    "institution": row["institution"], "dataLevel": row["data_level"],
                    "acquiredAt": iso(row["acquired_at"]), "qcStatus": row["qc_status"],
                    "processLabel": row["process_label"], "registeredAt": iso(row["registered_at"]),
                    "location": row["location"],
                    "subject": {
                        "subjectId": row["subject_id"], "species": row["species"], "sex": row["sex"],
                        "genotype": row["genotype"], "dateOfBirth": iso(row["date_of_birth"]),
                    },
                    "modalities": [
                        {"abbreviation": a, "name": vocabulary.name_of(a)} for a in modalities.get(row["id"], [])
                    ],
                },
            }
            for row in page
        ]  # fmt: skip
        page_info = {"hasNextPage": len(rows) > 50, "endCursor": edges[-1]["cursor"] if edges else None}
        return JSONResponse({"data": {"assets": {"edges": edges, "pageInfo": page_info}}})

    async def healthz(_request: Any) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        pools.append(await asyncpg.create_pool(dsn, min_size=1, max_size=10))
        yield
        await pools[0].close()

    return Starlette(routes=[Route("/first-page", first_page), Route("/healthz", healthz)], lifespan=lifespan)


def run_baseline(port: int, dsn: str) -> None:
    import uvicorn

    uvicorn.run(baseline_app(dsn), host="127.0.0.1", port=port, log_level="warning")


# --- queries -------------------------------------------------------------------------------------

ASSET_FIELDS = """name kind project institution dataLevel acquiredAt qcStatus processLabel registeredAt location
  subject { subjectId species sex genotype dateOfBirth } modalities { abbreviation name }"""
PAGE_QUERY = f"""query Page($filter: AssetFilter!, $after: String) {{
  assets(filter: $filter, orderBy: [{{field: ACQUIRED_AT, direction: DESC}}], first: 50, after: $after) {{
    edges {{ cursor node {{ {ASSET_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
COUNT_QUERY = f"""query PageCount($filter: AssetFilter!) {{
  assets(filter: $filter, orderBy: [{{field: ACQUIRED_AT, direction: DESC}}], first: 50) {{
    totalCount edges {{ cursor node {{ {ASSET_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
FACETS_QUERY = """query Facets($filter: AssetFilter!) {
  facets(filter: $filter, fields: [MODALITY, SPECIES, PROJECT, YEAR]) { field values { value count } } }"""
FILES_QUERY = """query Files($name: String!) { asset(name: $name) { name
  files(first: 100) { edges { node { path size sha256 url { url } } } pageInfo { hasNextPage endCursor } } } }"""
LINEAGE_QUERY = """query Lineage($name: String!) { asset(name: $name) {
  provenance(direction: DOWNSTREAM, depth: 50) { nodes { hops asset { name } } edges { source target } truncated } } }"""
TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
TYPE_QUERY = f"""query Type($name: String!) {{ __type(name: $name) {{
  fields {{ name args {{ name defaultValue type {{ kind }} }} type {{ {TYPE_REF} }} }} }} }}"""


@dataclass(slots=True)
class Request:
    label: str
    what: str
    send: Callable[[httpx.Client], httpx.Response]
    check: Callable[[Any], str]  # the parsed answer → a short note; raises when it is wrong
    target_ms: float | None = None
    json: bool = True

    @property
    def short(self) -> str:
        return self.what.split(":")[0].split(" (")[0]


@dataclass(slots=True)
class Timing:
    request: Request
    seconds: list[float]
    note: str
    skipped: str = ""

    def quantile(self, q: int) -> float:
        if len(self.seconds) == 1:
            return self.seconds[0] * 1000
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[q - 1] * 1000

    @property
    def p50(self) -> float:
        return self.quantile(50)

    @property
    def p95(self) -> float:
        return self.quantile(95)


def graphql(
    base_url: str, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
) -> Callable[[httpx.Client], httpx.Response]:
    """A POST of ``query``, with ``headers`` added (an ``Authorization``, say)."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"content-type": "application/json", **(headers or {})}
    return lambda client: client.post(f"{base_url}/graphql", content=body, headers=headers)


def data_of(answer: Any) -> Any:
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {json.dumps(answer['errors'])[:2000]}")
    return answer["data"]


def ask(client: httpx.Client, send: Callable[[httpx.Client], httpx.Response]) -> Any:
    response = send(client)
    response.raise_for_status()
    return data_of(response.json())


def _page_note(answer: Any) -> str:
    page = data_of(answer)["assets"]
    if len(page["edges"]) != 50 or not page["pageInfo"]["hasNextPage"]:
        raise RuntimeError(f"expected a full page and more, got {len(page['edges'])}")
    return "50 assets"


def _names(data: Any) -> list[str]:
    return [edge["node"]["name"] for edge in data["assets"]["edges"]]


def _count_note(answer: Any) -> str:
    return f"50 assets, totalCount {data_of(answer)['assets']['totalCount']:,}"


def _facets_note(answer: Any) -> str:
    facets = data_of(answer)["facets"]
    return "4 facets, " + ", ".join(f"{len(f['values'])} {f['field'].lower()}" for f in facets) + " values"


def _files_note(answer: Any) -> str:
    edges = data_of(answer)["asset"]["files"]["edges"]
    if len(edges) != 100:
        raise RuntimeError(f"expected 100 files, got {len(edges)}")
    return "100 files, 100 signed URLs"


def _lineage_note(answer: Any) -> str:
    graph = data_of(answer)["asset"]["provenance"]
    return f"{len(graph['nodes']):,} nodes, {len(graph['edges']):,} edges, truncated {graph['truncated']}"


def _urls(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_urls(v) for v in value.values())
    if isinstance(value, list):
        return sum(_urls(v) for v in value)
    return int(isinstance(value, str) and value.startswith("http"))


def _unwrap(ref: dict[str, Any]) -> tuple[str, str]:
    while ref.get("ofType") is not None and ref["kind"] in ("NON_NULL", "LIST"):
        ref = ref["ofType"]
    return ref["kind"], ref["name"]


def selection(client: httpx.Client, base_url: str, type_name: str, depth: int = 2) -> str:
    """Every field of a type that needs no argument, objects down to ``depth``: a query for a type
    this script does not know the shape of yet."""
    found = ask(client, graphql(base_url, TYPE_QUERY, {"name": type_name}))["__type"]
    parts = []
    for item in found["fields"] if found else []:
        if any(arg["type"]["kind"] == "NON_NULL" and arg["defaultValue"] is None for arg in item["args"]):
            continue
        kind, name = _unwrap(item["type"])
        if kind in ("SCALAR", "ENUM"):
            parts.append(item["name"])
        elif kind == "OBJECT" and depth > 0 and (inner := selection(client, base_url, name, depth - 1)):
            parts.append(f"{item['name']} {{ {inner} }}")
    return " ".join(parts)


def manifest_requests(
    client: httpx.Client, base_url: str, catalog: Catalog
) -> tuple[list[Request], list[str]]:
    """(g) through GraphQL and streamed, for whichever of the two the server has."""
    requests, missing = [], []
    query_type = ask(client, graphql(base_url, TYPE_QUERY, {"name": "Query"}))["__type"]
    field_ = next((f for f in query_type["fields"] if f["name"] == "downloadManifest"), None)
    wanted = catalog.manifest_files
    if field_ is None:
        missing.append("(g) `downloadManifest` is not in the schema yet: GraphQL manifest not measured")
    else:
        _, type_name = _unwrap(field_["type"])
        query = (
            "query Manifest($filter: AssetFilter!) { downloadManifest(filter: $filter, expiresIn: 600) { "
            f"{selection(client, base_url, type_name)} }} }}"
        )

        def manifest_note(answer: Any) -> str:
            urls = _urls(data_of(answer))
            if urls != wanted:
                raise RuntimeError(f"expected {wanted:,} URLs, got {urls:,}")
            return f"{urls:,} signed URLs"

        send = graphql(base_url, query, {"filter": catalog.manifest_filter})
        requests.append(
            Request(
                "(g)",
                "manifest via GraphQL: downloadManifest(filter, expiresIn: 600)",
                send,
                manifest_note,
                MANIFEST_TARGET_MS,
            )
        )
    params = {"filter": json.dumps(catalog.manifest_filter), "format": "tsv", "expiresIn": "600"}
    probe = client.get(f"{base_url}/manifest", params=params)
    if probe.status_code == 404:
        missing.append("(g) `GET /manifest` answers 404: streamed manifest not measured")
    else:

        def streamed_note(response: Any) -> str:
            lines = [line for line in response.splitlines() if line and not line.startswith("#")]
            if len(lines) != wanted:
                raise RuntimeError(f"expected {wanted:,} lines, got {len(lines):,}: {response[:300]}")
            return f"{len(lines):,} TSV lines"

        def stream(client: httpx.Client) -> httpx.Response:
            return client.get(f"{base_url}/manifest", params=params)

        requests.append(
            Request(
                "(g)",
                "manifest streamed: GET /manifest?filter=…&format=tsv&expiresIn=600",
                stream,
                streamed_note,
                STREAMED_TARGET_MS,
                json=False,
            )
        )
    return requests, missing


def catalog_requests(
    client: httpx.Client, base_url: str, catalog: Catalog
) -> tuple[list[Request], list[str]]:
    first = graphql(base_url, PAGE_QUERY, {"filter": FIRST_PAGE_FILTER})
    cursor = ask(client, first)["assets"]["pageInfo"]["endCursor"]
    requests = [
        Request("(a)", "first page: 3 filters, ACQUIRED_AT desc, 50 assets", first, _page_note, FIRST_PAGE_TARGET_MS),
        Request("(b)", "next page: after the endCursor of (a)", graphql(base_url, PAGE_QUERY, {"filter": FIRST_PAGE_FILTER, "after": cursor}), _page_note),
        Request("(c)", "first page + totalCount: (a) and the count", graphql(base_url, COUNT_QUERY, {"filter": FIRST_PAGE_FILTER}), _count_note),
        Request("(d)", "facets: MODALITY, SPECIES, PROJECT, YEAR under the filter of (a)", graphql(base_url, FACETS_QUERY, {"filter": FIRST_PAGE_FILTER}), _facets_note, FACETS_TARGET_MS),
        Request("(e)", "files: asset(name) files(first: 100) with signed URLs", graphql(base_url, FILES_QUERY, {"name": catalog.files_asset}), _files_note),
        Request("(f)", f"provenance: DOWNSTREAM, depth 50, the {catalog.dag_size:,}-node DAG", graphql(base_url, LINEAGE_QUERY, {"name": catalog.dag_root}), _lineage_note, PROVENANCE_TARGET_MS),
    ]  # fmt: skip
    more, missing = manifest_requests(client, base_url, catalog)
    return requests + more, missing


def baseline_request(base_url: str) -> Request:
    def send(client: httpx.Client) -> httpx.Response:
        return client.get(f"{base_url}/first-page")

    return Request(
        "(a0)", "plain JSON baseline: the SQL of (a) + modalities via asyncpg, Starlette", send, _page_note
    )


def measure(client: httpx.Client, request: Request, count: int, budget: float, warmup: int = 10) -> Timing:
    """Sequential requests: a warm-up (prepared statements, generic plans, caches), then up to
    ``count`` timed ones or ``budget`` seconds, whichever comes first (at least 10)."""
    note = ""
    for index in range(warmup):
        response = request.send(client)
        response.raise_for_status()
        if index == 0:
            note = request.check(response.json() if request.json else response.text)
    seconds: list[float] = []
    deadline = time.perf_counter() + budget
    while len(seconds) < count and (len(seconds) < 10 or time.perf_counter() < deadline):
        started = time.perf_counter()
        response = request.send(client)
        response.read()
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{request.label}: HTTP {response.status_code}: {response.text[:500]}")
    return Timing(request, seconds, note)


# --- profile -------------------------------------------------------------------------------------

_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] ", re.MULTILINE)
_DURATION = re.compile(r"duration: ([0-9.]+) ms  (parse|bind|execute|statement|plan)")


def _log_entries(log: Path, start: int) -> tuple[list[str], int]:
    with log.open("rb") as handle:
        handle.seek(start)
        text = handle.read().decode(errors="replace")
    spans = [m.start() for m in _ENTRY.finditer(text)]
    return [text[a:b] for a, b in zip(spans, [*spans[1:], len(text)], strict=True)], start + len(
        text.encode()
    )


def _between_marks(entries: list[str], label: str) -> list[str]:
    inside, found = False, []
    for entry in entries:
        if f"bench-mark {label} begin'" in entry:
            inside = True
        elif f"bench-mark {label} end'" in entry:
            break
        elif inside:
            found.append(entry)
    return found


def profile(setup: Setup) -> str:
    """Per query: the SQL time of one request against its HTTP time, then the plans PostgreSQL
    ran (auto_explain, ANALYZE) for the slowest statements."""
    server = setup.server
    log = server.data_dir.parent / "server.log"
    out: list[str] = ["", "## Profile", ""]

    def mark(text: str) -> None:
        server.execute(f"SELECT 'bench-mark {text}'", database=setup.database)

    def configure(*settings: str) -> None:
        server.execute(*(f"ALTER SYSTEM SET {s}" for s in settings), "SELECT pg_reload_conf()")

    def replay(each: Callable[[int, Request, float], None]) -> None:
        """Every query 8 times (past the fifth run, generic plans are in use if chosen), then once
        more between two marks in the server log."""
        served = serve_catalog(setup)
        try:
            with httpx.Client(timeout=120) as client:
                requests, _ = catalog_requests(client, served.base_url, setup.catalog)
                for index, request in enumerate(requests):
                    for _ in range(8):
                        request.send(client).read()
                    mark(f"q{index} begin")
                    started = time.perf_counter()
                    request.send(client).read()
                    elapsed = (time.perf_counter() - started) * 1000
                    mark(f"q{index} end")
                    each(index, request, elapsed)
        finally:
            served.stop()

    def sql_time(index: int, request: Request, elapsed: float) -> None:
        entries, _ = _log_entries(log, offset)
        inside = _between_marks(entries, f"q{index}")
        durations = [(m.group(2), float(m.group(1))) for e in inside if (m := _DURATION.search(e))]
        executes = sum(1 for kind, _ in durations if kind == "execute")
        simple = [e.split("statement: ", 1)[1].strip()[:40] for e in inside if "statement: " in e]
        out.append(
            f"- {request.label} {request.short}: HTTP {elapsed:.1f} ms, of which SQL (parse+bind+execute) "
            f"{sum(ms for _, ms in durations):.1f} ms in {executes} statements "
            f"(+ {len(simple)} simple: {', '.join(simple)})"
        )

    def plans(index: int, request: Request, _elapsed: float) -> None:
        entries, _ = _log_entries(log, offset)
        found = [e for e in _between_marks(entries, f"q{index}") if "plan:" in e]
        found.sort(key=lambda e: -float(m.group(1)) if (m := _DURATION.search(e)) else 0)
        out.extend(["", f"### {request.label} {request.short}: {len(found)} statements, slowest first", ""])
        out.extend(["```", *(p.rstrip() for p in found[:2]), "```"])

    try:
        configure("log_min_duration_statement = 0")
        offset = log.stat().st_size
        replay(sql_time)
        configure("log_min_duration_statement = -1", "session_preload_libraries = 'auto_explain'")
        configure(  # in a new session, where auto_explain is loaded and its settings are known
            "auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on", "auto_explain.log_format = 'text'",
        )  # fmt: skip
        offset = log.stat().st_size
        replay(plans)
    finally:
        server.execute("ALTER SYSTEM RESET ALL", "SELECT pg_reload_conf()")
    return "\n".join(out)


# --- report --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    command: str
    catalog: Catalog | None = None
    loaded: Loaded | None = None
    timings: list[Timing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    postgres: str = "15"
    code: str = field(default_factory=lambda: code_version())  # when the run starts: the tree may move

    def timing(self, label: str, streamed: bool = False) -> Timing | None:
        return next(
            (t for t in self.timings if t.request.label == label and (not streamed or not t.request.json)),
            None,
        )

    def ratio(self) -> float | None:
        page, plain = self.timing("(a)"), self.timing("(a0)")
        return page.p50 / plain.p50 if page and plain else None

    def table(self) -> str:
        rows = [
            "| query | what | result | n | p50 ms | p95 ms | target (p50) | met |",
            "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
        ]
        for timing in self.timings:
            request = timing.request
            target = f"≤ {request.target_ms:,.0f} ms" if request.target_ms else "—"
            met = verdict(timing.p50 <= request.target_ms) if request.target_ms else "—"
            rows.append(
                f"| {request.label} | {request.what} | {timing.note} | {len(timing.seconds)} | "
                f"{timing.p50:,.1f} | {timing.p95:,.1f} | {target} | {met} |"
            )
        if (ratio := self.ratio()) is not None:
            rows.append(
                f"| (a)/(a0) | ratio catalog / plain JSON, p50 | — | — | {ratio:.2f}× | — | ≤ {RATIO_TARGET}× | "
                f"{verdict(ratio <= RATIO_TARGET)} |"
            )
        return "\n".join(rows)

    def section(self) -> str:
        lines = [
            *preamble(
                SECTION,
                self.command,
                f"PostgreSQL {self.postgres} (fsync off, default shared_buffers); "
                "`catalog serve` (uvicorn, asyncio + h11) and the baseline each in their own process, the httpx "
                "client in a third, on loopback",
            ),
            f"- code: {self.code}",
        ]
        if self.loaded is not None and self.catalog is not None:
            loaded = self.loaded
            lines += [
                f"- data: {loaded.assets:,} assets ({sum(p.derived for p in self.catalog.plans):,} derived), "
                f"{loaded.files:,} files, {loaded.documents:,} metadata documents, {loaded.modalities:,} "
                f"modality rows, {loaded.edges:,} provenance edges"
                + (f", {loaded.terms:,} asset_terms rows" if loaded.terms else "")
                + f"; {loaded.database_mb:,.0f} MB on disk",
                f"- load: {loaded.seconds:,.1f} s (binary COPY of generated rows, 3 connections, FK triggers "
                "off, then sequences and VACUUM ANALYZE; migration not included)",
                f"- (a)-(d) filter: `{json.dumps(FIRST_PAGE_FILTER)}`; (g) filter: "
                f"`{json.dumps(self.catalog.manifest_filter)}` ({self.catalog.manifest_files:,} files), expiresIn 600",
            ]
        lines += [
            "- timing: sequential requests over one keep-alive connection after 10 warm-up requests; "
            "n timed requests per query (fewer when a query exceeds its time budget); a request is timed "
            "until its whole body is read",
            *(f"- note: {note}" for note in self.notes),
            "",
            self.table(),
            "",
            *self.verdicts(),
            "",
        ]
        return "\n".join(lines)

    def verdicts(self) -> list[str]:
        lines = []
        for timing in self.timings:
            target = timing.request.target_ms
            if target:
                ok = timing.p50 <= target
                lines.append(
                    f"- target {timing.request.label} {timing.request.short}, p50 ≤ {target:,.0f} ms: "
                    f"{'met' if ok else '**not met**'} ({timing.p50:,.1f} ms)"
                )
        if (ratio := self.ratio()) is not None:
            lines.append(
                f"- target (a) first page ≤ {RATIO_TARGET}× the plain JSON endpoint: "
                f"{'met' if ratio <= RATIO_TARGET else '**not met**'} ({ratio:.2f}×)"
            )
        plain = self.timing("(a0)")
        if plain is not None and plain.p50 > FIRST_PAGE_TARGET_MS:
            lines.append(
                f"- the plain JSON endpoint runs the same SQL and takes {plain.p50:,.1f} ms itself: the SQL of (a), "
                "not the API layer, is what misses the first-page target (see `--profile`)"
            )
        return lines


def code_version() -> str:
    """The commit measured, and whether the catalog's code had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "catalog", "migrations")
    return f"commit {commit}" + (" plus uncommitted changes to catalog/ or migrations/" if changed else "")


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="assets to load")
    parser.add_argument("--files", type=int, default=1_000_000, help="files to load, over all assets")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per query at most")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds of timed requests per query at most"
    )
    parser.add_argument("--profile", action="store_true", help="then print SQL times and plans per query")
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "DSN"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def check_names(catalog: Catalog, sample: int = 2_000) -> None:
    """Every generated name is one the catalog would accept (a sample, and the special ones)."""
    rng = random.Random(1)
    for plan in [
        *rng.sample(catalog.plans, min(sample, len(catalog.plans))),
        *catalog.plans[-catalog.dag_size :],
    ]:
        parse_name(plan.name)
    names = [plan.name for plan in catalog.plans]
    if len(set(names)) != len(names):
        raise RuntimeError("generated names are not unique")


@dataclass(slots=True)
class Setup:
    """A loaded catalog database and where its servers keep their files."""

    server: PostgresServer
    catalog: Catalog
    database: str
    store: Path
    logs: Path

    @property
    def url(self) -> str:
        return self.server.url(self.database)

    @property
    def dsn(self) -> str:
        return self.server.dsn(self.database)


def prepare(args: argparse.Namespace, report: Report, server: PostgresServer, workdir: Path) -> Setup:
    started = time.perf_counter()
    catalog = plan_catalog(args.assets, args.files)
    check_names(catalog)
    report.catalog = catalog
    print(f"planned {len(catalog.plans):,} assets in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    setup = Setup(server, catalog, "bench_api", (workdir / "store").resolve(), workdir / "logs")
    server.create_database(setup.database)
    setup.store.mkdir()
    setup.logs.mkdir()
    report.loaded = asyncio.run(load(setup.dsn, setup.url, catalog, setup.store.as_uri()))
    print(f"loaded in {report.loaded.seconds:.1f} s", file=sys.stderr)
    return setup


def run(args: argparse.Namespace, report: Report, setup: Setup) -> None:
    """The baseline first, then the catalog; each query's first answer is checked."""
    baseline = serve_baseline(setup)
    try:
        with httpx.Client(timeout=120) as client:
            plain = baseline_request(baseline.base_url)
            plain_page = _names(ask(client, plain.send))
            report.timings.append(measure(client, plain, args.requests, args.budget))
    finally:
        baseline.stop()
    served = serve_catalog(setup)
    try:
        with httpx.Client(timeout=120) as client:
            requests, report.notes = catalog_requests(client, served.base_url, setup.catalog)
            if _names(ask(client, requests[0].send)) != plain_page:
                raise RuntimeError("the baseline's first page differs from the catalog's")
            for request in requests:
                timing = measure(client, request, args.requests, args.budget)
                print(f"{request.label} {request.short}: p50 {timing.p50:.1f} ms", file=sys.stderr)
                report.timings.append(timing)
    finally:
        served.stop()
    report.timings.sort(key=lambda t: (t.request.label, not t.request.json))  # (a) (a0) (b) ... (g) (g)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_baseline:
        run_baseline(int(args.serve_baseline[0]), args.serve_baseline[1])
        return 0
    command = shlex.join([".venv/bin/python", "benchmarks/api.py", *(sys.argv[1:] if argv is None else argv)])
    report = Report(command)
    with PostgresServer() as server, tempfile.TemporaryDirectory(prefix="bench-api-") as workdir:
        report.postgres = server.bin_dir.parent.name
        setup = prepare(args, report, server, Path(workdir))
        run(args, report, setup)
        section = report.section()
        print(section)
        if not args.no_results:
            write_section(SECTION, section)
        if args.profile:
            print(profile(setup))
    return 0


if __name__ == "__main__":
    sys.exit(main())
