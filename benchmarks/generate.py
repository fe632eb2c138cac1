"""Generated catalogs of any size: one generator and one loader for every benchmark and test.

A catalog is planned first (``plan_catalog``: cheap objects, deterministic for a seed), as a lab's
would look: subjects of five species in 30 projects, each with many sessions over five years, a
session on one of 13 platforms with that platform's modality mixes, chains of derived assets
(sorted → curated, stitched → segmented...), diamonds (an asset derived from two others of one
session), a lineage DAG of up to 1,000 assets, and a file count per asset adding up to the total
asked for. Then each planned asset becomes what a real one is: metadata documents shaped like the
fixtures (``subject``, ``data_description``, ``procedures`` with surgeries and injections,
``session`` + ``rig`` for 1.x-era assets, ``acquisition`` for 2025 on and for light-sheet assets
with tiles and channels, ``processing`` for derived assets, ``quality_control``) and files (data
files, zarr-like ``*.ome.zarr/<level>/<t>/<c>/<z>/<y>/<x>`` chunk trees for imaging), described
by the catalog's own ``describe`` and written through its bulk registration path
(``catalog.services.register.register_new``: binary COPY on PostgreSQL): every derived column and
row (value index, terms, completeness, access rules, provenance edges...) is the catalog's own.

Chunks of assets are made and written by worker processes, each with its own connection, so
generation and COPY run on every core while memory stays bounded by the chunks in flight.

Usage::

    .venv/bin/python benchmarks/generate.py [--database-url URL | --postgres] [--assets 10000]
        [--files 100000] [--seed 20261124] [--workers 2] [--chunk 1000] [--results]

Without ``--database-url``, a throwaway PostgreSQL cluster is started (``tests/servers.py``).
Prints counts, time and rate; ``--results`` rewrites the "Generated catalogs" section of
``benchmarks/RESULTS.md``. Importable: ``plan_catalog(...)`` then ``load(url, catalog, ...)``
(or ``generate(url, assets, files)`` for both), as the other benchmarks and the tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform as host
import random
import shlex
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from catalog.conventions.modalities import Vocabulary  # noqa: E402
from catalog.db.engine import Database  # noqa: E402
from catalog.db.migrate import upgrade  # noqa: E402
from catalog.services import register  # noqa: E402  (module: robustness.py loads older trees too)
from catalog.services.describe import describe  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from catalog.services.register import NewAsset

SECTION = "## Generated catalogs (benchmarks/generate.py)"
START = datetime(2021, 1, 1, tzinfo=UTC)
END = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
BIG_FILES = 2_000  # files of the asset whose first 100 files the API benchmark asks for
DAG_SIZE = 1_000
DAG_WIDTH = 27
MANIFEST_URLS = 10_000
DIAMONDS = 0.06
"""Share of sessions with a diamond: two derived assets of the session and one derived from both."""
DIAMOND = "combined"
"""The process label of the asset derived from both."""
CHUNK = 1_000
"""Assets a worker makes and writes in one transaction."""
TARGET_SECONDS = 15 * 60.0
"""The issue's target: 1,000,000 assets and 10,000,000 files in under 15 minutes."""
MB = 1_000_000

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


def _diamond(rng: random.Random, first_id: int, session: Plan, derived: Plan) -> list[Plan]:
    """A second derived asset of the session, and one derived from both it and ``derived``."""
    other = _derive(rng, first_id, session, "qc", session.acquired)
    other.inputs = [(session.name, "name")]
    merged = _derive(
        rng,
        first_id + 1,
        derived,
        DIAMOND,
        max(derived.processed or derived.acquired, other.processed or other.acquired),
    )
    merged.inputs = [(derived.name, "name"), (derived.name, "processing"), (other.name, "processing")]
    return [other, merged]


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
        if parent is not session and len(plans) + 2 <= pool and rng.random() < DIAMONDS:
            plans += _diamond(rng, len(plans) + 1, session, parent)
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


