"""Loopback stand-ins for the platforms' network edge. Only the network is fake: the libraries run for real."""
