"""`carejourneys init` starts a report with the pages data can fill and says what data it reads."""

import yaml

from generator.scaffold import scaffold


def test_init_report_lists_the_map_and_data_quality_pages(tmp_path):
    scaffold(tmp_path / "la")
    pages = yaml.safe_load((tmp_path / "la" / "report.yaml").read_text())["pages"]
    kinds = [page["kind"] for page in pages]
    assert pages[0]["slug"] == "index"
    for kind in ("overview", "pathway_map", "trends", "flows", "rereferrals", "junctions", "timeliness",
                 "workload", "cohorts", "key_practices", "data_quality"):
        assert kind in kinds, f"init leaves out the {kind} page"


def test_init_data_readme_describes_every_return_it_reads(tmp_path):
    scaffold(tmp_path / "la")
    readme = (tmp_path / "la" / "data" / "README.md").read_text()
    for name in ("CIN census", "SSDA903", "Annex A", "population", "tidy event log"):
        assert name in readme
