"""Sync with a feed server (Miniflux, Google Reader API, Tiny Tiny RSS): offline first.

The use case lands here; `backend.SyncBackend` is what each server implements.
"""
