"""The kernel manager of ``mcwidgets serve``: at most ``max_kernels`` kernels at once.

Every dashboard page runs in its own kernel (~160 MB). Without a cap, anything that
can reach the port can start kernels until the machine runs out of memory. A page
asked for while the cap is reached gets a readable sentence (HTTP 503), not a blank
error; the kernels of closed pages are culled (see ``serve.VOILA_SETTINGS``) and
free their places.

Voila loads this class by name (``VoilaConfiguration.multi_kernel_manager_class``)
in its own process: keep this module free of mcwidgets' database and widget code.
"""

from __future__ import annotations

import uuid

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

FULL = ("The dashboard is open in too many pages ({n} at most): close a dashboard tab you no "
        "longer use, wait a minute or two, then reload this page.")


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(4, config=True, help="The most kernels (open dashboard pages) at once; 0: no limit.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting: set[str] = set()

    def kernels_in_use(self) -> int:
        """Running, pending and starting kernels (each counted once)."""
        return len(set(self._kernels) | set(getattr(self, "_pending_kernels", {})) | self._starting)

    async def start_kernel(self, *args, kernel_id: str | None = None, **kwargs) -> str:
        if kernel_id is not None and kernel_id in self:  # an existing kernel: nothing new starts
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        if self.max_kernels > 0 and self.kernels_in_use() >= self.max_kernels:
            self.log.warning("mcwidgets: refusing a new kernel: %d of %d in use",
                             self.kernels_in_use(), self.max_kernels)
            raise web.HTTPError(503, reason=FULL.format(n=self.max_kernels))
        kernel_id = kernel_id or str(uuid.uuid4())
        self._starting.add(kernel_id)  # reserved before the first await: concurrent pages see it
        try:
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        finally:
            self._starting.discard(kernel_id)
