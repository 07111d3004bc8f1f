"""The app shell: the `fanpulse` command, process supervision, reports and the demo.

The only package that knows collector/, analytics/ and dashboard/ together.
"""
