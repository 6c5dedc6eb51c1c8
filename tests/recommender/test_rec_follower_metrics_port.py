"""`make run` must not stop because the follower's optional metrics port is taken (issue 13 §5)."""

from __future__ import annotations

import socket

from recommender.cli import serve_metrics


def test_a_taken_metrics_port_is_named_with_its_variable_and_the_follower_goes_on(capsys):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        assert serve_metrics(port, "127.0.0.1") is False
    said = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in said and "FOLLOWER_METRICS_PORT" in said
