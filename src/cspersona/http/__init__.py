"""Pieces every HTTP route needs: the session and settings dependencies, errors, pagination."""
