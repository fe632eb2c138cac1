"""One overall quality-control status, PASS / FAIL / PENDING, however the document states it. Early 1.x
gives an ``overall_status``, later 1.x evaluations with statuses or metrics, 2.x a flat list of metrics
with tags allowed to fail; this module reduces each shape to the same verdict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from catalog.conventions.metadata.values import quote
from catalog.conventions.metadata.versions import major

if TYPE_CHECKING:
    from catalog.conventions.metadata.extracted import Extracted
    from catalog.conventions.metadata.reader import Reader

_QC_STATUSES = {"pass": "PASS", "fail": "FAIL", "pending": "PENDING"}


def read_quality_control(reader: Reader, out: Extracted) -> None:
    """One overall PASS / FAIL / PENDING, however the document states it."""
    qc = reader.document("quality_control")
    if not qc:
        return
    if "overall_status" in qc:
        status = _overall_status(reader, qc["overall_status"])
    elif major(qc) >= 2 or "metrics" in qc:
        metrics = qc.get("metrics")
        status = _aggregate(_metric_statuses(reader, "quality_control.metrics", metrics, _allowed_tags(qc)))
    else:
        status = _aggregate(_evaluation_statuses(reader, qc))
    summary = qc.get("status")
    if status is None and summary is not None:
        values = summary.values() if isinstance(summary, Mapping) else [summary]
        status = _aggregate(_statuses(reader, "quality_control.status", values))
    out.qc_status = status


def _overall_status(reader: Reader, raw: object) -> str | None:
    """Early 1.x ``overall_status``: a status history (latest last), one status object, or text."""
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    if isinstance(raw, Mapping):
        raw = raw.get("status")
    return _aggregate(_statuses(reader, "quality_control.overall_status", [raw]))


def _evaluation_statuses(reader: Reader, qc: Mapping[str, Any]) -> list[str]:
    """1.x: each evaluation's ``latest_status``, else its metrics' (honouring allowed failures)."""
    statuses: list[str] = []
    for index, evaluation in enumerate(reader.objects("quality_control.evaluations", qc.get("evaluations"))):
        where = f"quality_control.evaluations[{index}]"
        latest = evaluation.get("latest_status")
        if latest is not None:
            statuses += _statuses(reader, f"{where}.latest_status", [latest])
            continue
        metrics = _metric_statuses(reader, f"{where}.metrics", evaluation.get("metrics"))
        if evaluation.get("allow_failed_metrics") is True:
            metrics = ["PASS" if status == "FAIL" else status for status in metrics]
        status = _aggregate(metrics)
        if status is not None:
            statuses.append(status)
    return statuses


def _metric_statuses(
    reader: Reader, where: str, metrics: object, allowed_tags: frozenset[str] = frozenset()
) -> list[str]:
    """Each metric's latest status; a failure under an allowed tag (2.x) counts as a pass."""
    statuses = []
    for index, metric in enumerate(reader.objects(where, metrics)):
        found = _statuses(reader, f"{where}[{index}].status_history", [_latest(metric.get("status_history"))])
        tags = metric.get("tags")
        if (
            found == ["FAIL"]
            and isinstance(tags, list)
            and any(isinstance(tag, str) and tag in allowed_tags for tag in tags)
        ):
            found = ["PASS"]
        statuses += found
    return statuses


def _allowed_tags(qc: Mapping[str, Any]) -> frozenset[str]:
    """2.x ``allow_tag_failures``: tags whose failing metrics do not fail the asset."""
    allowed = qc.get("allow_tag_failures")
    return (
        frozenset(tag for tag in allowed if isinstance(tag, str))
        if isinstance(allowed, list)
        else frozenset()
    )


def _latest(history: object) -> object:
    """The status of the last entry of an (append-only) status history."""
    if isinstance(history, list) and history:
        last = history[-1]
        return last.get("status") if isinstance(last, Mapping) else last
    return None


def _statuses(reader: Reader, where: str, values: Iterable[object]) -> list[str]:
    """Normalised statuses; an unknown word is warned about and left out."""
    statuses = []
    for value in values:
        if value is None:
            continue
        status = _QC_STATUSES.get(value.strip().casefold()) if isinstance(value, str) else None
        if status is None:
            reader.warn(where, f"not a QC status (Pass/Fail/Pending): {quote(value)}")
        else:
            statuses.append(status)
    return statuses


def _aggregate(statuses: list[str]) -> str | None:
    """Any failure fails; all passing passes; anything else is still pending."""
    if not statuses:
        return None
    if "FAIL" in statuses:
        return "FAIL"
    return "PASS" if all(status == "PASS" for status in statuses) else "PENDING"
