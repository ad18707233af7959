from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo region (`seed_demo`, `demo_accounts`), the national-scale load generator and the benchmarks that
    need a database. No models, and nothing in the system imports it."""

    name = "demo"
    verbose_name = "demo region and benchmarks"
