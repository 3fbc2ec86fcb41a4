"""Regression suites for CI: run configs × workloads, compare with stored baselines.

A suite directory holds ``suite.yaml`` (schema :class:`Suite`, docs/sweeps.md); paths in it are
relative to that directory. Each case (config × workload, minus ``exclude``) is simulated and
written as a run directory ``<config stem>__<workload stem>__b<batch>`` with ``summary.json``
(without the wall time, so that baselines only change when results do), ``layers.csv`` and
``counts.json``. Checking compares every case with its baseline directory using the suite's
tolerances (:mod:`accelsim.tools.compare`); updating rewrites the baselines.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
)

from accelsim.core import shipped
from accelsim.core.errors import AccelsimError, ConfigError
from accelsim.core.phases import PhaseSet
from accelsim.core.ranges import Seed
from accelsim.core.yamlfile import load_yaml, validate
from accelsim.results.rundir import RUN_FILES, SUMMARY, write_run_files
from accelsim.tools.compare import (
    DEFAULT_METRICS,
    Comparison,
    Tolerances,
    compare_paths,
)
from accelsim.tools.pool import worker_pool
from accelsim.workload.layers import Batch

SUITE_FILE = "suite.yaml"


class Exclude(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    config: str | None = Field(default=None, description="config file stem")
    workload: str | None = Field(default=None, description="workload file stem")


class SuiteTolerances(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rel_default: NonNegativeFloat | None = Field(
        default=None, description="relative tolerance of real values (default 1e-9)")
    rel: dict[str, NonNegativeFloat] = Field(default_factory=dict,
                                             description="metric glob -> relative tolerance")
    abs: dict[str, NonNegativeFloat] = Field(default_factory=dict,
                                             description="metric glob -> absolute tolerance")


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    configs: list[str] = Field(min_length=1)
    workloads: list[str] = Field(min_length=1)
    batch: Batch | None = None
    phases: PhaseSet = "training"
    seed: Seed = 0
    exclude: list[Exclude] = Field(default_factory=list)
    metrics: list[str] = Field(default_factory=lambda: list(DEFAULT_METRICS))
    tolerances: SuiteTolerances = SuiteTolerances()


@dataclass(frozen=True)
class Case:
    name: str
    config: str      # as written in suite.yaml (relative to the suite directory)
    workload: str
    batch: int | None
    phases: str
    seed: int


@dataclass
class CaseResult:
    case: Case
    status: str                     # pass | fail | no-baseline | error | updated | new
    comparison: Comparison | None = None
    error: str | None = None


@dataclass
class RegressReport:
    results: list[CaseResult] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.status in ("fail", "no-baseline", "error")]


def load_suite(suite_dir: Path) -> tuple[Suite, list[Case]]:
    if not suite_dir.is_dir():
        raise ConfigError("not a directory", source=str(suite_dir),
                          fix=f"pass the directory that holds {SUITE_FILE}")
    path = suite_dir / SUITE_FILE
    suite = validate(Suite, load_yaml(path), str(path))
    for field_name, kind in (("configs", "hw"), ("workloads", "workload")):
        for i, rel in enumerate(getattr(suite, field_name)):
            if not shipped.resolve_from(suite_dir, rel, kind).is_file():
                raise ConfigError("file not found", source=str(path),
                                  field=f"{field_name}[{i}] ({rel})",
                                  fix=f"paths are relative to {suite_dir} (or name a shipped "
                                      "file: accelsim list)")
    cases = []
    for c in suite.configs:
        for w in suite.workloads:
            cs, ws = Path(c).stem, Path(w).stem
            if any((e.config in (None, cs)) and (e.workload in (None, ws)) for e in suite.exclude):
                continue
            name = f"{cs}__{ws}" + (f"__b{suite.batch}" if suite.batch else "")
            cases.append(Case(name, c, w, suite.batch, suite.phases, suite.seed))
    names = [c.name for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError(f"two cases are both named {dup[0]!r}", source=str(path),
                          fix="give config and workload files distinct names")
    if not cases:
        raise ConfigError("every case is excluded", source=str(path), field="exclude")
    return suite, cases


def run_case(suite_dir: Path, case: Case, out_dir: Path) -> str | None:
    """Simulate one case into ``out_dir``; the error message if it failed."""
    from accelsim.api import load_graph, load_hardware, simulate
    from accelsim.results.writer import write_run
    try:
        hw = load_hardware(shipped.resolve_from(suite_dir, case.config, "hw"))
        graph = load_graph(shipped.resolve_from(suite_dir, case.workload, "workload"),
                           case.phases, case.batch)
        run = simulate(hw, graph, case.seed, hw_source=case.config, workload_source=case.workload)
        write_run(run, out_dir, wall_time=False)
    except AccelsimError as exc:
        return str(exc)
    except Exception as exc:  # a simulator bug fails this case, not the whole suite
        return f"internal error: {type(exc).__name__}: {exc}"
    return None


def _run_all(suite_dir: Path, cases: list[Case], out: Path, jobs: int) -> dict[str, str | None]:
    if jobs <= 1:
        return {c.name: run_case(suite_dir, c, out / c.name) for c in cases}
    with worker_pool(jobs) as pool:
        futures = {c.name: pool.submit(run_case, suite_dir, c, out / c.name) for c in cases}
        return {name: f.result() for name, f in futures.items()}


def _replace_dir(src: Path, dst: Path) -> None:
    """Put the run files of ``src`` in ``dst``, atomically (other files in ``dst`` are left
    alone)."""
    write_run_files(dst, {name: (src / name).read_text(encoding="utf-8") for name in RUN_FILES})


def regress(suite_dir: str | Path, baseline: str | Path, update: bool = False, jobs: int = 1,
            keep: str | Path | None = None) -> RegressReport:
    suite_dir, baseline = Path(suite_dir), Path(baseline)
    suite, cases = load_suite(suite_dir)
    tol = Tolerances.from_mapping(suite.tolerances.rel, suite.tolerances.abs,
                                  suite.tolerances.rel_default, str(suite_dir / SUITE_FILE))
    if baseline.exists() and not baseline.is_dir():
        raise ConfigError("not a directory", source=str(baseline), field="--baseline",
                          fix="pass the baseline directory (one run directory per case)")
    if not update and not baseline.is_dir():
        raise ConfigError("baseline directory not found", source=str(baseline),
                          field="--baseline", fix="check the path, or create the baselines "
                                                  "with --update")
    report = RegressReport()
    with tempfile.TemporaryDirectory(prefix="accelsim-regress-") as tmp:
        out = Path(keep) if keep else Path(tmp)
        errors = _run_all(suite_dir, cases, out, jobs)
        checked: list[tuple[Case, bool, object, str | None]] = []
        compared: set[str] = set()
        for case in cases:
            base_dir, new_dir = baseline / case.name, out / case.name
            if errors[case.name]:
                report.results.append(CaseResult(case, "error", error=errors[case.name]))
                continue
            has_base = (base_dir / SUMMARY).is_file()
            cmp, problem = None, None
            if has_base:
                try:
                    cmp = compare_paths(str(base_dir), str(new_dir), tol, tuple(suite.metrics))
                except ConfigError as exc:  # an unusable baseline is a failed case
                    problem = str(exc)
            # the metrics a tolerance may name: those of the new run (with or without baseline)
            compared |= (cmp or compare_paths(str(new_dir), str(new_dir), tol,
                                              tuple(suite.metrics))).metrics
            checked.append((case, has_base, cmp, problem))
        # a suite tolerance that matches no compared metric is a typo, not a rule: an error
        # before any baseline is written
        Tolerances(tol.rel, tol.abs, tol.rel_default,
                   options=(f"{SUITE_FILE}: tolerances.rel", f"{SUITE_FILE}: tolerances.abs")
                   ).check_matched(compared)
        for case, has_base, cmp, problem in checked:
            base_dir, new_dir = baseline / case.name, out / case.name
            if update:
                _replace_dir(new_dir, base_dir)
                report.results.append(CaseResult(case, "updated" if has_base else "new", cmp,
                                                 error=problem))
            elif problem is not None:
                report.results.append(CaseResult(case, "fail", error=problem))
            elif cmp is None:
                report.results.append(CaseResult(case, "no-baseline"))
            else:
                report.results.append(CaseResult(case, "fail" if cmp.regressed else "pass", cmp))
    names = {c.name for c in cases}
    if baseline.is_dir():
        for d in sorted(baseline.iterdir()):
            if d.is_dir() and d.name not in names and (d / SUMMARY).is_file():
                report.stale.append(d.name)
                if update:
                    for name in RUN_FILES:
                        (d / name).unlink(missing_ok=True)
                    if not any(d.iterdir()):
                        d.rmdir()
    return report
