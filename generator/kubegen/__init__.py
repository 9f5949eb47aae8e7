"""kubegen: typed Kubernetes clients generated from OpenAPI v3 and discovery documents."""
