"""后台任务: a jobs table in the case database and `jiuzhu worker`, which polls it (no broker)."""
