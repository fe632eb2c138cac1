"""One fact across schema generations: where 0.x/1.x and 2.x records keep the same fact, declared once.

aind-data-schema 2.0 merged ``rig`` into ``instrument`` and ``session`` into ``acquisition``, moved
the animal's details under ``subject.subject_details``, renamed fields (``session_start_time`` became
``acquisition_start_time``) and turned texts into objects (an objective's ``manufacturer``, a
``targeted_structure``). Records are kept as registered; a query asking for a unified path reads
every spelling this table gives for it (:func:`spellings`) and takes the union of what they reach,
so a user need not know which generation wrote a record. A path is looked up by any generation's
spelling, or by the name of a common fact (:data:`FACTS`).

Each entry cites the schema versions of the documents that keep the fact there, as seen in the real
records and examples of both generations."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.conventions.paths import parse_path
from catalog.errors import Invalid
from catalog.limits import MAX_PATH_SEGMENTS

FACT_DOCUMENT = "fact"
"""The pseudo-document whose paths are the names of :data:`FACTS`."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where some schema versions keep a fact: a document and a dot path in it; with ``kept``, only
    the elements of the array at the path whose key holds one of the values (2.x keeps every device
    of an instrument in ``components``, told apart by ``object_type``). A kept place is reached
    from the others, never the other way (``components`` are not all objectives)."""

    document: str
    path: str
    versions: str
    kept: tuple[str, tuple[str, ...]] | None = None
    segments: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(self.path.split(".")))


@dataclass(frozen=True, slots=True)
class Moved:
    """One fact at several places; what lies below one place lies below the others alike
    (``breeding_info.maternal_id`` follows ``breeding_info``)."""

    places: tuple[Place, ...]


@dataclass(frozen=True, slots=True)
class Renamed:
    """A whole document under another name: every path of one is the same path of the other."""

    old: str
    new: str
    versions: str


@dataclass(frozen=True, slots=True)
class Shape:
    """A key written as text by older versions and as an object by newer ones: the text reads as
    the object's ``inner`` key (``manufacturer: "Nikon"`` is ``manufacturer.name: "Nikon"``)."""

    key: str
    inner: str
    versions: str


RENAMED: tuple[Renamed, ...] = (
    Renamed("rig", "instrument", "rig 0.x-1.x; its facts are the instrument's in 2.x"),
    Renamed("session", "acquisition", "session 0.x-1.x; its facts are the acquisition's in 2.x"),
)


def _moved(*places: tuple[str, str, str]) -> Moved:
    return Moved(tuple(Place(*place) for place in places))


def _subject_details(*keys: str) -> list[Moved]:
    """subject 0.x-1.x keep the animal's details at the top, subject 2.x under subject_details."""
    return [
        _moved(("subject", key, "subject 0.x-1.x"), ("subject", f"subject_details.{key}", "subject 2.x"))
        for key in keys
    ]


def _acquisition_subject(*keys: str) -> list[Moved]:
    """session 1.x keeps the animal's state at the top, acquisition 2.x under subject_details."""
    return [
        _moved(
            ("session", key, "session 0.x-1.x"), ("acquisition", f"subject_details.{key}", "acquisition 2.x")
        )
        for key in keys
    ]


def _breeding(*keys: str) -> list[Moved]:
    """subject 0.x keeps the breeding facts at the top, 1.x under breeding_info, 2.x under
    subject_details.breeding_info."""
    return [
        _moved(
            ("subject", key, "subject 0.x"),
            ("subject", f"breeding_info.{key}", "subject 1.x"),
            ("subject", f"subject_details.breeding_info.{key}", "subject 2.x"),
        )
        for key in keys
    ]


def _components(key: str, *object_types: str) -> Moved:
    """A device list of a rig (1.x) or of a 0.x-1.x instrument, the 2.x instrument's components
    of those object types."""
    return Moved(
        (
            Place("instrument", key, "instrument 0.x-1.x; rig 0.x-1.x by its renaming"),
            Place(
                "instrument",
                "components",
                f"instrument 2.x: {', '.join(object_types)}",
                ("object_type", object_types),
            ),
        )
    )


