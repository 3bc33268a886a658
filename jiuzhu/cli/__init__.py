"""The `jiuzhu` command (contract: shared/spec/cli.md)."""
