"""The testbed's delaying TCP proxy (the kernel here has no netem): every chunk is passed on
`--delay-ms` after it arrived, in both directions, order kept."""
import argparse
import asyncio


async def pipe(reader, writer, delay):
    q = asyncio.Queue()

    async def send():
        loop = asyncio.get_running_loop()
        while True:
            due, data = await q.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.create_task(send())
    loop = asyncio.get_running_loop()
    try:
        while True:
            data = await reader.read(65536)
            await q.put((loop.time() + delay, data or None))
            if not data:
                break
    except (ConnectionError, OSError):
        await q.put((loop.time(), None))
    try:
        await task
    except (ConnectionError, OSError):
        pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--delay-ms", type=int, required=True)
    a = ap.parse_args()
    lh, lp = a.listen.rsplit(":", 1)
    th, tp = a.to.rsplit(":", 1)
    delay = a.delay_ms / 1000.0

    async def handle(cr, cw):
        try:
            sr, sw = await asyncio.wait_for(asyncio.open_connection(th, int(tp)), 5)
        except (OSError, asyncio.TimeoutError):
            cw.close()
            return
        await asyncio.gather(pipe(cr, sw, delay), pipe(sr, cw, delay), return_exceptions=True)

    server = await asyncio.start_server(handle, lh, int(lp))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
