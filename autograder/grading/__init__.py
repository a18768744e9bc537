"""`rnn-course grade` and `rnn-course check`: submissions in (`intake`), the static tamper
report (`tamper`), the trusted re-check (`recheck`, `recheck_runner`, `definitions`), one
submission (`task`, `submission`, `kernel_run`), the batch (`grade`, `writer`, `state`,
`report`, `progress`), where its tasks run (`executors`, `bundles`, `local_pool`,
`dask_pool`), and the self-check (`check`)."""
