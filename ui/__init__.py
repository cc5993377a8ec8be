"""Shared pieces of Unrolled's pages: number formatting, Altair chart builders, the diagram."""