# --- documents shaped like the fixtures ------------------------------------------------------------


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
    """A 1.x ``processing``: one step per input it names (``input_location``), else one step."""
    assert plan.processed is not None
    named = [name for name, source in plan.inputs if source == "processing"]
    step = {
        "name": "Spike sorting" if plan.process == "sorted" else "Other",
        "software_version": "0.101.2",
        "start_date_time": plan.processed.isoformat(),
        "end_date_time": (plan.processed + timedelta(hours=3)).isoformat(),
        "output_location": f"{store_url}/{plan.name}",
        "code_url": "https://github.com/AllenNeuralDynamics/aind-capsule",
        "parameters": {"n_jobs": 16, "chunk_duration": "1s", "label": plan.process},
        "outputs": {},
        "notes": None,
    }
    return {
        "describedBy": f"{SCHEMA}/processing.py",
        "schema_version": "1.1.1",
        "processing_pipeline": {
            "processor_full_name": "AIND Scientific Computing",
            "pipeline_version": "1.4.2",
            "data_processes": [{**step, "input_location": f"{store_url}/{name}"} for name in named] or [step],
        },
    }


# --- procedures documents -------------------------------------------------------------------------

INJECTION = "Nanoject injection"
VOLUME_ABOVE = 200  # nl: the element-matched query's threshold
VOLUMES = ((50, 10), (100, 25), (150, 15), (200, 20), (250, 8), (300, 10), (400, 7), (500, 5))
"""Nanoject volumes (nl) and their weights: about 30% of injections are above 200 nl."""
VIRUSES = (
    ("AAV2/1-Syn-FLEX-GCaMP6f", "VT3214", 1.2e13), ("AAV1-hSyn-FLEX-ChRmine-oScarlet", "VT5412", 2.4e12),
    ("AAV-DIO-dLight1.3b", "VT2211", 6.0e12), ("AAVretro-EF1a-Cre", "VT1190", 1.0e13),
    ("AAV5-CAG-FLEX-tdTomato", "VT0871", 4.3e12), ("AAV9-Syn-GRAB-DA2m", "VT4602", 8.1e12),
)  # fmt: skip
TARGETS = ("VTA", "VISp", "MOs", "ACB", "CP", "LC", "ZI", "CLA", "HPF", "SNc", "ALM", "DR")
HEADFRAMES = (
    ("AI Straight bar", "0160-100-10"),
    ("WHC #42", "0160-055-08"),
    ("Neuropixel-Style", "0160-200-20"),
)
SURGEONS = ("NSB-5589", "NSB-1234", "NSB-6024", "NSB-4466", "NSB-8801")


def _number(value: float) -> str:
    return f"{value:.1f}"


def _coordinates(rng: random.Random) -> dict[str, Any]:
    return {
        "injection_coordinate_ml": _number(rng.uniform(-3.5, 3.5)),
        "injection_coordinate_ap": _number(rng.uniform(-4.5, 2.5)),
        "injection_coordinate_unit": "millimeter",
        "injection_coordinate_reference": "Bregma",
        "bregma_to_lambda_distance": f"{rng.uniform(3.9, 4.6):.3f}",
        "bregma_to_lambda_unit": "millimeter",
        "injection_angle": rng.choice(("0", "0", "10", "20")),
        "injection_angle_unit": "degrees",
        "targeted_structure": rng.choice(TARGETS),
        "injection_hemisphere": rng.choice(("Left", "Right")),
    }


def _materials(rng: random.Random) -> list[dict[str, Any]]:
    name, lot, titer = rng.choice(VIRUSES)
    return [
        {
            "material_type": "Virus",
            "name": name,
            "tars_identifiers": {"virus_tars_id": f"AiV{rng.randint(10000, 99999)}", "plasmid_tars_alias": None,
                                 "prep_lot_number": lot, "prep_date": None, "prep_type": "Crude", "prep_protocol": None},
            "addgene_id": None,
            "titer": titer,
            "titer_unit": "gc/mL",
        }
    ]  # fmt: skip


