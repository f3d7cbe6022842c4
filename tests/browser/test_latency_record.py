"""The latency record's own arithmetic (no browser): which way a slider is pressed, which drags count as drawn before
their release, and what the summary in benchmarks/browser.md counts. Run with the browser tests (`make test-browser`)."""
import latency


def test_a_slider_at_its_right_end_is_pressed_left_first():
    keys = ("ArrowRight", "ArrowRight", "ArrowLeft")
    assert latency.away_from_end({"now": "500", "max": "500"}, keys) == ("ArrowLeft", "ArrowLeft", "ArrowRight")
    assert latency.away_from_end({"now": "490", "max": "500"}, keys) == keys
    assert latency.away_from_end({"now": None, "max": None}, keys) == keys


def test_a_drag_counts_as_drawn_before_its_release_only_when_the_figure_moved_during_it():
    moved = latency.drag_shown("5", "depth=3", "depth=5")
    assert latency.drawn_before_release({"drag": None, "drag_shown": moved}, "drag")
    assert not latency.drawn_before_release({"drag": 80.0, "drag_shown": moved}, "drag")
    assert not latency.drawn_before_release({"drag": None, "drag_shown": latency.drag_shown("3", "depth=3", "depth=3")},
                                            "drag")
    assert not latency.drawn_before_release({"drag": None}, "drag")


def test_the_summary_counts_what_it_says(tmp_path, monkeypatch):
    monkeypatch.setattr(latency, "RESULTS_MD", tmp_path / "browser.md")
    monkeypatch.setattr(latency, "RESULTS_JSON", tmp_path / "latency.json")
    rows = [dict(notebook="nb", view=1, slider="a", where="laptop", keys=[50, 60, None, 70], keys_full=[50, 60, None, 70],
                 drag=150.2, drag_full=150.2, drag_paused=None, drag_paused_full=None,
                 drag_shown=latency.drag_shown("1", "x=0", "x=1"), drag_paused_shown=latency.drag_shown("0", "x=1", "x=0")),
            dict(notebook="nb", view=1, slider="b", where="slides", keys=[90, 200], keys_full=[90, 200], drag=None),
            dict(notebook="nb", view=1, slider="c", where="slides", keys=[50, 60, 70, 200], keys_full=[50, 60, 70, 200],
                 drag=None)]            # median 65 ms, 90th percentile 200 ms: misses one target
    text = latency.write_results(rows, "note").read_text()
    assert "| nb | a | laptop | 3 | 60 | 70 | - | 150 | - | before | - |" in text       # 3 presses brought an image
    assert "All key presses: 9, median 70 ms, 90th percentile 200 ms, slowest 200 ms." in text     # 8th of 9
    assert "meet both targets (median <= 100 ms, 90th percentile <= 150 ms): 1 of 3." in text
    assert "All drag releases: 1, median 150 ms, 90th percentile 150 ms, slowest 150.2 ms; over 150 ms: 1." in text
    assert "All drag releases after a pause: none timed; 1 whose last position was drawn before the release." in text
