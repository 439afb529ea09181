"""A server's processes seen from /proc: which process listens on a port, its descendants, their resident memory and
CPU time, and a sampler of the memory's peak. The class-load benchmark measures the server with them, and the class
tests (tests/test_class_sessions.py) wait with them until a server is quiet."""

from __future__ import annotations

import asyncio
import contextlib
import os


def listening_pid(port: int) -> int | None:
    """The process listening on this local TCP port (from /proc: the socket's inode, then whose descriptor it is)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in list(f)[1:]:
                cols = line.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # 0A: LISTEN
                    inodes.add(f"socket:[{cols[9]}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return int(pid)
    return None


def tree(pid: int) -> list[int]:
    """The process and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
    return out


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the processes and their descendants (VmRSS), MB."""
    kb = 0
    for p in (q for pid in pids for q in tree(pid)):
        with contextlib.suppress(OSError), open(f"/proc/{p}/status") as f:
            kb += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
    return kb / 1024


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) of the processes and their descendants so far."""
    ticks = 0
    for p in (q for pid in pids for q in tree(pid)):
        with contextlib.suppress(OSError), open(f"/proc/{p}/stat") as f:
            cols = f.read().rsplit(")", 1)[1].split()
            ticks += int(cols[11]) + int(cols[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class Peak:
    """Samples the server's resident memory (all its processes') every ``every`` seconds while running; ``peak`` is
    the highest sum."""

    def __init__(self, pids: list[int], every: float = 0.25):
        self.pids, self.every, self.peak = pids, every, 0.0
        self._task: asyncio.Task | None = None

    def now(self) -> float | None:
        if not self.pids:
            return None
        mb = rss_mb(self.pids)
        self.peak = max(self.peak, mb)
        return mb

    async def _sample(self) -> None:
        while True:
            self.now()
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
