"""Evaluation against labelled corpora: corpus loaders (METER) and metrics."""
