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
    TYPE = "TYPE"
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
    SESSION_TYPE = "SESSION_TYPE"
    GENOTYPE = "GENOTYPE"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    RECORD_CREATED = "RECORD_CREATED"
    RECORD_MODIFIED = "RECORD_MODIFIED"
    COMPLETENESS = "COMPLETENESS"


class SortDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class FacetField(StrEnum):
    """A dimension of assets. MODALITY is the term as the record writes it (SmartSPIM),
    MODALITY_FAMILY the vocabulary term a legacy spelling belongs to (SPIM). YEAR, MONTH and DAY
    bucket the acquisition time, the RECORD_* fields
    the metadata record's times, in the request's time zone; DATE_OF_BIRTH is a day."""

    MODALITY = "MODALITY"
    MODALITY_FAMILY = "MODALITY_FAMILY"
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
    SESSION_TYPE = "SESSION_TYPE"
    GENOTYPE = "GENOTYPE"
    DAY = "DAY"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    DATE_OF_BIRTH_MONTH = "DATE_OF_BIRTH_MONTH"
    DATE_OF_BIRTH_YEAR = "DATE_OF_BIRTH_YEAR"
    RECORD_CREATED_DAY = "RECORD_CREATED_DAY"
    RECORD_CREATED_MONTH = "RECORD_CREATED_MONTH"
    RECORD_CREATED_YEAR = "RECORD_CREATED_YEAR"
    RECORD_MODIFIED_DAY = "RECORD_MODIFIED_DAY"
    RECORD_MODIFIED_MONTH = "RECORD_MODIFIED_MONTH"
    RECORD_MODIFIED_YEAR = "RECORD_MODIFIED_YEAR"
    MISSING = "MISSING"


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
    """A typed field to measure: durations in seconds, the subject's age in days, sizes in bytes,
    completeness as a share (0 to 1);
    a time or date (MIN, MAX, COUNT) as epoch seconds in ``values`` and ISO 8601 in ``record``;
    a dimension (MODALITY ... DAY) by COUNT_DISTINCT of its values."""

    ASSET = "ASSET"
    SUBJECT = "SUBJECT"
    ACQUISITION_DURATION = "ACQUISITION_DURATION"
    SUBJECT_AGE_AT_ACQUISITION = "SUBJECT_AGE_AT_ACQUISITION"
    PROCESSING_DURATION = "PROCESSING_DURATION"
    FILE_COUNT = "FILE_COUNT"
    TOTAL_SIZE = "TOTAL_SIZE"
    COMPLETENESS = "COMPLETENESS"
    ACQUIRED_AT = "ACQUIRED_AT"
    ACQUIRED_END = "ACQUIRED_END"
    REGISTERED_AT = "REGISTERED_AT"
    RECORD_CREATED = "RECORD_CREATED"
    RECORD_MODIFIED = "RECORD_MODIFIED"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    MODALITY = "MODALITY"
    SPECIES = "SPECIES"
    SEX = "SEX"
    PROJECT = "PROJECT"
    INSTITUTION = "INSTITUTION"
    INVESTIGATOR = "INVESTIGATOR"
    EXPERIMENTER = "EXPERIMENTER"
    FUNDING = "FUNDING"
    INSTRUMENT = "INSTRUMENT"
    SESSION_TYPE = "SESSION_TYPE"
    GENOTYPE = "GENOTYPE"
    DAY = "DAY"


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
