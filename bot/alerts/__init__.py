"""Change alerts: Config notifications from SQS become summaries in Slack, none lost, none twice.

`runtime` builds and runs the worker; `worker` is its round; `queue`, `sources`, `ledger` and `slack` are
its gateways; `placement` and `routing` are pure; `health` is what `/readyz` says about it.
"""
