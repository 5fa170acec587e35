//! COMMAND DOCS text of the list commands (Redis group `list`), one `static` per command.
