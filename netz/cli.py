"""The ``netz`` command: report, validate and convert alliances.

These are the library's commands and need only the library's dependencies. The service
adds its own (``netz serve``, ``keys``, ``load``) when it is installed (``netz[service]``):
see :func:`api.cli.add_commands`.

Input problems are printed as plain messages (file, row, column, what was
expected) and end the command with exit status 2; no traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path

import pandas as pd

from netz.analysis.gaps import Thresholds
from netz.analysis.health import Bands
from netz.analysis.report import Analysis, analyse, serialise, to_jsonable
from netz.analysis.text import (
    LANGUAGES,
    render_diff,
    render_gaps,
    render_health,
    render_report,
    render_whatif,
)
from netz.analysis.waves import diff_waves
from netz.analysis.whatif import key_players, whatif
from netz.cohort.batch import Pool, each, open_executor
from netz.core import io
from netz.core.errors import NetzError, NotInstalledError, UnknownNameError, require
from netz.core.io.spreadsheet import spreadsheet_safe
from netz.core.limits import DEFAULT_LIMITS, Limits
from netz.core.model import Alliance
from netz.messages import DEFAULT_LANGUAGE, message

__all__ = ["main"]

EXIT_INPUT = 2
EXIT_OTHER = 1

#: The module that adds the service's commands (see _add_service_commands).
SERVICE_COMMANDS = "api.cli"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except NetzError as error:
        print(f"netz: {error.text(_lang(args))}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as error:  # e.g. an output folder that does not exist, or no permission
        print(f"netz: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_OTHER


def _parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser of the library's commands, and of the service's when ``argv`` may ask for one."""
    parser = argparse.ArgumentParser(
        prog="netz",
        description="Cooperation-network analysis for local alliances (Bündnisse).",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    report_cmd = commands.add_parser("report", help="analyse an alliance and print its report")
    _add_input(report_cmd)
    _add_analysis_options(report_cmd, formats=("json", "text", "pdf"))
    report_cmd.add_argument("--out", type=Path, metavar="FILE",
                            help="where to write the report to hand out (--format pdf; 1–3 A4 pages)")
    report_cmd.set_defaults(run=_report)

    gaps_cmd = commands.add_parser("gaps", help="list the coordination gaps and what to do about them")
    _add_input(gaps_cmd)
    _add_analysis_options(gaps_cmd)
    gaps_cmd.set_defaults(run=_gaps)

    health_cmd = commands.add_parser("health", help="show the network health scorecard")
    _add_input(health_cmd)
    _add_analysis_options(health_cmd)
    health_cmd.set_defaults(run=_health)

    whatif_cmd = commands.add_parser("whatif", help="what changes if some actors leave; key players")
    _add_input(whatif_cmd)
    _add_analysis_options(whatif_cmd)
    whatif_cmd.add_argument("--remove", default="", metavar="ID[,ID]", help="actor ids to remove")
    whatif_cmd.add_argument("--key-players", type=_count, default=0, metavar="K",
                            help="also find the K actors whose departure fragments the network most")
    whatif_cmd.set_defaults(run=_whatif)

    diff_cmd = commands.add_parser("diff", help="compare two survey waves")
    _add_input(diff_cmd)
    _add_analysis_options(diff_cmd)
    diff_cmd.add_argument("--from", dest="from_wave", required=True, metavar="W1")
    diff_cmd.add_argument("--to", dest="to_wave", required=True, metavar="W2")
    diff_cmd.set_defaults(run=_diff)

    validate_cmd = commands.add_parser("validate", help="check an alliance's files and say what is wrong")
    _add_input(validate_cmd)
    add_lang_option(validate_cmd)
    validate_cmd.set_defaults(run=_validate)

    convert_cmd = commands.add_parser("convert", help="convert between formats (by file suffix)")
    _add_input(convert_cmd)
    add_lang_option(convert_cmd)
    convert_cmd.add_argument("output", type=Path, help="folder, .xlsx, .graphml, .gexf or .json")
    convert_cmd.set_defaults(run=_convert)
    _add_cohort_commands(commands)
    _add_survey_commands(commands)
    if not argv or argv[0] not in commands.choices:  # help, a command of the service, or a typo
        _add_service_commands(parser, commands, argv)
    return parser


def _add_service_commands(parser: argparse.ArgumentParser, commands: argparse._SubParsersAction,
                          argv: Sequence[str]) -> None:
    """Let the service add its commands (``netz serve``, ``keys``, ``load``: ``api.cli.add_commands``).

    The library does not depend on the service: it is imported here by name, and only when the
    command is not one of the library's, so that those neither need FastAPI and SQLAlchemy nor
    wait for their imports. Without the service installed, a command that is not the library's
    says how to install it.
    """
    try:
        service = importlib.import_module(SERVICE_COMMANDS)
    except ModuleNotFoundError as error:
        lang = locale_language()
        missing = NotInstalledError("error.feature.service_commands", error.name or SERVICE_COMMANDS,
                                    "service").text(lang)
        parser.epilog = missing
        if argv and not argv[0].startswith("-"):
            parser.error(message("error.cli.not_a_command", lang, command=argv[0], missing=missing))
        return
    service.add_commands(commands)


def _add_cohort_commands(commands: argparse._SubParsersAction) -> None:
    """compare, trends, batch and cohort: many alliances at once (netz.cohort.compare, .trends, .batch)."""
    many = "alliance folders or files, or folders holding several (searched like netz batch)"
    compare_cmd = commands.add_parser("compare", help="compare alliances size-fairly (null models, ranks)")
    compare_cmd.add_argument("paths", type=Path, nargs="+", metavar="PATH", help=many)
    compare_cmd.add_argument("--wave", help="which wave of each alliance (default: its latest; 'all')")
    compare_cmd.add_argument("--null-samples", type=int, default=100, metavar="N",
                             help="random networks per null model for the z-scores (default 100; 0: none)")
    trends_cmd = commands.add_parser("trends", help="every network figure of each alliance across waves")
    trends_cmd.add_argument("paths", type=Path, nargs="+", metavar="PATH", help=many)
    trends_cmd.add_argument("--null-samples", type=int, default=0, metavar="N",
                            help="null-model samples for z-scores per wave (default 0: none)")
    compare_cmd.add_argument("--format", choices=("text", "json", "csv", "pdf", "xlsx"), default="text",
                             help="text (readable), json or csv (machine names), or a programme report as "
                                  "pdf or the overview as xlsx (both need --out)")
    compare_cmd.add_argument("--out", type=Path, metavar="FILE", help="where --format pdf|xlsx writes")
    trends_cmd.add_argument("--format", choices=("text", "json", "csv"), default="text")
    compare_cmd.set_defaults(run=_compare)
    trends_cmd.set_defaults(run=_trends)

    batch_cmd = commands.add_parser("batch", help="compute every alliance under a folder; Parquet and CSV")
    batch_cmd.add_argument("path", type=Path, metavar="DIR")
    batch_cmd.add_argument("--out", type=Path, required=True, help="results.parquet (a .csv is written too)")
    batch_cmd.add_argument("--wave", help="which wave of each alliance (default: its latest; 'all')")
    batch_cmd.add_argument("--null-samples", type=int, default=100, metavar="N")
    batch_cmd.add_argument("--actors", action="store_true", help="also write every actor's metrics")
    batch_cmd.set_defaults(run=_batch)
    for command in (compare_cmd, trends_cmd, batch_cmd):
        add_reading_options(command)
        command.add_argument("--group-by", default="type", metavar="COLUMN")
        command.add_argument("--seed", type=int, default=0)
        command.add_argument("--workers", type=int, default=None, metavar="N",
                             help="local processes (default: one per CPU; 1: in this process)")
        command.add_argument("--scheduler", metavar="ADDRESS",
                             help="where to compute: a Dask scheduler (tcp://host:8786), 'processes' or "
                                  "'processes:N' (default: the setting NETZ_SCHEDULER, else local processes)")
        command.add_argument("--no-progress", dest="progress", action="store_false",
                             help="no progress bar on standard error")

    cohort_cmd = commands.add_parser("cohort", help="generate the synthetic demo cohort into a folder")
    cohort_cmd.add_argument("output", type=Path, metavar="DIR")
    cohort_cmd.add_argument("--count", type=int, default=30)
    cohort_cmd.add_argument("--seed", type=int, default=2016)
    cohort_cmd.set_defaults(run=_cohort)


def _add_survey_commands(commands: argparse._SubParsersAction) -> None:
    from netz.analysis.survey import COMBINE, RULES

    survey_cmd = commands.add_parser("survey", help="partner surveys: turn answers into ties")
    survey_commands = survey_cmd.add_subparsers(required=True, metavar="SUBCOMMAND")
    merge_cmd = survey_commands.add_parser(
        "merge", help="merge survey answers (reporter, partner, ... or the long form reporter, partner, "
                      "item, value) into ties; prints a tie table as CSV")
    merge_cmd.add_argument("answers", type=Path, help="the answers as CSV")
    merge_cmd.add_argument("--rule", choices=RULES, default="union", help="when a tie counts")
    merge_cmd.add_argument("--combine", choices=COMBINE, default="mean", help="how ratings combine")
    merge_cmd.add_argument("--reconstruct", action="store_true",
                           help="take non-respondents' ties from what respondents report about them")
    merge_cmd.add_argument("--alliance", type=Path, help="the alliance whose actors are the roster "
                                                         "(default: every actor named in the answers)")
    merge_cmd.add_argument("--respondents", default="", metavar="ID[,ID]",
                           help="who answered (default: every reporter in the answers)")
    merge_cmd.add_argument("--format", choices=("csv", "json"), default="csv",
                           help="csv: the tie table; json: ties, disagreements and figures")
    add_lang_option(merge_cmd)
    merge_cmd.set_defaults(run=_survey_merge)


def _survey_merge(args: argparse.Namespace) -> int:
    from netz.analysis import survey
    from netz.core.io.tables import read_csv_table

    table = read_csv_table(args.answers)
    reporters = [str(r).strip() for r in table.get("reporter", pd.Series(dtype=object)).dropna()]
    partners = [str(p).strip() for p in table.get("partner", pd.Series(dtype=object)).dropna()]
    roster = (list(io.read(args.alliance).actors["id"]) if args.alliance
              else list(dict.fromkeys(reporters + partners)))
    name = args.answers.name
    if {"item", "value"} <= set(table.columns):
        reports = survey.from_long(table.reset_index(drop=True), roster, file=name)
    else:
        reports = survey.reports_frame(table.reset_index(drop=True).replace({"": None}), roster, file=name)
    respondents = [r for r in args.respondents.split(",") if r] or list(dict.fromkeys(reporters))
    ties = survey.merge(reports, roster, respondents, rule=args.rule, combine=args.combine,
                        reconstruct=args.reconstruct)
    if args.format == "csv":
        spreadsheet_safe(ties).to_csv(sys.stdout, index=False)
        return 0
    _, network = survey.partner_scores(reports)
    rate = survey.response_rate(roster, respondents)
    result = {"rule": args.rule, "response_rate": rate, "ties": ties.to_dict("records"),
              "disagreements": survey.disagreements(reports, respondents),
              "observed_density": survey.observed_density(reports, roster, respondents, rule=args.rule,
                                                          reconstruct=args.reconstruct),
              "scores": network, "caveats": survey.caveats(rate)}
    print(json.dumps(to_jsonable(result), ensure_ascii=False, indent=1))
    return 0


def _add_input(command: argparse.ArgumentParser) -> None:
    command.add_argument("path", type=Path, help="alliance folder, .zip, .xlsx, .graphml, .gexf or .json")
    direction = command.add_mutually_exclusive_group()
    direction.add_argument("--directed", dest="directed", action="store_true", default=None,
                           help="read ties as directed (A names B)")
    direction.add_argument("--undirected", dest="directed", action="store_false",
                           help="read ties as undirected (A and B cooperate)")
    _add_lenient(command)
    defaults = ", ".join(f"{name}={getattr(DEFAULT_LIMITS, name)}" for name in Limits.__dataclass_fields__)
    command.add_argument(
        "--limit", action="append", default=[], metavar="NAME=VALUE",
        help=f"raise (or lower) a limit on what is read, e.g. max_actors=500000; defaults: {defaults}",
    )


def _add_lenient(command: argparse.ArgumentParser) -> None:
    """``--lenient``, for every command that reads alliances."""
    command.add_argument(
        "--lenient", action="store_true",
        help="unknown actor types become 'other' and duplicate ties (same source, target, kind and wave) "
             "are dropped, with warnings",
    )


def add_reading_options(command: argparse.ArgumentParser) -> None:
    """The reading options of the commands on many alliances: --lenient and --lang."""
    _add_lenient(command)
    add_lang_option(command)


def locale_language() -> str:
    """The language of the user's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) if netz speaks
    it, else German (also for the locales ``C`` and ``POSIX``, which name none)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            language = value.split(".")[0].split("_")[0].lower()
            return language if language in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def add_lang_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--lang", choices=LANGUAGES, default=locale_language(),
                         help="language of the text and of the messages (default: the locale's, else de)")


def _lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", None) or locale_language())


def _count(text: str) -> int:
    """A whole number of at least 0, for argparse."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got '{text}'")
    return int(text)


