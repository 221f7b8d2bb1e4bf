"""The composition root and the process: the services object, the Bolt app, start-up, serve, the CLI, the demo."""