def _injection(rng: random.Random, kind: str) -> dict[str, Any]:
    common = {
        "injection_materials": _materials(rng),
        "recovery_time": "10.0",
        "recovery_time_unit": "minute",
        "injection_duration": None,
        "injection_duration_unit": "minute",
        "instrument_id": f"NJ#{rng.randint(1, 4)}",
        "protocol_id": "dx.doi.org/10.17504/protocols.io.bgpujvnw",
    }
    if kind == INJECTION:
        depths = rng.choice((1, 1, 1, 2))
        volumes = [_number(v) for v, _ in rng.choices(VOLUMES, weights=[w for _, w in VOLUMES], k=depths)]
        return {
            "procedure_type": kind,
            **common,
            **_coordinates(rng),
            "injection_coordinate_depth": [_number(rng.uniform(0.5, 5.0)) for _ in range(depths)],
            "injection_volume": volumes,
            "injection_volume_unit": "nanoliter",
        }
    if kind == "Iontophoresis injection":
        return {
            "procedure_type": kind,
            **common,
            **_coordinates(rng),
            "injection_coordinate_depth": [_number(rng.uniform(0.5, 5.0))],
            "injection_current": "5.0",
            "injection_current_unit": "microamps",
            "alternating_current": "7/7",
        }
    return {
        "procedure_type": kind,  # Retro-orbital injection: a volume in microliters, one value
        **common,
        "injection_volume": _number(rng.choice((50, 100))),
        "injection_volume_unit": "microliter",
        "injection_eye": rng.choice(("Left", "Right")),
    }


def _surgery(rng: random.Random, day: datetime, procedures: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "procedure_type": "Surgery",
        "protocol_id": "2109",
        "start_date": day.date().isoformat(),
        "experimenter_full_name": rng.choice(SURGEONS),
        "iacuc_protocol": "2109",
        "animal_weight_prior": _number(rng.uniform(18, 30)),
        "animal_weight_post": _number(rng.uniform(18, 30)),
        "weight_unit": "gram",
        "anaesthesia": {"type": "isoflurane", "duration": _number(rng.uniform(60, 180)), "duration_unit": "minute", "level": "1.5"},
        "workstation_id": f"SWS {rng.randint(1, 9)}",
        "procedures": procedures,
        "notes": None,
    }  # fmt: skip


def procedures_document(subject: Subject) -> dict[str, Any]:
    """A subject's procedures: 0-3 surgeries before its first session, each of 1-5 procedures."""
    rng = random.Random(int(subject.subject_id))
    surgeries: list[dict[str, Any]] = []
    if subject.species in ("Mus musculus", "Rattus norvegicus"):
        day = datetime.combine(subject.birth, datetime.min.time(), UTC) + timedelta(days=rng.randint(35, 50))
        for index in range(rng.choices((0, 1, 2, 3), weights=(10, 50, 30, 10))[0]):
            procedures: list[dict[str, Any]] = []
            if index == 0 and rng.random() < 0.75:
                headframe, part = rng.choice(HEADFRAMES)
                procedures.append(
                    {"procedure_type": "Headframe", "headframe_type": headframe, "headframe_part_number": part,
                     "headframe_material": "Titanium", "well_part_number": None, "well_type": None}
                )  # fmt: skip
            if rng.random() < 0.5:
                procedures.append(
                    {"procedure_type": "Craniotomy", "craniotomy_type": rng.choice(("Visual Cortex", "Circle", "Whole brain")),
                     "craniotomy_hemisphere": rng.choice(("Left", "Right")), "craniotomy_coordinates_ml": "-2.8",
                     "craniotomy_coordinates_ap": "1.3", "craniotomy_coordinates_unit": "millimeter",
                     "craniotomy_coordinates_reference": "Lambda", "craniotomy_size": "5.0",
                     "craniotomy_size_unit": "millimeter", "implant_part_number": None, "dura_removed": rng.random() < 0.3,
                     "protective_material": rng.choice(("Kwik-Cast", "Duragel", None)), "recovery_time": None,
                     "recovery_time_unit": "minute"}
                )  # fmt: skip
            kinds = rng.choices(
                (INJECTION, "Iontophoresis injection", "Retro-orbital injection"),
                weights=(65, 25, 10),
                k=rng.randint(0, 3),
            )
            procedures += [_injection(rng, kind) for kind in kinds]
            if rng.random() < 0.15:
                procedures.append(
                    {"procedure_type": "Fiber implant", "probes": [
                        {"ophys_probe": {"name": "Probe A", "manufacturer": {"name": "Doric"}, "core_diameter": "200",
                                         "core_diameter_unit": "um", "numerical_aperture": "0.37"},
                         "stereotactic_coordinate_ap": _number(rng.uniform(-4, 2)),
                         "stereotactic_coordinate_ml": _number(rng.uniform(-3, 3)),
                         "stereotactic_coordinate_dv": _number(rng.uniform(1, 5)),
                         "stereotactic_coordinate_unit": "millimeter", "angle": "0", "angle_unit": "degrees",
                         "targeted_structure": rng.choice(TARGETS)}]}
                )  # fmt: skip
            if not procedures:
                procedures.append({"procedure_type": "Other Subject Procedure", "description": "Habituation"})
            surgeries.append(_surgery(rng, day, procedures))
            day += timedelta(days=rng.randint(7, 30))
    return {
        "describedBy": "https://raw.githubusercontent.com/AllenNeuralDynamics/aind-data-schema/main/src/aind_data_schema/core/procedures.py",
        "schema_version": "0.13.14",
        "subject_id": subject.subject_id,
        "subject_procedures": surgeries,
        "specimen_procedures": [],
        "notes": None,
    }