def _add_analysis_options(command: argparse.ArgumentParser,
                          formats: tuple[str, ...] = ("json", "text")) -> None:
    command.add_argument("--format", choices=formats, default="text")
    command.add_argument("--group-by", default="type", metavar="COLUMN",
                         help="actor column that defines groups (default: type)")
    command.add_argument("--wave", help="which survey wave to analyse (default: the latest; 'all')")
    add_lang_option(command)
    command.add_argument("--threshold", action="append", default=[], metavar="NAME=VALUE",
                         help="change a gap threshold, e.g. over_centralization_share=0.4")
    command.add_argument("--band", action="append", default=[], metavar="NAME=VALUE",
                         help="change a health band limit, e.g. cohesion_good=3")


def _settings(pairs: list[str], option: str) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise NetzError("error.cli.name_value", option=option, pair=pair)
        settings[name.strip()] = value.strip()
    return settings


def _rules(args: argparse.Namespace) -> tuple[Thresholds, Bands]:
    """The gap thresholds and health bands, with the user's --threshold and --band applied."""
    return (Thresholds().updated(**_settings(args.threshold, "--threshold")),
            Bands().updated(**_settings(args.band, "--band")))


def _analyse(args: argparse.Namespace, alliance: Alliance | None = None) -> Analysis:
    thresholds, bands = _rules(args)
    return analyse(alliance or _read(args), group_by=args.group_by, wave=args.wave,
                   thresholds=thresholds, bands=bands)


