"""The netz service: HTTP API and web pages over the netz library (built in its own issue)."""
