"""`make bench`: run every benchmark and write BENCHMARKS.md with the machine and the date."""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (module, heading): each module's main() prints and returns a Markdown table, or None when it skips.
BENCHES = [
    ("bench.plan_writes", "Plan writes: HTTP against in-process"),
    ("bench.plan_snapshots", "Loading a 10,000-event plan: snapshot against full replay"),
    ("bench.recommender_quality", "Recommendation quality on the public skills benchmark"),
    ("bench.recommender_latency", "Recommendation latency and memory by catalogue size"),
    ("bench.catalogue_import", "Catalogue import rate"),
    ("bench.follower_catchup", "Follower catch-up and plan-to-recommendation lag"),
    ("bench.plan_exports", "A plan's exports at the limits of one plan"),
    ("bench.notifier_throughput", "Notifier: plan feed to SMTP against the raw feed read"),
    ("bench.plan_views", "Plan query side: views against raw SQL by organisation size"),
    ("bench.cycle_launch", "Launching a development cycle: per-person cost by size"),
]


def machine() -> str:
    memory = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def previous_sections() -> dict[str, str]:
    """The sections of the existing BENCHMARKS.md by heading, kept when only some benches run again."""
    path = ROOT / "BENCHMARKS.md"
    if not path.exists():
        return {}
    parts = path.read_text().split("\n## ")[1:]
    return {part.split("\n", 1)[0]: "## " + part.rstrip("\n") + "\n" for part in parts}


def main(selected: list[str]) -> None:
    """Run every bench, or only those whose module names contain one of SELECTED (`make bench BENCH=...`)."""
    previous = previous_sections()
    kept = previous if selected else {}
    sections = [f"# Benchmarks\n\nMeasured on {machine()} with `make bench` (each section says when). "
                "Every figure is a ratio against a baseline measured back-to-back in the same run; disks and "
                "CPUs here are shared and noisy, so compare ratios, not absolute numbers.\n"]
    for module_name, heading in BENCHES:
        if selected and not any(s in module_name for s in selected):
            if heading in kept:
                sections.append(kept[heading])
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            print(f"{module_name}: not present ({error})", file=sys.stderr)
            continue
        doc = (module.__doc__ or "").strip()
        print(f"\n## {heading}", flush=True)
        table = module.main()
        sections.append(f"## {heading}\n\nMeasured {datetime.date.today().isoformat()}. {doc}\n\n"
                        f"{table or '_skipped: see the bench output_'}\n")
    # Sections written by hand for an issue ("## Issue #N: ...", from the runs named in them) stay.
    sections += [text for heading, text in previous.items() if heading.startswith("Issue #")]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(sections))
    print("\nwrote BENCHMARKS.md")


if __name__ == "__main__":
    main(sys.argv[1:])
