"""Where kubegen's input comes from: a live cluster, a directory of its documents, or CRD manifests.

Every source produces a `kubeclient.apidocs.APIDocuments` (discovery facts plus OpenAPI v3 documents per
group-version), which `kubegen.ir.build_ir` turns into what gets rendered.
"""

from kubegen.sources.cluster import ClusterDocuments, fetch_cluster
from kubegen.sources.crd import CRDError, load_crds
from kubegen.sources.directory import load_directory

__all__ = ["CRDError", "ClusterDocuments", "fetch_cluster", "load_crds", "load_directory"]
