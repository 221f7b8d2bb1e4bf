"""The AWS gateways: the only code that talks to AWS (Config, SSM, EC2), with clients, pacing and paging."""
