"""Does every notebook run here talk to its kernel through the sliced-poll client?

A cell that displays a widget sometimes loses the wake-up of nbclient's wait for the kernel's
reply, which then lasts the whole cell timeout (autograder/engine/kernel.py, SlicedPollChannel).
"""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest
from jupyter_client.manager import AsyncKernelManager
from traitlets.config.loader import PyFileConfigLoader

from autograder.course import notebooks as nbs
from autograder.engine import kernel as ex


def test_nbgrader_and_our_runs_use_the_sliced_poll_client():
    """Do `nbgrader autograde` (its config) and autograder.engine.kernel's kernels both use it?"""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(nbs.course_root())).load_config()
    assert AsyncKernelManager(config=config).client_factory is ex.SlicedPollKernelClient
    assert ex.IPCKernelManager().client_factory is ex.SlicedPollKernelClient
    client = ex.SlicedPollKernelClient()
    assert client.shell_channel_class is ex.SlicedPollChannel
    assert client.iopub_channel_class is ex.SlicedPollChannel


@pytest.mark.slow
def test_sliced_poll_gets_the_reply_and_times_out_with_empty(monkeypatch):
    """With a real kernel: does a wait longer than one slice still return the reply, and does
    a wait with nothing to come end with Empty, as jupyter_client's does?"""
    monkeypatch.setattr(ex, "POLL_SLICE", 0.05)

    async def scenario():
        km = ex.IPCKernelManager(kernel_name=ex.KERNEL)
        await km.start_kernel(env=ex.kernel_env())
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=ex.STARTUP_TIMEOUT)
            msg_id = kc.execute("import time; time.sleep(0.5); 6 * 7")
            while True:  # the reply comes after several slices
                reply = await kc.shell_channel.get_msg(timeout=30)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            assert reply["content"]["status"] == "ok"
            with pytest.raises(Empty):
                await kc.shell_channel.get_msg(timeout=0.2)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    asyncio.run(scenario())
