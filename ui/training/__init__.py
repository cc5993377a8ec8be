"""The Training page: data sets, live runs, their views and backpropagation through time made visible."""
