"""The Discord adapter: `/rolecall` app commands in, embeds out, over the gateway."""
