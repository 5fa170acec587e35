//! COMMAND DOCS text of the set commands (Redis group `set`), one `static` per command.
