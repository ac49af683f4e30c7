"""A transparent TCP relay that adds a fixed one-way delay, for bench/netbench.sh.

Usage: python3 delay-relay.py LISTEN_PORT DELAY_MS

The kernel here has no netem, so latency is added in user space: the router namespace sends every
TCP connection from the client to this relay with iptables (nat PREROUTING REDIRECT), the relay
asks the kernel where the connection was going (SO_ORIGINAL_DST), opens its own connection there,
and copies bytes both ways, holding each chunk DELAY_MS before it sends it on. With 25 ms each
way the path has a 50 ms round trip.

Faithful in what matters to FTP: each direction is a FIFO (no reordering), a chunk leaves exactly
DELAY_MS after it arrived (no rate limit: any number of chunks can be in flight, up to a window
of WINDOW bytes per direction, which only holds the reader back when the far side stops reading),
and a half-close (FIN) is passed on after the same delay, so a data connection's end and the 226
on the control connection keep their order. What it cannot delay: the TCP handshake, which the
router's kernel completes for the relay at once, so opening a connection costs about one round
trip less than on a real path, for every client alike.
"""

import asyncio
import socket
import struct
import sys

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h
WINDOW = 8 * 1024 * 1024
CHUNK = 256 * 1024


def original_destination(sock):
    """The (address, port) the client dialled before REDIRECT (struct sockaddr_in)."""
    raw = sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    port, packed = struct.unpack_from("!2xH4s", raw)
    return socket.inet_ntoa(packed), port


async def pipe(reader, writer, delay):
    """Copies reader to writer, each chunk delay seconds after it was read; ends with a FIN."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    room = asyncio.Condition()
    queued = 0

    async def receive():
        nonlocal queued
        while True:
            try:
                data = await reader.read(CHUNK)
            except (ConnectionError, OSError):
                data = b""
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                return
            async with room:
                queued += len(data)
                await room.wait_for(lambda: queued < WINDOW)

    async def send():
        nonlocal queued
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()
            async with room:
                queued -= len(data)
                room.notify_all()

    receiver = asyncio.ensure_future(receive())
    try:
        await send()
    finally:
        receiver.cancel()


async def handle(client_reader, client_writer, delay):
    sock = client_writer.get_extra_info("socket")
    try:
        host, port = original_destination(sock)
        server_reader, server_writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), 10
        )
    except (OSError, asyncio.TimeoutError):
        # The server refused or is unreachable: the client sees a reset, as it would directly.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client_writer.close()
        return
    for w in (client_writer, server_writer):
        w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        await asyncio.gather(
            pipe(client_reader, server_writer, delay),
            pipe(server_reader, client_writer, delay),
        )
    except (ConnectionError, OSError):
        pass
    finally:
        for w in (client_writer, server_writer):
            w.close()


async def main():
    port, delay_ms = int(sys.argv[1]), float(sys.argv[2])
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, delay_ms / 1000), "0.0.0.0", port, backlog=512
    )
    print(f"delay-relay: port {port}, {delay_ms} ms each way", file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
