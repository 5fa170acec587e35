//! COMMAND DOCS text of the sorted_set commands (Redis group `sorted-set`), one `static` per command.
