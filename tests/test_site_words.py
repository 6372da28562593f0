"""The words the site's templates put around numbers."""

from generator.site.render import counted, environment
from generator.resources import resource_dir


def test_a_counted_noun_agrees_with_its_number():
    assert counted(1, "finding") == "1 finding"
    assert counted(2, "finding") == "2 findings"
    assert counted(0, "finding") == "0 findings"
    assert counted(1204, "child", "children") == "1,204 children"
    assert counted(1, "child", "children") == "1 child"


def test_a_suppressed_count_keeps_the_plural():
    assert counted("c", "finding") == "c findings"


def test_templates_say_counts_without_bracketed_plurals():
    templates = resource_dir("site_templates")
    environment(templates)  # the filter is registered
    for path in templates.glob("*.html"):
        assert "(s)" not in path.read_text(), f"{path.name} writes a bracketed plural; use the counted filter"
