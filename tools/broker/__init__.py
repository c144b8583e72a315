"""Broker adapters behind core.ports.Broker: the paper broker and the Upstox client."""
