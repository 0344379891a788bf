"""Charts: drawn once per set of figures, with a text alternative, and with
the title escaped in the SVG's label."""

from reports.charts import median_chart, radar_chart


def test_the_same_figures_are_drawn_once_and_different_figures_redrawn():
    first = median_chart(title="T", axes=["D1"], regional=[1.0], national=[2.0])
    again = median_chart(title="T", axes=["D1"], regional=[1.0], national=[2.0])
    other = median_chart(title="T", axes=["D1"], regional=[3.0], national=[2.0])
    assert again is first
    assert other is not first
    assert "Median of the selected partnerships: D1 3.00" in other.description


def test_a_title_with_markup_is_escaped_in_the_label():
    chart = radar_chart(
        title='"><script>alert(1)</script>',
        axes=["D1", "D2"],
        series={"Self score": [1.0, 2.0]},
        maximum=4,
    )
    assert "<script>" not in chart.svg
    assert 'aria-label="&quot;&gt;&lt;script&gt;' in chart.svg


def test_a_chart_with_no_scores_says_so():
    chart = radar_chart(
        title="Empty", axes=["D1"], series={"Self score": [None]}, maximum=4
    )
    assert chart.svg == ""
    assert chart.description == "Empty: no scores yet."
