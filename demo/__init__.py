"""Demo data for `make run`, the tests and the benchmarks: never installed in production.

The top layer: it may import every app, and no app imports it. `manage.py demo_data` loads one
module per app in order (members → events → newsletters → governance → reports); each creates
only its own app's rows and finds the rows of the apps before it by a stable key (an e-mail
address, a slug, a title). The Dutch texts live in demo/data/ (see its README.md).
"""
