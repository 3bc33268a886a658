"""名单管理: which registries each unit may send, and the data administrator's batch pages (confirm, withdraw)."""
