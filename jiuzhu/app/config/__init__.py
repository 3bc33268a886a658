"""The data administrator's configuration that several parts read: time limits, the wage table, the 职责清单
and the kinds of help, with the one way to count a due date and the one "today"."""
