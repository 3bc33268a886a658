"""Identity toolkit: pure functions for ID numbers, names, phones, dates, money and the calendar."""
