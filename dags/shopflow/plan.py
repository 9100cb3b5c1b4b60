"""The upstream task that computes the concrete argument lists of a mapped extract-db family.

A plain operator rather than ``@task``: the task decorator imports Airflow's standard provider (Python
operators, setup/teardown decorators), about half a second of every parse of the DAG file, and every task
process parses it.
"""

from __future__ import annotations

from typing import Callable

from airflow.sdk import BaseOperator


class PlanOperator(BaseOperator):
    """Returns ``python_callable(data_interval_start=..., data_interval_end=...)`` of the run (to XCom)."""

    ui_color = "#e8eef7"

    def __init__(self, *, python_callable: Callable[..., list[list[str]]], **kwargs):
        super().__init__(**kwargs)
        self.python_callable = python_callable

    def execute(self, context):
        return self.python_callable(data_interval_start=context.get("data_interval_start"),
                                    data_interval_end=context.get("data_interval_end"))