# --- documents of an asset -------------------------------------------------------------------------

SPIM_PLATFORMS = frozenset({"SmartSPIM", "HCR"})
"""Light-sheet platforms: an ``acquisition`` with tiles and channels, files in zarr chunk trees."""
IMAGING_PLATFORMS = SPIM_PLATFORMS | {"multiplane-ophys", "single-plane-ophys", "confocal", "barseq"}
"""Platforms whose data files are zarr-like chunk trees."""
CHANNELS = (("488", 488, "Em_525"), ("561", 561, "Em_600"), ("639", 639, "Em_690"))
SCHEMA = (
    "https://raw.githubusercontent.com/AllenNeuralDynamics/aind-data-schema/main/src/aind_data_schema/core"
)


def documents(
    plan: Plan,
    store_url: str,
    procedures: dict[str, Any],
    *,
    session: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The metadata documents of a planned asset, as a record of its generation holds them.
    ``session``: its session's documents (``session_documents``) where the caller made them
    already, for another asset of the session."""
    found: dict[str, Any] = {
        "subject": subject_document(plan.subject),
        "data_description": description_document(plan),
        "procedures": procedures,
    }
    found.update(session or session_documents(plan.primary or plan))
    if plan.derived:
        found["processing"] = processing_document(plan, store_url)
    if plan.qc is not None:
        found["quality_control"] = quality_control_document(plan)
    return found


def session_documents(session: Plan) -> dict[str, Any]:
    """The documents of a session's acquisition, the same in every asset derived from it."""
    if session.platform.label in SPIM_PLATFORMS:
        return {"acquisition": spim_acquisition_document(session)}
    if session.acquired.year >= 2025:
        return {"acquisition": acquisition_document(session)}
    return {"session": session_document(session), "rig": rig_document(session)}


def description_document(plan: Plan) -> dict[str, Any]:
    """A 1.x ``data_description``: platform, modalities, project, investigators, funding."""
    subject = plan.subject
    return {
        "describedBy": f"{SCHEMA}/data_description.py",
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
        "modality": [{"name": VOCABULARY.name_of(a), "abbreviation": a} for a in plan.modalities],
        "related_data": [],
        "data_summary": None,
    }


VOCABULARY = Vocabulary()


def spim_acquisition_document(plan: Plan) -> dict[str, Any]:
    """A 1.x light-sheet ``acquisition``: a grid of tiles, each imaged in every channel."""
    rng = random.Random(plan.id)
    channels = CHANNELS[: rng.randint(1, 3)]
    grid = rng.randint(2, 4)
    tiles = [
        {
            "coordinate_transformations": [
                {"type": "scale", "scale": ["1.8", "1.8", "2"]},
                {"type": "translation", "translation": [str(x * 1600), str(y * 1600), "0"]},
            ],
            "file_name": f"Ex_{wavelength}_{emission}/{x * 1000:06d}/{x * 1000:06d}_{y * 1000:06d}",
            "channel": {
                "channel_name": name, "light_source_name": f"Ex_{name}", "filter_names": [emission],
                "detector_name": "Camera_1", "additional_device_names": [], "excitation_wavelength": wavelength,
                "excitation_wavelength_unit": "nanometer", "excitation_power": rng.choice((20, 30, 40)),
                "excitation_power_unit": "milliwatt", "filter_wheel_index": index,
            },
            "imaging_angle": 0,
            "imaging_angle_unit": "degrees",
        }
        for index, (name, wavelength, emission) in enumerate(channels)
        for x in range(grid)
        for y in range(grid)
    ]  # fmt: skip
    return {
        "describedBy": f"{SCHEMA}/acquisition.py",
        "schema_version": "1.0.1",
        "protocol_id": [],
        "experimenter_full_name": list(EXPERIMENTERS[plan.id % 6 : plan.id % 6 + 1]),
        "specimen_id": f"{plan.subject.subject_id}-01",
        "subject_id": plan.subject.subject_id,
        "instrument_id": plan.platform.rig,
        "session_start_time": plan.acquired.isoformat(),
        "session_end_time": plan.acquired_end.isoformat(),
        "session_type": plan.session_type,
        "tiles": tiles,
        "axes": [
            {"name": axis, "dimension": dimension, "direction": direction}
            for axis, dimension, direction in (
                ("X", 2, "Left_to_right"),
                ("Y", 1, "Posterior_to_anterior"),
                ("Z", 0, "Superior_to_inferior"),
            )
        ],
        "chamber_immersion": {"medium": "Cargille oil", "refractive_index": 1.5208},
        "local_storage_directory": "D:/SmartSPIM_Data",
        "external_storage_directory": "",
    }


def rig_document(plan: Plan) -> dict[str, Any]:
    """A small 1.x ``rig``: its id, modalities and a few devices."""
    return {
        "describedBy": f"{SCHEMA}/rig.py",
        "schema_version": "1.0.1",
        "rig_id": plan.platform.rig,
        "modification_date": (plan.acquired - timedelta(days=30)).date().isoformat(),
        "mouse_platform": {"device_type": "Disc", "name": "Running Wheel", "radius": "8.5"},
        "daqs": [{"device_type": "DAQ Device", "name": f"{plan.platform.rig}-DAQ", "data_interface": "PCIe"}],
        "cameras": [
            {
                "name": name,
                "camera": {"device_type": "Detector", "name": name, "manufacturer": {"name": "FLIR"}},
            }
            for name in ("Face camera", "Body camera")
        ],
        "modalities": [{"abbreviation": m} for m in plan.modalities],
    }


def quality_control_document(plan: Plan) -> dict[str, Any]:
    """A 1.x ``quality_control`` whose evaluations reduce to the planned status."""
    statuses = {"PASS": ("Pass", "Pass"), "FAIL": ("Pass", "Fail"), "PENDING": ("Pass", "Pending")}
    moment = (plan.processed or plan.acquired_end).isoformat()
    return {
        "describedBy": f"{SCHEMA}/quality_control.py",
        "schema_version": "1.2.2",
        "evaluations": [
            {
                "modality": {"abbreviation": plan.modalities[0]},
                "stage": "Processing" if plan.derived else "Raw data",
                "name": check,
                "metrics": [
                    {
                        "name": f"{check} metric",
                        "value": plan.id % 97,
                        "status_history": [{"evaluator": "Automated", "status": status, "timestamp": moment}],
                    }
                ],
            }
            for check, status in zip(
                ("Drift map", "Data integrity"), statuses[plan.qc or "PASS"], strict=True
            )
        ],
    }


# --- files ----------------------------------------------------------------------------------------


def metadata_files(plan: Plan, names: Sequence[str]) -> list[str]:
    return [f"{name}.json" for name in names][: max(0, plan.files - 1)]


def data_paths(plan: Plan, count: int) -> Iterator[str]:
    """``count`` data file paths: zarr-like chunk trees for imaging, the platform's files otherwise."""
    if plan.platform.label not in IMAGING_PLATFORMS:
        for index in range(count):
            yield plan.platform.data.format(i=index)
        return
    stem = "SPIM/image" if plan.platform.label in SPIM_PLATFORMS else f"{plan.platform.label}/image"
    written, tile = 0, 0
    while written < count:
        root = f"{stem}_tile_{tile:03d}.ome.zarr"
        for path in zarr_tree(root, count - written):
            yield path
            written += 1
        tile += 1


def zarr_tree(root: str, most: int) -> Iterator[str]:
    """At most ``most`` files of an OME-Zarr image: group files, then each resolution level's
    ``.zarray`` and chunks ``<level>/<t>/<c>/<z>/<y>/<x>``, the grid halving per level."""
    for relative in ZARR_TREE[:most]:
        yield f"{root}/{relative}"


def _zarr_tree(levels: int = 4, side: int = 8) -> tuple[str, ...]:
    paths = [".zattrs", ".zgroup"]
    for level in range(levels):
        grid = max(1, side >> level)
        paths.append(f"{level}/.zarray")
        paths += [f"{level}/0/0/{z}/{y}/{x}" for z in range(grid) for y in range(grid) for x in range(grid)]
    return tuple(paths)


ZARR_TREE = _zarr_tree()
"""The relative paths of one image's tree (589 files), in order."""


def file_rows(plan: Plan, written: Sequence[str], rng: random.Random) -> list[dict[str, Any]]:
    """The asset's files: its metadata files, then data files, ``plan.files`` in all."""
    paths = metadata_files(plan, written)
    paths += list(data_paths(plan, plan.files - len(paths)))
    low, high = plan.platform.sizes
    return [
        {
            "path": path,
            "size": rng.randint(600, 40_000)
            if path.endswith(".json") or "/." in path
            else rng.randint(low, high),
            "sha256": f"{rng.getrandbits(256):064x}",
            "key": f"{plan.name}/{path}",
        }
        for path in paths
    ]


# --- records --------------------------------------------------------------------------------------


def new_asset(plan: Plan, store_url: str, found: dict[str, Any]) -> NewAsset:
    """A planned asset as the catalog registers it: its documents ``found`` described by
    ``describe``, with its files."""
    registered = (plan.processed or plan.acquired_end) + timedelta(minutes=plan.id % 4000 + 5)
    record = {"created": registered.isoformat(), "last_modified": registered.isoformat()}
    description = describe(plan.name, found, VOCABULARY, record=record)
    rng = random.Random(plan.id)
    return register.NewAsset(
        description, f"{store_url}/{plan.name}", store_url, file_rows(plan, list(found), rng)
    )


class Maker:
    """Makes the assets of planned chunks. Documents that assets share are made once: a subject's
    ``procedures`` for all its assets, a session's acquisition documents for the assets of a chunk
    derived from it (a session's derived assets follow it in the plans)."""

    def __init__(self, store_url: str) -> None:
        self.store_url = store_url
        self.procedures: dict[str, dict[str, Any]] = {}

    def assets(self, plans: Sequence[Plan]) -> list[NewAsset]:
        sessions: dict[int, dict[str, Any]] = {}
        made = []
        for plan in plans:
            subject = plan.subject.subject_id
            if subject not in self.procedures:
                self.procedures[subject] = procedures_document(plan.subject)
            session = plan.primary or plan
            if session.id not in sessions:
                sessions[session.id] = session_documents(session)
            found = documents(plan, self.store_url, self.procedures[subject], session=sessions[session.id])
            made.append(new_asset(plan, self.store_url, found))
        return made


# --- load -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Loaded:
    seconds: float
    assets: int
    files: int
    documents: int
    edges: int
    modalities: int
    database_mb: float
    terms: int = 0
    workers: int = 1
    making: float = 0.0
    """Seconds spent making and describing assets, summed over workers."""
    writing: float = 0.0
    """Seconds spent writing them (COPY or statements), summed over workers."""


class Writer:
    """A connection and a maker: writes chunks of planned assets, one transaction each."""

    def __init__(self, url: str, store_url: str) -> None:
        self.db = Database(url)
        self.maker = Maker(store_url)

    async def write(self, plans: Sequence[Plan]) -> Chunk:
        with _fewer_collections():
            started = time.perf_counter()
            made = self.maker.assets(plans)
            described = time.perf_counter()
            async with self.db.transaction() as session:
                await register.register_new(session, self.db.dialect, made, register.now())
            written = time.perf_counter()
        return Chunk(len(made), described - started, written - described)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A chunk's documents, descriptions and rows are many small objects that live until it is
    written: collected at the default threshold, the young generations are scanned again and again
    for nothing (as ``catalog import`` does, a higher threshold while a chunk is made)."""
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A written chunk: its assets, seconds making and describing them, seconds writing them."""

    assets: int
    making: float
    writing: float


_WORKER: tuple[asyncio.AbstractEventLoop, Writer] | None = None


def _start_worker(url: str, store_url: str) -> None:
    global _WORKER
    loop = asyncio.new_event_loop()
    _WORKER = (loop, Writer(url, store_url))
    gc.freeze()  # the modules and the engine live as long as the worker: no collection need scan them


def _write_in_worker(plans: Sequence[Plan]) -> Chunk:
    assert _WORKER is not None
    loop, writer = _WORKER
    return loop.run_until_complete(writer.write(plans))


def chunks(catalog: Catalog, size: int) -> Iterator[list[Plan]]:
    """The plans in chunks of ``size`` (edges name their inputs: any order loads)."""
    for start in range(0, len(catalog.plans), size):
        yield catalog.plans[start : start + size]


async def load(
    url: str,
    catalog: Catalog,
    store_url: str,
    *,
    workers: int = 0,
    chunk: int = CHUNK,
    migrate: bool = True,
    progress: bool = False,
) -> Loaded:
    """Migrate (not timed), then make and register every planned asset through the catalog's bulk
    path, ``workers`` processes at once (0: in this process, as on SQLite, whose one writer
    gains nothing from more), then refresh the planner's statistics."""
    db = Database(url)
    try:
        if migrate:
            await upgrade(db)
        started = time.perf_counter()
        if workers == 0:
            writer = Writer(url, store_url)
            try:
                done = [await writer.write(plans) for plans in chunks(catalog, chunk)]
            finally:
                await writer.db.dispose()
        else:
            done = await _load_in_workers(url, catalog, store_url, workers, chunk, progress)
        await _statistics(db)
        loaded = await _counted(db, time.perf_counter() - started, max(1, workers))
    finally:
        await db.dispose()
    loaded.making = sum(c.making for c in done)
    loaded.writing = sum(c.writing for c in done)
    return loaded


async def _load_in_workers(
    url: str, catalog: Catalog, store_url: str, workers: int, chunk: int, progress: bool
) -> list[Chunk]:
    """Chunks to worker processes, at most two each in flight (memory stays bounded)."""
    loop = asyncio.get_running_loop()
    done: list[Chunk] = []
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(url, store_url)) as pool:
        pending: set[asyncio.Future[Chunk]] = set()
        for plans in chunks(catalog, chunk):
            if len(pending) >= 2 * workers:
                finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                done += [f.result() for f in finished]
                if progress:
                    assets = sum(c.assets for c in done)
                    rate = assets / (time.perf_counter() - started)
                    print(f"  {assets:,} assets, {rate:,.0f}/s", file=sys.stderr, flush=True)
            pending.add(asyncio.wrap_future(pool.submit(_write_in_worker, plans), loop=loop))
        done += [await future for future in asyncio.as_completed(pending)]
    return done


