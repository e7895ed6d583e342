"""The kernel manager of ``mcwidgets serve``: at most ``max_kernels`` kernels at once.

Every dashboard page runs in its own kernel (~160 MB). Without a cap, anything that
can reach the port can start kernels until the machine runs out of memory. A page
asked for while the cap is reached gets a readable sentence (HTTP 503), not a blank
error; the kernels of closed pages are culled (see ``serve.VOILA_SETTINGS``) and
free their places.

Preheated kernels (``mcwidgets serve --preheat N``, Voila's ``preheat_kernel``): Voila
subclasses this class with its pool (``voila_kernel_manager.VoilaKernelManager``). A
pooled kernel counts against the cap like a page's, and a pool that is still to start
its kernel holds its place too; the pool is filled only with the places left under
the cap (a pool task that could not start would fail the page that takes it), and is
filled again when a kernel ends (a closed page's kernel culled). Voila never culls
pooled kernels.

Voila loads this class by name (``VoilaConfiguration.multi_kernel_manager_class``)
in its own process: keep this module free of mcwidgets' database and widget code.
"""

from __future__ import annotations

import asyncio
import uuid

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

FULL = ("The dashboard is open in too many pages ({n} at most): close a dashboard tab you no "
        "longer use, wait a minute or two, then reload this page.")


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(4, config=True, help="The most kernels (open dashboard pages) at once; 0: no limit.")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Voila's pool (preheat_kernel) overrides these two in its subclass: keep its
        # code, within the cap.
        for name in ("fill_if_needed", "get_pool_size"):
            voila_method = cls.__dict__.get(name)
            if voila_method is not None and not getattr(voila_method, "_capped", False):
                setattr(cls, name, _capped(name, voila_method))

    def __init__(self, **kwargs):
        self._starting: set[str] = set()
        self._pool_unstarted: set[asyncio.Task] = set()  # pool tasks whose kernel is still to start
        self._closing = False
        super().__init__(**kwargs)

    def kernels_in_use(self) -> int:
        """Running, pending and starting kernels (each counted once)."""
        return len(set(self._kernels) | set(getattr(self, "_pending_kernels", {})) | self._starting)

    def places_taken(self) -> int:
        """Kernels in use plus the places held by pool tasks whose kernel is still to start."""
        return self.kernels_in_use() + len(self._pool_unstarted)

    def _pool_fill(self, voila_fill, delay=None, notebook_name=None, extra_kernel_env_variables=None, **kwargs):
        """Voila's ``fill_if_needed``, with the pool's size cut to the places left under the cap."""
        if self._closing:
            return None
        pool = self._pools.setdefault(notebook_name, [])
        _drop_failed(pool, self.log)
        default = self.kernel_pools_config.get("default", {})
        config = self.kernel_pools_config.get(notebook_name, default)
        wanted = max(int(config.get("pool_size", default.get("pool_size", 1))), 0)
        size = wanted
        if self.max_kernels > 0:
            size = max(0, min(wanted, len(pool) + self.max_kernels - self.places_taken()))
        if size < wanted:
            self.log.info("mcwidgets: kernel pool of %s at %d of %d: %d of %d places in use",
                          notebook_name, size, wanted, self.places_taken(), self.max_kernels)
        if size <= len(pool):
            return None
        before = set(pool)
        saved = self.kernel_pools_config
        self.kernel_pools_config = {**saved, notebook_name: {**config, "pool_size": size}}
        try:  # synchronous: it only creates the tasks
            voila_fill(self, delay, notebook_name, extra_kernel_env_variables or {}, **kwargs)
        finally:
            self.kernel_pools_config = saved
        for task in self._pools.get(notebook_name, []):
            if task not in before:
                self._pool_unstarted.add(task)
                task.add_done_callback(self._pool_unstarted.discard)
        return None

    def _pool_size(self, voila_get_pool_size, notebook_name: str) -> int:
        """Voila's ``get_pool_size`` without failed pool tasks (a page must never take one)."""
        _drop_failed(self._pools.get(notebook_name, []), self.log)
        return voila_get_pool_size(self, notebook_name)

    def refill_pools(self) -> None:
        """Top the pools up again (after a kernel ended, a place may be free)."""
        pools = getattr(self, "_pools", None)
        if self._closing or not pools:
            return
        for notebook_name in list(pools):
            self.fill_if_needed(notebook_name=notebook_name)

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        try:
            return await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))
        finally:
            self.refill_pools()

    async def shutdown_all(self, *args, **kwargs):
        self._closing = True
        return await ensure_async(super().shutdown_all(*args, **kwargs))

    async def start_kernel(self, *args, kernel_id: str | None = None, **kwargs) -> str:
        if kernel_id is not None and kernel_id in self:  # an existing kernel: nothing new starts
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        try:  # a pool task starting its kernel: the place it held becomes the kernel's
            self._pool_unstarted.discard(asyncio.current_task())
        except RuntimeError:
            pass
        if self.max_kernels > 0 and self.places_taken() >= self.max_kernels:
            self.log.warning("mcwidgets: refusing a new kernel: %d of %d in use",
                             self.places_taken(), self.max_kernels)
            raise web.HTTPError(503, reason=FULL.format(n=self.max_kernels))
        kernel_id = kernel_id or str(uuid.uuid4())
        self._starting.add(kernel_id)  # reserved before the first await: concurrent pages see it
        try:
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        finally:
            self._starting.discard(kernel_id)


def _drop_failed(pool: list, log) -> None:
    """Remove the pool tasks that failed (or were cancelled) from ``pool``, in place."""
    for task in [t for t in pool if t.done()]:
        failed = task.cancelled() or task.exception() is not None
        if failed:
            pool.remove(task)
            log.warning("mcwidgets: a preheated kernel could not start: %s",
                        "cancelled" if task.cancelled() else task.exception())


def _capped(name: str, voila_method):
    if name == "fill_if_needed":
        def method(self, delay=None, notebook_name=None, extra_kernel_env_variables=None, **kwargs):
            return self._pool_fill(voila_method, delay, notebook_name, extra_kernel_env_variables, **kwargs)
    else:
        def method(self, notebook_name):
            return self._pool_size(voila_method, notebook_name)
    method._capped = True
    method.__name__ = name
    method.__doc__ = voila_method.__doc__
    return method
