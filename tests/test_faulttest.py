"""The fault test, small: 7 sessions through HAProxy to two replicas, one killed."""

from __future__ import annotations

import pytest

from scripts import faulttest

SMALL = ["--sessions", "7", "--interactions", "3", "--think", "0.3",
         "--optimizers", "sgd,adam"]  # fmt: skip


@pytest.mark.e2e
def test_a_killed_replica_loses_no_ones_settings_and_tells_of_the_upload():
    report = faulttest.run(faulttest.parse_args(SMALL))

    assert report["errors"] == 0, report["error_examples"]
    # Every session running on the killed replica dropped, came back through the
    # balancer from its URL, and its page was checked against the engine again.
    assert report["ws_sessions_on_victim_at_kill"] >= 1
    assert report["ws_sessions_affected"] == report["ws_sessions_on_victim_at_kill"]
    assert report["affected_were_on_victim"]
    assert report["paths_reverified"] == report["ws_sessions_affected"]
    assert report["errors_on_other_sessions"] == 0
    # 6 websocket sessions x (page + 3 changes), and 4 new ones after the rejoin.
    assert report["verified_paths"] == 6 * 4 + 4
    # The replica was restarted, HAProxy took it back, and new sessions reach it.
    assert report["restarted"] == [report["victim"]]
    assert report["victim_up_again_after_s"] is not None
    assert report["new_sessions_on_rejoined"] >= 1
    # The upload was on the killed replica: it is lost, and the page says so.
    assert report["upload_replica"] == report["victim"]
    assert report["upload_warning"].startswith("The uploaded file was lost")
    assert "Upload the file again" in report["upload_warning"]