async def _statistics(db: Database) -> None:
    """VACUUM ANALYZE on PostgreSQL (so no autovacuum runs during later measurements), ANALYZE on
    SQLite."""
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM ANALYZE" if db.dialect.name == "postgresql" else "ANALYZE")


async def _counted(db: Database, seconds: float, workers: int) -> Loaded:
    tables = ("assets", "files", "metadata_documents", "provenance_edges", "asset_modalities", "asset_terms")
    async with db.engine.connect() as connection:
        counts = [
            (await connection.exec_driver_sql(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables
        ]
        query = (
            "SELECT pg_database_size(current_database())"
            if db.dialect.name == "postgresql"
            else "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        )
        size = (await connection.exec_driver_sql(query)).scalar_one() / MB
    assets, files, documents_, edges, modalities, terms = counts
    return Loaded(seconds, assets, files, documents_, edges, modalities, size, terms, workers)


def generate(
    url: str,
    assets: int,
    files: int,
    *,
    seed: int = 20261124,
    store_url: str = "file:///store",
    workers: int = 0,
) -> tuple[Catalog, Loaded]:
    """Plan and load a catalog (a pytest fixture's one call): the plans answer what it holds."""
    return asyncio.run(generate_async(url, assets, files, seed=seed, store_url=store_url, workers=workers))


async def generate_async(
    url: str,
    assets: int,
    files: int,
    *,
    seed: int = 20261124,
    store_url: str = "file:///store",
    workers: int = 0,
) -> tuple[Catalog, Loaded]:
    catalog = plan_catalog(assets, files, seed)
    return catalog, await load(url, catalog, store_url, workers=workers)


# --- command line ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", help="a catalog database (default: a throwaway PostgreSQL cluster)")
    parser.add_argument("--assets", type=int, default=10_000, help="assets to generate")
    parser.add_argument("--files", type=int, default=100_000, help="files over all assets")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="writer processes (0: in process)"
    )
    parser.add_argument("--chunk", type=int, default=CHUNK, help="assets per transaction")
    parser.add_argument("--store-url", default="file:///store", help="where the generated data would be")
    parser.add_argument("--results", action="store_true", help="rewrite the section of RESULTS.md")
    return parser.parse_args(argv)


def report(command: str, loaded: Loaded, planned: float, url: str) -> str:
    rate = loaded.assets / loaded.seconds
    projected = 1_000_000 / rate
    met = loaded.assets >= 1_000_000 and loaded.files >= 10_000_000 and loaded.seconds < TARGET_SECONDS
    lines = [
        SECTION,
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores shared with other work; Python {host.python_version()}; "
        f"{'PostgreSQL (fsync off)' if url.startswith('postgresql') else 'SQLite'}; {loaded.workers} writer process(es)",
        "- path: `plan_catalog` → documents and files per asset → `describe` → `register_new` (binary COPY "
        "through the session's asyncpg connection, one transaction per chunk) → VACUUM ANALYZE",
        "",
        "| assets | files | documents | edges | modalities | terms | database | plan | load | assets/s | files/s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {loaded.assets:,} | {loaded.files:,} | {loaded.documents:,} | {loaded.edges:,} | {loaded.modalities:,} "
        f"| {loaded.terms:,} | {loaded.database_mb:,.0f} MB | {planned:.1f} s | {loaded.seconds:,.1f} s "
        f"| {rate:,.0f} | {loaded.files / loaded.seconds:,.0f} |",
        "",
        f"- where the time goes, summed over the {loaded.workers} workers: making documents and files and "
        f"describing them (the catalog's `describe`) {loaded.making:,.0f} s, writing them (`register_new`) "
        f"{loaded.writing:,.0f} s",
        f"- target, 1,000,000 assets + 10,000,000 files in < 15 min: {'met' if met else '**not met**'}"
        + (
            ""
            if loaded.assets >= 1_000_000
            else f" (at this rate 1,000,000 assets take ~{projected / 60:,.0f} min)"
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command = shlex.join(
        [".venv/bin/python", "benchmarks/generate.py", *(sys.argv[1:] if argv is None else argv)]
    )
    from servers import PostgresServer

    with tempfile.TemporaryDirectory(prefix="generate-") as workdir:
        server = PostgresServer() if args.database_url is None else None
        if server is not None:
            server.start()
        try:
            url = args.database_url or server.create_database("generated")  # type: ignore[union-attr]
            started = time.perf_counter()
            catalog = plan_catalog(args.assets, args.files, args.seed)
            planned = time.perf_counter() - started
            print(f"planned {len(catalog.plans):,} assets in {planned:.1f} s", file=sys.stderr)
            workers = 0 if url.startswith("sqlite") else args.workers
            loaded = asyncio.run(
                load(url, catalog, args.store_url, workers=workers, chunk=args.chunk, progress=True)
            )
        finally:
            if server is not None:
                server.stop()
        del workdir
    section = report(command, loaded, planned, url)
    print(section)
    if args.results:
        from results import write_section

        write_section(SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
