"""The classroom: links that lock or hide controls, presentation mode, teachers' scenarios."""
