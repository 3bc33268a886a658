"""The engine half: pure data work, no Django. The app calls it through `jiuzhu.engine.api`."""
