//! COMMAND DOCS text of the hash commands (Redis group `hash`), one `static` per command.