def _emit(args: argparse.Namespace, data: object, text: str) -> int:
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text)
    return 0


def _limits(pairs: list[str]) -> Limits:
    """The library's limits with the user's --limit NAME=VALUE applied."""
    changed = {}
    for name, value in _settings(pairs, "--limit").items():
        if name not in Limits.__dataclass_fields__:
            raise UnknownNameError("error.name.limit", name=name, accepted=list(Limits.__dataclass_fields__),
                                   heading="error.name.heading.limits")
        if not value.isdigit() or int(value) < 1:
            raise NetzError("error.cli.limit_number", name=name, value=value)
        changed[name] = int(value)
    return dataclasses.replace(DEFAULT_LIMITS, **changed)


def _read(args: argparse.Namespace) -> Alliance:
    alliance = io.read(args.path, directed=args.directed, lenient=args.lenient, limits=_limits(args.limit))
    _warn(alliance, _lang(args))
    return alliance


def _warn(alliance: Alliance, lang: str) -> None:
    for warning in alliance.warnings:
        print(f"netz: {message('cli.warning', lang)}: {warning.text(lang)}", file=sys.stderr)


def _report(args: argparse.Namespace) -> int:
    if args.format == "pdf":
        return _report_pdf(args)
    if args.out is not None:
        raise NetzError("error.cli.out_for_pdf")
    result = serialise(_analyse(args))
    return _emit(args, result, render_report(result, lang=args.lang))


