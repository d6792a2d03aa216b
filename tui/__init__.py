"""The moderator console: a Textual app that runs live sessions over the websocket protocol and the HTTP API."""
