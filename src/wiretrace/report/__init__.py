"""Static HTML report for wiretrace results.

The report is rendered from plain JSON-like dicts (the product's JSON
contract), so it does not depend on the rest of the pipeline::

    from wiretrace.report import render_report
    index = render_report("out/report", articles, pairs, clusters)

The output folder is self-contained: it opens from disk with no network.
"""

from wiretrace.report.render import PAIRS_PER_PAGE, render_report, segments

__all__ = ["PAIRS_PER_PAGE", "render_report", "segments"]