def _report_pdf(args: argparse.Namespace) -> int:
    """The report to hand out (netz.analysis.handout), printed to the PDF file --out."""
    from netz.analysis.handout import handout
    from netz.core.printed import FEATURE, pdf

    if args.out is None:
        raise NetzError("error.cli.pdf_needs_out")
    require("weasyprint", extra="pdf", feature=FEATURE)  # before the analysis, not after it
    thresholds, bands = _rules(args)
    html = handout(_read(args), lang=args.lang, group_by=args.group_by, wave=args.wave,
                   thresholds=thresholds, bands=bands)
    args.out.write_bytes(pdf(html))
    print(message("cli.wrote", args.lang, path=args.out))
    return 0


def _gaps(args: argparse.Namespace) -> int:
    gaps = serialise(_analyse(args))["gaps"]
    return _emit(args, gaps, render_gaps(gaps, lang=args.lang))


def _health(args: argparse.Namespace) -> int:
    indicators = serialise(_analyse(args))["health"]
    return _emit(args, indicators, render_health(indicators, lang=args.lang))


def _whatif(args: argparse.Namespace) -> int:
    alliance = _read(args)
    before = _analyse(args, alliance)
    removed = [i.strip() for i in args.remove.split(",") if i.strip()]
    if not removed and not args.key_players:
        raise NetzError("error.cli.nothing_to_remove")
    result: dict[str, object] = {}
    if removed:
        thresholds, bands = _rules(args)
        result.update(whatif(alliance, removed, group_by=args.group_by, wave=args.wave,
                             thresholds=thresholds, bands=bands, before=before))
    if args.key_players:
        result["key_players"] = key_players(before.graph, args.key_players)
    return _emit(args, to_jsonable(result), render_whatif(to_jsonable(result), lang=args.lang))


