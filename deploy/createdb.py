"""Create the PostgreSQL database named in DATABASE_URL when it does not exist yet (local trial and CI)."""

import os
import sys

import dj_database_url
import psycopg

config = dj_database_url.parse(os.environ["DATABASE_URL"])
if "postgresql" not in config["ENGINE"]:
    sys.exit(0)
params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"],
          "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
with psycopg.connect(**params) as connection:
    exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
    if not exists:
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')  # nosec B608 - a name from our own setting
        print(f"База данных {config['NAME']} создана.")