MOVED: tuple[Moved, ...] = (
    _components("objectives", "Objective"),
    _components("detectors", "Detector"),
    _components("cameras", "Camera assembly"),
    _components("lenses", "Lens"),
    _components("filters", "Filter"),
    _components("fluorescence_filters", "Filter"),
    _components("light_sources", "Laser", "Light emitting diode"),
    _components("laser_assemblies", "Laser assembly"),
    _components("ephys_assemblies", "Ephys assembly"),
    _components("patch_cords", "Fiber patch cord"),
    _components("scanning_stages", "Scanning stage"),
    _components("motorized_stages", "Motorized stage"),
    _components("pockels_cells", "Pockels cell"),
    *_subject_details(
        "genotype",
        "sex",
        "species",
        "date_of_birth",
        "breeding_info",
        "housing",
        "source",
        "alleles",
        "rrid",
        "restrictions",
        "wellness_reports",
    ),
    *_breeding("breeding_group", "maternal_id", "maternal_genotype", "paternal_id", "paternal_genotype"),
    *(
        _moved(("subject", key, "subject 0.x"), ("subject", f"housing.{key}", "subject 1.x"))
        for key in ("home_cage_enrichment", "light_cycle")
    ),
    _moved(
        ("subject", "background_strain", "subject 0.x-1.x (text)"),
        ("subject", "subject_details.strain.name", "subject 2.x"),
    ),
    # session 1.x, light-sheet acquisition 0.x-1.x (session-shaped), acquisition 2.x.
    *(
        _moved(
            ("session", f"session_{which}_time", "session 0.x-1.x"),
            ("acquisition", f"session_{which}_time", "light-sheet acquisition 0.x-1.x"),
            ("acquisition", f"acquisition_{which}_time", "acquisition 2.x"),
        )
        for which in ("start", "end")
    ),
    _moved(
        ("session", "session_type", "session 0.x-1.x"),
        ("acquisition", "session_type", "light-sheet acquisition 0.x-1.x"),
        ("acquisition", "acquisition_type", "acquisition 2.x"),
    ),
    _moved(
        ("session", "experimenter_full_name", "session 0.x-1.x"),
        ("acquisition", "experimenter_full_name", "light-sheet acquisition 0.x-1.x"),
        ("acquisition", "experimenters", "acquisition 2.x"),
    ),
    _moved(("session", "rig_id", "session 0.x-1.x"), ("acquisition", "instrument_id", "acquisition 2.x")),
    _moved(("rig", "rig_id", "rig 0.x-1.x"), ("instrument", "instrument_id", "instrument 0.x-2.x")),
    _moved(
        ("session", "iacuc_protocol", "session 0.x-1.x"),
        ("acquisition", "ethics_review_id", "acquisition 2.x"),
    ),
    *_acquisition_subject(
        "animal_weight_prior",
        "animal_weight_post",
        "weight_unit",
        "anaesthesia",
        "mouse_platform_name",
        "reward_consumed_total",
        "reward_consumed_unit",
    ),
    _moved(
        ("session", "data_streams.stream_modalities", "session 0.x-1.x"),
        ("acquisition", "data_streams.modalities", "acquisition 2.x"),
    ),
    _moved(
        ("session", "data_streams.ophys_fovs", "session 0.x-1.x (a field of view)"),
        ("acquisition", "data_streams.configurations.images.planes", "acquisition 2.x (an imaging plane)"),
    ),
    Moved(
        (
            Place("session", "data_streams.light_sources", "session 0.x-1.x: a light source's settings"),
            Place(
                "acquisition",
                "data_streams.configurations",
                "acquisition 2.x: the configurations of a laser or an LED",
                ("object_type", ("Laser config", "Light emitting diode config")),
            ),
        )
    ),
    _moved(
        ("session", "data_streams.ophys_fovs.imaging_depth", "session 0.x-1.x"),
        ("acquisition", "data_streams.configurations.images.planes.depth", "acquisition 2.x"),
    ),
    _moved(
        ("session", "data_streams.ephys_modules.primary_targeted_structure", "session 0.x-1.x"),
        ("acquisition", "data_streams.configurations.probes.primary_targeted_structure", "acquisition 2.x"),
    ),
    # A light-sheet tile's channel (acquisition 0.x: laser_*, 0.x-1.x: excitation_*) and a 2.x
    # channel's light sources.
    *(
        _moved(
            ("acquisition", f"tiles.channel.laser_{what}", "acquisition 0.x"),
            ("acquisition", f"tiles.channel.excitation_{what}", "acquisition 0.x-1.x"),
            ("acquisition", f"data_streams.configurations.channels.light_sources.{light}", "acquisition 2.x"),
        )
        for what, light in (
            ("wavelength", "wavelength"),
            ("wavelength_unit", "wavelength_unit"),
            ("power", "power"),
            ("power_unit", "power_unit"),
        )
    ),
    _moved(
        ("acquisition", "tiles.channel.channel_name", "acquisition 0.x-1.x"),
        ("acquisition", "data_streams.configurations.channels.channel_name", "acquisition 2.x"),
    ),
    *(
        _moved(
            ("procedures", f"{group}.experimenter_full_name", "procedures 0.x-1.x"),
            ("procedures", f"{group}.experimenters", "procedures 2.x"),
        )
        for group in ("subject_procedures", "specimen_procedures")
    ),
    _moved(
        ("procedures", "subject_procedures.iacuc_protocol", "procedures 0.x-1.x"),
        ("procedures", "subject_procedures.ethics_review_id", "procedures 2.x"),
    ),
    _moved(
        ("procedures", "subject_procedures.anaesthesia.type", "procedures 0.x-1.x"),
        ("procedures", "subject_procedures.anaesthesia.anaesthetic_type", "procedures 2.x"),
    ),
    _moved(
        ("data_description", "modality", "data_description 0.x-1.x"),
        ("data_description", "modalities", "data_description 2.x"),
    ),
    _moved(
        ("data_description", "input_data_name", "data_description 0.x-1.x"),
        ("data_description", "source_data", "data_description 2.x"),
    ),
    _moved(
        ("processing", "processing_pipeline.data_processes", "processing 1.x"),
        ("processing", "data_processes", "processing 0.x and 2.x"),
    ),
    _moved(
        ("processing", "processing_pipeline.data_processes.name", "processing 1.x: the process type"),
        ("processing", "data_processes.process_type", "processing 2.x (its name is the step's own)"),
    ),
    *(
        _moved(
            ("processing", f"data_processes.{old}", "processing 0.x-1.x"),
            ("processing", f"data_processes.code.{new}", "processing 2.x"),
        )
        for old, new in (("code_url", "url"), ("code_version", "version"), ("parameters", "parameters"))
    ),
    _moved(
        ("quality_control", "evaluations.metrics", "quality_control 1.x"),
        ("quality_control", "metrics", "quality_control 2.x"),
    ),
    *(
        _moved(
            ("quality_control", f"evaluations.{key}", "quality_control 1.x (per evaluation)"),
            ("quality_control", f"metrics.{key}", "quality_control 2.x (per metric)"),
        )
        for key in ("modality", "stage")
    ),
)

