"""Use cases: what pkgwhen does for someone, one module each — answer a question, show or refresh a server's
inventory, ask a server who changed a package. Each takes the gateways (through the services object) and
returns values; the Slack listeners and the terminal only parse, authorize, call and render."""
