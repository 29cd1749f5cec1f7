"""Fetching never runs further ahead of its consumer than the gate allows (issue #15).

A refresh stores on a writer thread while the event loop keeps fetching; without a bound,
a slow writer and many feeds would leave every fetched body and its parsed entries waiting
in memory at once.
"""

from __future__ import annotations

import asyncio

from pytest_httpserver import HTTPServer

from newsreader.fetch import FetchRequest, FetchResult, fetch_many

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


def test_fetches_wait_for_the_consumer_to_release_the_gate(threaded_server: HTTPServer) -> None:
    for n in range(6):
        threaded_server.expect_request(f"/f{n}.xml").respond_with_data(FEED)
    held: list[FetchResult] = []
    most_held = 0

    async def run() -> list[FetchResult]:
        gate = asyncio.Semaphore(2)
        loop = asyncio.get_running_loop()

        def consumed() -> None:
            held.pop(0)
            gate.release()

        def on_result(result: FetchResult) -> None:
            nonlocal most_held
            held.append(result)
            most_held = max(most_held, len(held))
            loop.call_later(0.05, consumed)  # a slow consumer: the "writer"

        requests = [FetchRequest(threaded_server.url_for(f"/f{n}.xml"), key=n) for n in range(6)]
        return await fetch_many(requests, concurrency=8, on_result=on_result, gate=gate)

    results = asyncio.run(run())

    assert [r.body for r in results] == [FEED] * 6, "every feed is still fetched"
    assert most_held == 2, "never more results waiting than the gate lets through"