SHAPES: tuple[Shape, ...] = (
    Shape("manufacturer", "name", "0.x text; an Organization object in 1.x-2.x"),
    Shape("targeted_structure", "acronym", "0.x-1.x text; a CCF structure object in 1.2-2.x"),
    Shape("primary_targeted_structure", "acronym", "session 0.x text; a CCF structure object in 1.x-2.x"),
    Shape("species", "name", "subject 0.x text; a Species object in 0.x-2.x"),
    Shape("investigators", "name", "data_description 0.x text; a Person object in 0.x-2.x"),
    Shape("experimenters", "name", "acquisition 2.x: text or a Person object"),
    Shape("modality", "abbreviation", "data_description 0.x text (a platform); a Modality object since"),
    Shape("modalities", "abbreviation", "the 2.x name of data_description.modality"),
)

FACTS: dict[str, tuple[str, str]] = {
    "genotype": ("subject", "subject_details.genotype"),
    "sex": ("subject", "subject_details.sex"),
    "species": ("subject", "subject_details.species.name"),
    "date_of_birth": ("subject", "subject_details.date_of_birth"),
    "start_time": ("acquisition", "acquisition_start_time"),
    "end_time": ("acquisition", "acquisition_end_time"),
    "session_type": ("acquisition", "acquisition_type"),
    "experimenters": ("acquisition", "experimenters"),
    "instrument_id": ("instrument", "instrument_id"),
    "modality": ("data_description", "modalities.abbreviation"),
    "excitation_wavelength": ("acquisition", "data_streams.configurations.channels.light_sources.wavelength"),
    "objective_manufacturer": ("instrument", "objectives.manufacturer.name"),
    "injection_target": ("procedures", "subject_procedures.procedures.targeted_structure.acronym"),
    "animal_weight_prior": ("acquisition", "subject_details.animal_weight_prior"),
    "animal_weight_post": ("acquisition", "subject_details.animal_weight_post"),
}
"""Named facts, each by its 2.x place (``{document: "fact", path: "genotype"}``)."""


