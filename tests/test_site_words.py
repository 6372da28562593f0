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


def _string_parts(tree):
    """Every literal piece of text in a module: plain strings and the fixed parts of f-strings."""
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


def test_pages_and_charts_write_counted_nouns_without_bracketed_plurals():
    # Headers such as "At 1 year(s)" and descriptions such as "9 month(s) show..." came from
    # page and chart modules, out of reach of the templates' check above.
    import ast
    from pathlib import Path

    import generator

    package = Path(generator.__file__).parent
    found = []
    for folder in ("pages", "charts", "site"):
        for path in sorted((package / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                          if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                          and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
            found += [f"{path.relative_to(package)}:{node.lineno}: {node.value.strip()[:60]!r}"
                      for node in _string_parts(tree) if "(s)" in node.value and id(node) not in docstrings]
    assert found == [], "write the count with generator.words.counted:\n" + "\n".join(found)


def test_a_part_of_a_rate_is_not_named_as_the_rate():
    # The twins page listed referral_to_assessment_pending (337 cases whose window was still
    # open) as "Referrals going on to assessment", a figure the junctions page gives as 14,518.
    from generator.metrics import label_of

    assert label_of("referral_to_assessment_pct") == "Referrals going on to assessment (%)"
    assert label_of("referral_to_assessment_pending") != label_of("referral_to_assessment")
    assert "pending" in label_of("referral_to_assessment_pending")
    assert label_of("contacts") == "Contacts"
