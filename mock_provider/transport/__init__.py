"""The ways to reach a provider: in-process transports for every HTTP stack (httpx, httpx2,
requests, aiohttp) and their routing table, WSGI, and the loopback HTTP/1.1 server (+ TLS).

Layering: imports ``protocol`` and ``faults.queue`` only; everything here serves a
:class:`~mock_provider.protocol.http.Served`, never the provider's state. Only the facade
(:mod:`mock_provider.provider`) reaches in here. The package itself imports nothing, so a
part (the socket server, say) never pulls in another's HTTP stack.
"""