def _diff(args: argparse.Namespace) -> int:
    thresholds, bands = _rules(args)
    result = to_jsonable(diff_waves(_read(args), args.from_wave, args.to_wave, group_by=args.group_by,
                                    thresholds=thresholds, bands=bands))
    return _emit(args, result, render_diff(result, lang=args.lang))


def _validate(args: argparse.Namespace) -> int:
    alliance = _read(args)
    lang = _lang(args)
    kind = message("cli.directed" if alliance.directed else "cli.undirected", lang)
    print(message("cli.validate.ok", lang, path=args.path, actors=alliance.n_actors, ties=alliance.n_ties,
                  kind=kind))
    return 0


def _convert(args: argparse.Namespace) -> int:
    written = io.write(_read(args), args.output)
    print(message("cli.wrote", _lang(args), path=written))
    return 0


def _alliances(args: argparse.Namespace) -> dict[str, Alliance]:
    from netz.cohort.batch import discover

    found = [p for path in args.paths for p in discover(path)]
    if not found:
        raise NetzError("error.cli.no_alliance_found", paths=", ".join(map(str, args.paths)))
    alliances = {str(p): io.read(p, lenient=args.lenient) for p in found}
    for alliance in alliances.values():
        _warn(alliance, _lang(args))
    return alliances


def _emit_table(args: argparse.Namespace, table: pd.DataFrame, data: object, text: str) -> int:
    if args.format == "csv":
        spreadsheet_safe(table).to_csv(sys.stdout, index=False)
        return 0
    return _emit(args, data, text)


def _pool(args: argparse.Namespace) -> AbstractContextManager[Pool]:
    """The executor of a cohort command: ``--scheduler``, ``--workers`` or the setting."""
    return open_executor(args.scheduler, workers=args.workers)


