"""The request vocabulary's enumerations, declared once as ``StrEnum``s.

Kept apart from the input classes so that code which only needs the names (the data layer,
the registration path) does not load strawberry; GraphQL exposes these classes as they are,
describing each by its docstring."""

from __future__ import annotations

from enum import StrEnum


class PredicateOp(StrEnum):
    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    IN = "IN"
    CONTAINS = "CONTAINS"
    ICONTAINS = "ICONTAINS"
    MATCHES = "MATCHES"
    EXISTS = "EXISTS"
    LENGTH_EQ = "LENGTH_EQ"
    LENGTH_GT = "LENGTH_GT"
    LENGTH_LT = "LENGTH_LT"


class AssetOrderField(StrEnum):
    NAME = "NAME"
    ACQUIRED_AT = "ACQUIRED_AT"
    REGISTERED_AT = "REGISTERED_AT"
    SUBJECT_ID = "SUBJECT_ID"
    PROJECT = "PROJECT"
    SPECIES = "SPECIES"
    KIND = "KIND"
    DATA_LEVEL = "DATA_LEVEL"
    QC_STATUS = "QC_STATUS"
    FILE_COUNT = "FILE_COUNT"
    TOTAL_SIZE = "TOTAL_SIZE"
    ACQUISITION_DURATION = "ACQUISITION_DURATION"
    SUBJECT_AGE_AT_ACQUISITION = "SUBJECT_AGE_AT_ACQUISITION"
    PROCESSING_DURATION = "PROCESSING_DURATION"


class SortDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class FacetField(StrEnum):
    MODALITY = "MODALITY"
    SPECIES = "SPECIES"
    SEX = "SEX"
    PROJECT = "PROJECT"
    SUBJECT = "SUBJECT"
    INSTITUTION = "INSTITUTION"
    DATA_LEVEL = "DATA_LEVEL"
    KIND = "KIND"
    YEAR = "YEAR"
    QC_STATUS = "QC_STATUS"
    MONTH = "MONTH"
    INVESTIGATOR = "INVESTIGATOR"
    EXPERIMENTER = "EXPERIMENTER"
    FUNDING = "FUNDING"
    INSTRUMENT = "INSTRUMENT"
    LOCATION = "LOCATION"


class CountUnit(StrEnum):
    """What a count counts: assets; distinct subjects (assets without one are not counted); or
    the elements of aggregated values (measures only, not facets)."""

    ASSETS = "ASSETS"
    SUBJECTS = "SUBJECTS"
    ELEMENTS = "ELEMENTS"


class AggregateOp(StrEnum):
    COUNT = "COUNT"
    COUNT_DISTINCT = "COUNT_DISTINCT"
    MIN = "MIN"
    MAX = "MAX"
    AVG = "AVG"
    SUM = "SUM"


class MeasureField(StrEnum):
    """A typed field to measure: durations in seconds, the subject's age in days, sizes in bytes."""

    ASSET = "ASSET"
    SUBJECT = "SUBJECT"
    ACQUISITION_DURATION = "ACQUISITION_DURATION"
    SUBJECT_AGE_AT_ACQUISITION = "SUBJECT_AGE_AT_ACQUISITION"
    PROCESSING_DURATION = "PROCESSING_DURATION"
    FILE_COUNT = "FILE_COUNT"
    TOTAL_SIZE = "TOTAL_SIZE"


class DateBucket(StrEnum):
    DAY = "DAY"
    MONTH = "MONTH"
    YEAR = "YEAR"


class Comparison(StrEnum):
    """How a measure compares with a number."""

    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"


class ProvenanceDirection(StrEnum):
    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"
    BOTH = "BOTH"