@dataclass(frozen=True, slots=True)
class Spelled:
    """One place a unified path is read: ``path`` of ``document``; with ``kept``, only the
    elements at ``path`` whose key holds one of the values, and ``below`` read from each."""

    document: str
    path: str
    kept: tuple[str, tuple[str, ...]] | None = None
    below: str | None = None


_Kept = tuple[int, str, tuple[str, ...]]
_Spelling = tuple[str, tuple[str, ...], _Kept | None]
"""(document, path segments, kept): ``kept`` filters the elements at the first n segments."""


def unified(document: str, path: str) -> list[Spelled]:
    """Every place keeping the fact that ``document``/``path`` names in some generation, the path
    as given first; the ``fact`` document names a fact of :data:`FACTS`."""
    document, path = named(document, path)
    found: dict[_Spelling, None] = {(document, tuple(parse_path(path)), None): None}
    pending = list(found)
    while pending:
        for other in _rewritten(*pending.pop()):
            if other not in found and len(other[1]) <= MAX_PATH_SEGMENTS:
                found[other] = None
                pending.append(other)
    return [_spelled(*spelling) for spelling in found]


def _spelled(document: str, segments: tuple[str, ...], kept: _Kept | None) -> Spelled:
    if kept is None:
        return Spelled(document, ".".join(segments))
    size, key, values = kept
    return Spelled(document, ".".join(segments[:size]), (key, values), ".".join(segments[size:]) or None)


def named(document: str, path: str) -> tuple[str, str]:
    """A named fact's place (the ``fact`` document), any other document and path as given."""
    if document != FACT_DOCUMENT:
        return document, path
    if path not in FACTS:
        raise Invalid(f"unknown fact {path!r}: the facts are {', '.join(sorted(FACTS))}")
    return FACTS[path]


def _rewritten(document: str, segments: tuple[str, ...], kept: _Kept | None) -> list[_Spelling]:
    """The spellings one entry of the table gives for a spelling (below a kept place, only the
    shapes and the renamed documents apply)."""
    out: list[_Spelling] = [
        (renamed.new if document == renamed.old else renamed.old, segments, kept)
        for renamed in RENAMED
        if document in (renamed.old, renamed.new)
    ]
    matches = [
        (moved, place)
        for moved in (MOVED if kept is None else ())
        for place in moved.places
        if place.kept is None
        and place.document == document
        and segments[: len(place.segments)] == place.segments
    ]
    deepest = max((len(place.segments) for _, place in matches), default=0)
    for moved, place in matches:
        if len(place.segments) == deepest:  # an entry for a deeper place overrides one above it
            rest = segments[deepest:]
            out += [_placed(other, rest) for other in moved.places if other != place]
    least = 1 if kept is None else kept[0] + 1  # a shape never reads the kept array itself
    for shape in SHAPES:
        if segments[-1] == shape.key and len(segments) >= least:
            out.append((document, (*segments, shape.inner), kept))
        elif segments[-2:] == (shape.key, shape.inner) and len(segments) > least:
            out.append((document, segments[:-1], kept))
    return out


def _placed(place: Place, rest: tuple[str, ...]) -> _Spelling:
    kept = None if place.kept is None else (len(place.segments), *place.kept)
    return (place.document, place.segments + rest, kept)
