//! The set type in the model. A placeholder until the set family lands:
//! no modelled command creates one yet.

use super::Spec;

/// The family's commands (joined with the others by [`super::all_specs`]).
pub static SPECS: &[Spec] = &[];

/// The family's commands the model leaves out, each with the reason.
pub static NOT_MODELLED: &[(&str, &str)] = &[];

#[derive(Clone, Debug, Default)]
pub struct SetM {}

impl SetM {
    /// The name OBJECT ENCODING replies with.
    pub fn encoding_name(&self) -> &'static [u8] {
        b"listpack"
    }
}