def _compare(args: argparse.Namespace) -> int:
    from netz.cohort.compare import compare
    from netz.cohort.compare_text import compare_text
    from netz.cohort.programme import health_columns

    if args.format in ("pdf", "xlsx"):
        return _programme_file(args)
    alliances = _alliances(args)
    with _pool(args) as pool:
        table = compare(alliances, wave=args.wave, group_by=args.group_by, null_samples=args.null_samples,
                        seed=args.seed, executor=pool.executor, progress=args.progress)
        health = pd.DataFrame(each(partial(health_columns, wave=args.wave, seed=args.seed),
                                   list(alliances.values()), executor=pool.executor, cost=_cost,
                                   progress=args.progress, desc="netz compare: bands and gaps"))
    table = pd.concat([table, health], axis=1)
    return _emit_table(args, table, to_jsonable(table.to_dict("records")), compare_text(table, args.lang))


def _cost(alliance: Alliance) -> float:
    """What computing an alliance costs, roughly: actors times ties (largest first)."""
    return float(alliance.n_actors * max(len(alliance.ties), 1))


def _programme_file(args: argparse.Namespace) -> int:
    """``netz compare … --format pdf|xlsx --out FILE``: the programme report or the overview."""
    from netz.cohort.programme import HEADLINE, alliance_summary, overview
    from netz.cohort.programme_charts import trend_chart
    from netz.cohort.programme_report import overview_xlsx, report_pdf

    if args.out is None:
        raise NetzError("error.cli.format_needs_out", format=args.format)
    if args.format == "pdf":
        require("weasyprint", extra="pdf", feature="error.feature.compare_pdf")
    alliances = _alliances(args)
    with _pool(args) as pool:
        found = each(partial(alliance_summary, null_samples=args.null_samples, seed=args.seed),
                     list(alliances.values()), executor=pool.executor, cost=_cost, progress=args.progress,
                     desc="netz compare")
    summaries = dict(zip(alliances, found, strict=True))
    rows = overview(summaries, list(summaries))
    if args.format == "xlsx":
        args.out.write_bytes(overview_xlsx(rows, args.lang))
    else:
        charts = [trend_chart(summaries, figure, lang=args.lang) for figure in HEADLINE]
        names = sorted({str(row["programme"]) for row in rows if row.get("programme")})
        args.out.write_bytes(report_pdf(rows, charts, programme=", ".join(names) or None, lang=args.lang))
    print(message("cli.wrote", args.lang, path=args.out))
    return 0


def _trends(args: argparse.Namespace) -> int:
    from netz.cohort.compare_text import trends_text
    from netz.cohort.trends import trends, trends_json

    alliances = _alliances(args)
    with _pool(args) as pool:
        table = trends(alliances, group_by=args.group_by, null_samples=args.null_samples, seed=args.seed,
                       executor=pool.executor, progress=args.progress)
    return _emit_table(args, table, trends_json(table), trends_text(table, args.lang))


def _batch(args: argparse.Namespace) -> int:
    from netz.cohort.batch import discover, run, write_results

    require("pyarrow", extra="batch", feature="error.feature.batch_parquet")
    root = args.path
    paths = discover(root)
    keys = {p.relative_to(root).as_posix() if root.is_dir() and p != root else p.name: p for p in paths}
    with _pool(args) as pool:
        result = run(keys, executor=pool.executor, workers=pool.workers, wave=args.wave,
                     group_by=args.group_by, null_samples=args.null_samples, seed=args.seed,
                     actors=args.actors, progress=args.progress, lenient=args.lenient)
    written = write_results(result, args.out)
    print(message("cli.batch.done", args.lang, done=len(result.alliances), total=len(paths),
                  paths=", ".join(str(p) for p in written)))
    if len(result.failures):
        print(f"netz: {len(result.failures)} alliance(s) failed:", file=sys.stderr)
        for failure in result.failures.itertuples():
            print(f"  {failure.alliance}: {failure.message}", file=sys.stderr)
        return EXIT_OTHER
    return 0


def _cohort(args: argparse.Namespace) -> int:
    from netz.cohort.synthetic import demo_cohort, write_cohort

    written = write_cohort(demo_cohort(args.count, seed=args.seed), args.output)
    print(message("cli.cohort.wrote", _lang(args), n=len(written), folder=args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
