"""VADER 3.3.2's kernel and lexicons, kept with the project under VADER's MIT licence."""
