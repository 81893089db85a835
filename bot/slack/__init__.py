"""The Slack adapter: slash commands in, Block Kit out, over Socket Mode or HTTP."""
