"""Time is an input: nothing in the package reads the wall clock except the one
default clock of ``Context`` (used only when no clock or ``--now`` is given)."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mcwidgets"
WALL_CLOCK = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|datetime\.today|time\.time|"
                        r"time\.localtime|time\.gmtime)\s*\(")
THE_DEFAULT_CLOCK = PACKAGE / "services" / "context.py"


def wall_clock_reads() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if WALL_CLOCK.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}")
    return found


def test_only_the_default_clock_reads_the_wall_clock():
    reads = wall_clock_reads()
    assert [r for r in reads if not r.startswith(str(THE_DEFAULT_CLOCK.relative_to(PACKAGE.parent)))] == []
    assert len(reads) == 1, reads  # utc_now(), the default


def test_the_pattern_finds_a_wall_clock_read(tmp_path):
    assert WALL_CLOCK.search("stamp = datetime.now(timezone.utc)")
    assert WALL_CLOCK.search("d = date.today()")
    assert not WALL_CLOCK.search("t = ctx.now()")
