"""ShopFlow ingestion DAG support: configuration, interval planning and the two task runners.

The DAG file (``shopflow_ingest.py``) stays declarative; everything that needs a test lives here:

- :mod:`shopflow.config`: every knob, read from ``SHOPFLOW_*`` environment variables with sane defaults.
- :mod:`shopflow.intervals`: sub-interval (chunk) and trailing-interval (late commit) planning, pure functions.
- :mod:`shopflow.catalog`: the three task kinds of the contract (module, image, secret-backed variables).
- :mod:`shopflow.podtask`: the pod task as the DAG holds it (plain values, no Kubernetes client at parse time).
- :mod:`shopflow.pod`: the KubernetesPodOperator it builds and runs in clusters.
- :mod:`shopflow.plan`: the upstream task computing the argument lists of mapped chunks and re-lands.
- :mod:`shopflow.local`: the local runner (``java -jar``) used for development and ``dag.test()``.
- :mod:`shopflow.factory`: builds one or the other from the same command, arguments and environment.
"""
