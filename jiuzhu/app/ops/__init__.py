"""Operations: backup and restore, retention and purge, health. Django-free unless a function says so."""
