"""The model registry: every trained model with its version, data summary, features and metrics."""
