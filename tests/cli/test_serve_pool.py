"""`mcwidgets serve --preheat N`: Voila's pool of preheated kernels on the capped kernel
manager. Voila's own pool class (``voila_kernel_manager_factory``) over
CappedKernelManager; only the kernel processes are stand-ins (no kernel is launched)."""

from __future__ import annotations

import asyncio
import threading
import types
import uuid

import pytest
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets.config import Configurable
from voila.voila_kernel_manager import voila_kernel_manager_factory

from mcwidgets.serve_kernels import CappedKernelManager

NB = "dashboard.ipynb"


def run(coro_fn) -> None:
    """``asyncio.run(coro_fn())`` on a thread of its own: Playwright's sync API (the browser
    tests, in the same session) keeps an event loop running in the main thread."""
    failure: list[BaseException] = []

    def target():
        try:
            asyncio.run(coro_fn())
        except BaseException as e:  # re-raised in the test's thread
            failure.append(e)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


class FakeVoila(Configurable):
    """What the pool reads from its parent (the Voila app)."""

    def __init__(self, root):
        super().__init__()
        self.root_dir = str(root)
        self.notebook_path = None
        self.base_url = "/"
        self.server_url = "/"
        self.port = 8866


@pytest.fixture
def manager(tmp_path, monkeypatch):
    started_envs = []

    async def start(self, kernel_name=None, kernel_id=None, **kwargs):  # the kernel process
        kernel_id = kernel_id or str(uuid.uuid4())
        await asyncio.sleep(0)
        self._kernels[kernel_id] = object()
        started_envs.append(kwargs.get("env", {}))
        return kernel_id

    async def shutdown(self, kernel_id, now=False, restart=False):
        self._kernels.pop(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", start)
    monkeypatch.setattr(AsyncMappingKernelManager, "shutdown_kernel", shutdown)
    monkeypatch.setattr(AsyncMappingKernelManager, "_async_shutdown_kernel", shutdown)  # shutdown_all's
    cls = voila_kernel_manager_factory(CappedKernelManager, True, 2)

    def make(max_kernels):
        km = cls(parent=FakeVoila(tmp_path), max_kernels=max_kernels)

        async def initialize(notebook_path, kernel_id=None, **kwargs):  # Voila's, without the renderer
            kernel_id = await CappedKernelManager.start_kernel(km, kernel_name="python3", **kwargs)
            done = asyncio.get_running_loop().create_future()
            done.set_result(([], None))
            return {"task": done, "renderer": types.SimpleNamespace(stop_generator=False, rendered_cache=[]),
                    "kernel_id": kernel_id}

        km._initialize = initialize
        km.started_envs = started_envs
        return km
    return make


async def settle():
    for _ in range(20):
        await asyncio.sleep(0)


def test_the_pool_fills_only_the_places_left_under_the_cap(manager):
    async def scenario():
        km = manager(3)
        km.fill_delay = 0
        km.fill_if_needed(delay=0, notebook_name=NB)
        assert km.get_pool_size(NB) == 2 and km.places_taken() == 2  # held before they start
        await settle()
        assert len(km._kernels) == 2 and km.places_taken() == 2
        assert all(env["VOILA_PREHEAT"] == "True" for env in km.started_envs)

        page = await km.start_kernel(kernel_name="python3")  # a page when the pool was empty
        assert km.places_taken() == 3
        with pytest.raises(web.HTTPError) as refused:  # a fourth kernel: refused, with the sentence
            await km.start_kernel(kernel_name="python3")
        assert refused.value.status_code == 503

        # A page takes a pooled kernel: Voila refills, but no place is left: nothing starts
        # (Voila alone would queue a start that fails, and the next page would take it).
        _task, _cache, taken = await km.get_rendered_notebook(NB)
        await settle()
        assert taken in km._kernels and km.get_pool_size(NB) == 1 and km.places_taken() == 3
        assert len(km._kernels) == 3

        # The closed page's kernel ends (the culler): its place goes back to the pool.
        await km.shutdown_kernel(page)
        assert km.get_pool_size(NB) == 2 and km.places_taken() == 3
        await settle()
        assert len(km._kernels) == 3 and km.get_pool_size(NB) == 2
        assert all(not t.done() or t.exception() is None for t in km._pools[NB])

        await km.shutdown_all()  # stopping: no refill while the kernels go
        assert len(km._kernels) == 0 and km.places_taken() == 0

    run(scenario)


def test_a_page_over_the_cap_with_an_empty_pool_gets_the_sentence(manager):
    async def scenario():
        km = manager(1)
        km.fill_if_needed(delay=0, notebook_name=NB)
        assert km.get_pool_size(NB) == 1  # the pool asks for 2, the cap leaves 1
        await settle()
        await km.get_rendered_notebook(NB)  # the one place: the page's now
        await settle()
        assert km.get_pool_size(NB) == 0 and km.places_taken() == 1
        with pytest.raises(web.HTTPError) as refused:
            await km.start_kernel(kernel_name="python3")
        assert refused.value.status_code == 503 and "too many pages (1 at most)" in refused.value.reason
        await km.shutdown_all()

    run(scenario)


def test_pooled_kernels_are_not_culled(manager, monkeypatch):
    culled = []

    async def cull(self, kernel_id):
        culled.append(kernel_id)

    monkeypatch.setattr(AsyncMappingKernelManager, "cull_kernel_if_idle", cull)

    async def scenario():
        km = manager(4)
        km.fill_if_needed(delay=0, notebook_name=NB)
        await settle()
        page = await km.start_kernel(kernel_name="python3")
        for kernel_id in list(km._kernels):
            await km.cull_kernel_if_idle(kernel_id)
        assert culled == [page]
        await km.shutdown_all()

    run(scenario)
