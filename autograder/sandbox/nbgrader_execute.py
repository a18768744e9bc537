"""nbgrader's Execute preprocessor with the sandboxed kernel, an output cap, and a kernel that
ignores an interrupt stopped instead of waited for (wired in by engine/config.py's
SANDBOX_CONFIG, in each temporary course root of `rnn-course grade`)."""

from __future__ import annotations

import os

from autograder.sandbox.kernel_manager import ENV_OUTPUT_KB, SandboxKernelManager


def sandboxed_execute_class():
    """nbgrader's Execute preprocessor with the sandboxed kernel and an output cap.

    nbgrader's Execute forces `kernel_manager_class` in its constructor, over any config, so
    the grader swaps in this subclass (in the temporary course root's nbgrader_config.py).
    """
    from nbformat import v4
    from nbgrader.preprocessors import Execute

    class SandboxedExecute(Execute):
        def __init__(self, *args, **kwargs):
            kwargs["kernel_manager_class"] = SandboxKernelManager
            super().__init__(*args, **kwargs)
            self._output_bytes = 0
            limits = os.environ.get(ENV_OUTPUT_KB)
            self._output_cap = int(limits) << 10 if limits else 1 << 20
            self._capped = False

        async def _async_handle_timeout(self, timeout, cell=None):
            reply = await super()._async_handle_timeout(timeout, cell)
            # Code that ignores the interrupt (SIGINT masked, a loop in C) keeps the kernel
            # busy, and every later cell would wait its full timeout: stop the kernel instead
            # (the following cells then fail at once, and the submission is `timeout`).
            if self.km is not None and not await self._idle_within(15):
                self.log.error("The kernel ignored the interrupt: stopping it")
                await self.km.shutdown_kernel(now=True)
            return reply

        async def _idle_within(self, seconds: float) -> bool:
            """Does the kernel answer a kernel_info request (so it is not busy) in time?"""
            import time as _time

            msg_id = self.kc.kernel_info()
            deadline = _time.monotonic() + seconds
            while _time.monotonic() < deadline:
                left = max(0.1, deadline - _time.monotonic())
                try:
                    msg = await self.kc.get_shell_msg(timeout=left)
                except Exception:  # noqa: BLE001 - no answer (queue.Empty, a closed channel)
                    return False
                if msg.get("parent_header", {}).get("msg_id") == msg_id:
                    return True
            return False

        def output(self, outs, msg, display_id, cell_index):
            if msg.get("msg_type") == "error":  # an error is always kept (it zeroes a test),
                msg = _cut_error(msg, self._output_bytes > self._output_cap)  # but cut short
                content = msg["content"]
                self._output_bytes += len(content["evalue"]) + sum(map(len, content["traceback"]))
                return super().output(outs, msg, display_id, cell_index)
            content = msg.get("content", {})
            size = len(str(content.get("text", ""))) + len(str(content.get("data", "")))
            self._output_bytes += size
            if self._output_bytes > self._output_cap:
                if not self._capped:
                    self._capped = True
                    outs.append(
                        v4.new_output(
                            "stream",
                            name="stdout",
                            text=f"\n[output cut: more than {self._output_cap >> 10} KB]\n",
                        )
                    )
                return None
            return super().output(outs, msg, display_id, cell_index)

    return SandboxedExecute


ERROR_KEPT = 4096  # characters of one error's message and of its traceback's text


def _cut_error(msg: dict, over_cap: bool) -> dict:
    """An error message with its value and traceback cut to ERROR_KEPT characters each (to
    ERROR_KEPT // 16 and no traceback once the notebook's output cap is reached): a 30 MB
    exception message is output like any other."""
    content = dict(msg.get("content", {}))
    keep = ERROR_KEPT // 16 if over_cap else ERROR_KEPT
    ename, evalue = str(content.get("ename", "Error"))[:200], str(content.get("evalue", ""))
    if len(evalue) > keep:
        evalue = evalue[:keep] + f"... [cut: {len(evalue)} characters]"
    lines, left = [], 0 if over_cap else ERROR_KEPT
    for line in reversed([str(x) for x in content.get("traceback") or []]):
        if len(line) > left:
            break
        lines.insert(0, line)
        left -= len(line)
    if not lines and not over_cap:
        lines = [f"{ename}: {evalue[: ERROR_KEPT // 4]}"]
    return {**msg, "content": {**content, "ename": ename, "evalue": evalue, "traceback": lines}}
