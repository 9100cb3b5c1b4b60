"""A local Airflow for the ShopFlow DAG: ``dags/airflow-local.sh`` (one command) and the real-scheduler test.

Not a DAG folder module: ``.airflowignore`` keeps it out of parsing. See :mod:`airflow_local.stack`.
"""
