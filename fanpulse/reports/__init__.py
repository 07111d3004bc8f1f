"""Printed reports for the command line."""
