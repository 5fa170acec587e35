//! The hash family's templates (joined into the main mix by
//! [`super::main_templates`]).

use super::Template;

pub static TEMPLATES: &[Template] = &[];
